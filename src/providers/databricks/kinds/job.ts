/**
 * Jobs (/api/2.2/jobs). Found by berth's tags in settings.tags, else adopted by exact name with --adopt (names are not
 * unique in a workspace: two of the same name is an error naming both ids). Compared on the settings the spec sets,
 * against the server's defaults (server-defaults.ts); any difference is one jobs/reset of the same job_id — a rename
 * too, whether of settings.name or of the spec key (renamedFrom), so a job's run history stays with it. An optional
 * smoke run after a create or update is a run-now with an idempotency token from the job id, the step's intent and what
 * was there before this write (the live settings' digest and the job's newest run), so a retried request never starts
 * a second run while a later write of the same intent (a remote edit put back, a spec going A→B→A) gets a new one; the
 * step's check follows it on the engine's clock.
 */
import { createHash } from "node:crypto";
import { DATABRICKS_TAG, type JobResource } from "../../../resources/databricks-resource.ts";
import { failed, ready, waiting } from "../../../readiness/verdict.ts";
import { type FieldChange, type LiveState, type Progress, ProviderRequestFailed, type RunResult } from "../../provider.ts";
import type { Json } from "../api.ts";
import type { KindContext, KindModule } from "../kind.ts";
import { digestOf, mapChanges, splitDrift, subsetChanges, without } from "./compare.ts";
import { berthTags, type Candidate, type Identity, identify, stringTags, withBerthTags } from "./identity.ts";
import { listAll } from "./paging.ts";
import { normaliseJobSettings } from "./server-defaults.ts";
import { foundState, ownedByTags, removeTagged } from "./tagged-ownership.ts";

export const JOBS_API = "/api/2.2/jobs";
/** Run states after which nothing more happens. */
const FINAL = new Set(["TERMINATED", "INTERNAL_ERROR", "SKIPPED"]);

interface JobCandidate extends Candidate {
  readonly detail: Json;
}

export async function listJobs(ctx: KindContext, progress?: Progress): Promise<JobCandidate[]> {
  const listed = await listAll(ctx.api, `${JOBS_API}/list`, "jobs", { limit: "100" }, "list jobs", progress);
  return listed.map((j) => ({ id: String(j.job_id), name: typeof j.settings?.name === "string" ? j.settings.name : undefined, tags: stringTags(j.settings?.tags), detail: j }));
}

/** jobs/get with every page of its tasks and job clusters (100 per answer); undefined when the job is gone. */
export async function readJob(ctx: KindContext, id: string, progress?: Progress): Promise<Json | undefined> {
  const call = (token?: string) => ctx.api.find({ path: `${JOBS_API}/get`, query: { job_id: id, ...(token ? { page_token: token } : {}) }, operation: `read job ${id}`, readOnly: true, ...(progress ? { progress } : {}) });
  const first = await call();
  if (!first) return undefined;
  const settings: Json = { ...(first.settings ?? {}) };
  let token = typeof first.next_page_token === "string" && first.next_page_token ? first.next_page_token : undefined;
  for (let page = 0; token && page < 100; page++) {
    const more = await call(token);
    if (!more) break;
    for (const field of ["tasks", "job_clusters", "parameters", "environments"]) if (Array.isArray(more.settings?.[field])) settings[field] = [...(settings[field] ?? []), ...more.settings[field]];
    const next: string | undefined = typeof more.next_page_token === "string" && more.next_page_token ? more.next_page_token : undefined;
    token = next === token ? undefined : next;
  }
  return { ...first, settings };
}

const locate = async (r: JobResource, ctx: KindContext, progress?: Progress, adopt = ctx.adopt): Promise<Identity<JobCandidate>> =>
  identify(await listJobs(ctx, progress), { instance: ctx.instance, key: r.key, ...(r.renamedFrom ? { renamedFrom: r.renamedFrom } : {}), name: r.settings.name as string | undefined, adopt, noun: "job" });

export const jobDigest = (r: JobResource): string => digestOf(r.settings);

/** The settings berth sends: the spec's, with berth's tags and the digest of these settings. */
export const jobSettings = (r: JobResource, instance: string, adopted: boolean): Json => withBerthTags(r.settings as Json, "tags", r, instance, adopted, jobDigest(r));

export function jobDifferences(r: JobResource, liveSettings: Json, instance: string, adopted: boolean): FieldChange[] {
  const liveTags = Object.fromEntries(Object.entries(stringTags(liveSettings.tags)).filter(([k]) => k !== DATABRICKS_TAG.digest));
  return [
    ...subsetChanges(normaliseJobSettings(without(r.settings as Json, ["tags"]), false), normaliseJobSettings(without(liveSettings, ["tags"]), true)),
    ...mapChanges(berthTags(r.settings.tags, r, instance, adopted), liveTags, "tags"),
  ];
}

/** run-now's idempotency token (≤ 64 characters): the same job and intent give the same run, however often asked. */
export const smokeRunToken = (jobId: string, intent: string): string => `berth-${createHash("sha256").update(`${jobId} ${intent}`).digest("hex").slice(0, 40)}`;

/** The job before a reset: its settings' digest and its newest run (each smoke run is one), never the same twice. */
async function writtenOver(ctx: KindContext, id: string, progress: Progress): Promise<string> {
  const settings = (await readJob(ctx, id, progress))?.settings ?? {};
  const runs = await ctx.api.get({ path: `${JOBS_API}/runs/list`, query: { job_id: id, limit: "1" }, operation: `read the newest run of job ${id}`, readOnly: true, progress });
  return `${digestOf(settings)} ${String(((runs.runs as Json[] | undefined) ?? [])[0]?.run_id ?? "none")}`;
}

export const jobKind: KindModule<JobResource> = {
  async inspect(r, ctx) {
    const identity = await locate(r, ctx);
    if (identity.kind === "absent") return { exists: false, ownership: "absent", changes: [{ field: "(resource)", to: r.smokeRun ? "created (then run once as a smoke test)" : "created" }], intentChanged: true };
    if (identity.kind === "foreign") return { exists: true, ownership: "foreign", owner: identity.owner, changes: [], intentChanged: false };
    const { found } = identity;
    const live = (await readJob(ctx, found.id)) ?? found.detail;
    const liveSettings = (live.settings ?? {}) as Json;
    const adopted = identity.kind === "adoptable" || identity.adopted;
    const digest = jobDigest(r);
    const lastWritten = stringTags(liveSettings.tags)[DATABRICKS_TAG.digest];
    const { changes, drift } = splitDrift(jobDifferences(r, liveSettings, ctx.instance, adopted), lastWritten, digest, (f) => f.startsWith("tags.berth."));
    const specChanged = lastWritten !== undefined && lastWritten !== digest;
    const effects = r.smokeRun && (changes.length || drift.length || specChanged) ? ["the job runs once as a smoke test"] : [];
    return foundState({ identity, adopted, changes, drift, specChanged, effects, outputs: { job_id: found.id } });
  },

  async run(r, given, ctx, progress): Promise<RunResult> {
    let live: LiveState = given;
    if (!live.exists) {
      // A run killed after its create finds the job by tag here, instead of creating a second one.
      live = await jobKind.inspect(r, ctx);
      if (live.ownership === "foreign") throw new ProviderRequestFailed(`job ${r.key} exists and is ${live.owner}`, 409);
    }
    let id: string;
    let did: string;
    /** What was there before this write: part of the smoke run's token, so each write gets its own run. */
    let before = "created";
    if (!live.exists) {
      const created = await ctx.api.post({ path: `${JOBS_API}/create`, body: jobSettings(r, ctx.instance, false), operation: `create job ${r.key}`, progress, idempotent: false });
      id = String(created.job_id);
      did = "created";
    } else {
      id = live.outputs?.job_id ?? "";
      if (!id) throw new Error(`job ${r.key}: inspected without its id`);
      if (!live.intentChanged) return { did: "unchanged", mutated: false, outputs: { job_id: id } };
      if (r.smokeRun) before = await writtenOver(ctx, id, progress);
      await ctx.api.post({ path: `${JOBS_API}/reset`, body: { job_id: Number(id), new_settings: jobSettings(r, ctx.instance, live.adopted === true) }, operation: `update job ${r.key}`, progress, idempotent: true });
      const renamed = live.changes.some((c) => c.field === "name" || c.field === `tags.${DATABRICKS_TAG.key}`);
      did = renamed ? "updated (renamed, same job id)" : live.ownership === "adoptable" ? "adopted" : "updated";
    }
    if (!r.smokeRun) return { did, mutated: true, outputs: { job_id: id } };
    const started = await ctx.api.post({
      path: `${JOBS_API}/run-now`,
      body: { job_id: Number(id), idempotency_token: smokeRunToken(id, `${ctx.digest ?? jobDigest(r)} ${before}`) },
      operation: `start a smoke run of job ${r.key}`,
      progress,
      // The token makes a repeat return the same run.
      idempotent: true,
    });
    const runId = String(started.run_id);
    progress.note(`job ${r.key}: smoke run ${runId} started`);
    return { did: `${did}; smoke run ${runId} started`, mutated: true, outputs: { job_id: id, smoke_run_id: runId } };
  },

  async check(r, ctx, _stage, outputs) {
    const id = outputs.job_id ?? (await locate(r, ctx, undefined, false).then((i) => (i.kind === "ours" ? i.found.id : undefined)));
    if (!id) return { ...waiting("not found"), reason: "NotFound" };
    const runId = outputs.smoke_run_id;
    if (!runId) return (await readJob(ctx, id)) ? ready(`job ${id}`) : { ...waiting(`job ${id} not found`), reason: "NotFound" };
    const run = await ctx.api.get({ path: `${JOBS_API}/runs/get`, query: { run_id: runId }, operation: `read smoke run ${runId} of job ${r.key}`, readOnly: true });
    const state = (run.state ?? {}) as Json;
    const life = String(state.life_cycle_state ?? "PENDING");
    const url = typeof run.run_page_url === "string" ? ` (${run.run_page_url})` : "";
    if (!FINAL.has(life)) return waiting(`smoke run ${runId} ${life}${url}`);
    const result = String(state.result_state ?? life);
    if (life === "TERMINATED" && result === "SUCCESS") return ready(`job ${id}; smoke run ${runId} SUCCESS${url}`);
    return failed(`SmokeRun${result.charAt(0)}${result.slice(1).toLowerCase()}`, `smoke run ${runId} of job ${r.key} ended ${result}${state.state_message ? `: ${state.state_message}` : ""}${url}`);
  },

  async explain(r, ctx, _verdict, outputs) {
    const runId = outputs.smoke_run_id;
    if (!runId) return [];
    const run = await ctx.api.find({ path: `${JOBS_API}/runs/get`, query: { run_id: runId }, operation: `read smoke run ${runId} of job ${r.key}`, readOnly: true });
    if (!run) return [];
    const lines = [`smoke run ${runId}: ${run.state?.life_cycle_state ?? ""} ${run.state?.result_state ?? ""}${run.state?.state_message ? ` — ${run.state.state_message}` : ""}`.trim()];
    for (const t of (run.tasks as Json[] | undefined) ?? []) if (t.state?.result_state && t.state.result_state !== "SUCCESS") lines.push(`  task ${t.task_key}: ${t.state.result_state}${t.state.state_message ? ` — ${t.state.state_message}` : ""}`);
    if (run.run_page_url) lines.push(`run page: ${run.run_page_url}`);
    return lines;
  },

  remove: (r, ctx, progress) =>
    removeTagged({
      retain: r.retain,
      locate: () => locate(r, ctx, progress, false),
      remove: (id) => ctx.api.post({ path: `${JOBS_API}/delete`, body: { job_id: Number(id) }, operation: `delete job ${r.key}`, progress, idempotent: true }),
      read: (id) => readJob(ctx, id, progress),
    }),

  owned: async (ctx) => ownedByTags(await listJobs(ctx), ctx, (j, key, retain): JobResource => ({ kind: "job", key, workspace: ctx.workspace, settings: { name: j.name }, ...(retain ? { retain: true } : {}) })),
};
