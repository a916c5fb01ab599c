/**
 * All-purpose clusters (/api/2.1/clusters). Found by berth's tags in custom_tags (sent in the create request itself),
 * else adopted by exact cluster_name with --adopt. Compared on the fields the spec sets (compare.ts); an edit of a
 * RUNNING cluster restarts it, so the plan says so, and a change of the worker count alone is a resize instead. An edit
 * during a transition (PENDING, RESTARTING, RESIZING, TERMINATING) is refused with INVALID_STATE: it is tried again
 * until the cluster is stable, within 15 minutes (the Terraform provider's bound). A cluster is ready when RUNNING;
 * one the spec wants terminated is started once when created (that proves its init scripts) and terminated by its
 * clusterState step after everything using it.
 */
import { type ClusterResource, DATABRICKS_TAG, STARTED_BY_BERTH } from "../../../resources/databricks-resource.ts";
import { failed, ready, type Verdict, waiting } from "../../../readiness/verdict.ts";
import { type FieldChange, type LiveState, type Progress, ProviderRequestFailed, type RunResult } from "../../provider.ts";
import type { DatabricksApi, Json } from "../api.ts";
import type { KindContext, KindModule } from "../kind.ts";
import { digestOf, mapChanges, splitDrift, subsetChanges, without } from "./compare.ts";
import { berthTags, type Candidate, type Identity, identify, stringTags, withBerthTags } from "./identity.ts";
import { listAll } from "./paging.ts";
import { CLUSTER_DEFAULTS, withDefaults } from "./server-defaults.ts";
import { foundState, ownedByTags, removeTagged } from "./tagged-ownership.ts";

export const CLUSTERS_API = "/api/2.1/clusters";
/** Fields a resize changes without a restart. */
export const WORKER_FIELDS = ["num_workers", "autoscale"] as const;
/** How long an edit waits for a cluster in transition (INVALID_STATE). */
export const INVALID_STATE_MS = 15 * 60_000;
export const RESTART_EFFECT = "the running cluster restarts";

/** States in which the cluster is, or is about to be, up: an edit restarts it. */
const UP = new Set(["RUNNING", "PENDING", "RESTARTING", "RESIZING"]);
/** A termination of this type is no failure (a user's request, inactivity). */
const NORMAL_TERMINATION = new Set(["SUCCESS"]);

const isWorkerField = (field: string): boolean => WORKER_FIELDS.some((f) => field === f || field.startsWith(`${f}.`));
const isBerthTag = (field: string): boolean => field.startsWith(`custom_tags.berth.`);

interface ClusterCandidate extends Candidate {
  readonly detail: Json;
}

/**
 * The output `started_by_berth`: how this run brought the cluster up ("created", "started", "restarted"), or "no".
 * Its clusterState step reads it through a token and terminates only a cluster this run brought up — never one a
 * scheduled job or a user started. It is an output (journaled) rather than process memory, so a resumed run knows too.
 */
export { STARTED_BY_BERTH };
export const NOT_STARTED = "no";

/** The sources of all-purpose clusters: made in the UI or through the API (berth's). */
const CLUSTER_SOURCES = ["UI", "API"] as const;

export async function listClusters(ctx: KindContext, progress?: Progress): Promise<ClusterCandidate[]> {
  // Job clusters (often thousands) cannot be edited and belong to their runs: the workspace leaves them out, and so
  // does the filter below for a server that ignores the parameter.
  const listed = await listAll(ctx.api, `${CLUSTERS_API}/list`, "clusters", { page_size: "100", "filter_by.cluster_sources": CLUSTER_SOURCES }, "list clusters", progress);
  return listed.filter((c) => c.cluster_source !== "JOB").map((c) => ({ id: String(c.cluster_id), name: typeof c.cluster_name === "string" ? c.cluster_name : undefined, tags: stringTags(c.custom_tags), detail: c }));
}

export const readCluster = (api: DatabricksApi, id: string, progress?: Progress): Promise<Json | undefined> =>
  api.find({ path: `${CLUSTERS_API}/get`, query: { cluster_id: id }, operation: `read cluster ${id}`, readOnly: true, ...(progress ? { progress } : {}) });

const locate = async (r: ClusterResource, ctx: KindContext, progress?: Progress, adopt = ctx.adopt): Promise<Identity<ClusterCandidate>> =>
  identify(await listClusters(ctx, progress), { instance: ctx.instance, key: r.key, ...(r.renamedFrom ? { renamedFrom: r.renamedFrom } : {}), name: r.body.cluster_name as string | undefined, adopt, noun: "cluster" });

/** The digest of the body as the spec has it, less the worker count (a resize must not need an edit to re-tag). */
export const clusterDigest = (r: ClusterResource): string => digestOf(without(r.body as Json, [...WORKER_FIELDS]));

/** The body berth sends: the spec's, with berth's tags and the digest of this body in custom_tags. */
export const clusterBody = (r: ClusterResource, instance: string, adopted: boolean): Json => withBerthTags(r.body as Json, "custom_tags", r, instance, adopted, clusterDigest(r));

/** The live custom_tags without Databricks' default_tags (Vendor, Creator, ClusterName, ClusterId) and the digest. */
export function liveCustomTags(live: Json): Record<string, string> {
  const defaults = stringTags(live.default_tags);
  return Object.fromEntries(Object.entries(stringTags(live.custom_tags)).filter(([k, v]) => k !== DATABRICKS_TAG.digest && defaults[k] !== v));
}

/**
 * What differs between the spec (with berth's tags) and the cluster, normalised for server defaults. Tags the spec
 * sets must match and berth.* tags match exactly; other live tags are ignored — a cluster policy adds its own, which
 * would otherwise be drift forever. A tag removed from the spec is still dropped: the digest makes that an edit.
 */
export function clusterDifferences(r: ClusterResource, live: Json, instance: string, adopted: boolean): FieldChange[] {
  const wanted = berthTags(r.body.custom_tags, r, instance, adopted);
  const liveTags = Object.fromEntries(Object.entries(liveCustomTags(live)).filter(([k]) => k in wanted || k.startsWith("berth.")));
  return [...subsetChanges(without(r.body as Json, ["custom_tags"]), withDefaults(live, CLUSTER_DEFAULTS)), ...mapChanges(wanted, liveTags, "custom_tags")];
}

/** Fields removed from the spec show in no field comparison: the digest berth last wrote says the spec changed all the same. */
const specChangedOn = (r: ClusterResource, live: Json): boolean => {
  const lastWritten = stringTags(live.custom_tags)[DATABRICKS_TAG.digest];
  return lastWritten !== undefined && lastWritten !== clusterDigest(r);
};

/** Whether applying these differences needs clusters/edit (anything but the worker count and the run state). */
export const needsEdit = (fields: readonly string[]): boolean => fields.some((f) => !isWorkerField(f) && f !== "state");

function describeTermination(live: Json): { code: string; text: string } | undefined {
  const reason = live.termination_reason as Json | undefined;
  if (!reason?.code) return undefined;
  const params = Object.entries((reason.parameters ?? {}) as Json).map(([k, v]) => `${k}=${String(v)}`);
  return { code: String(reason.code), text: `${reason.code}${reason.type ? ` (${reason.type})` : ""}${params.length ? `: ${params.join(", ")}` : ""}` };
}

/** A cluster the spec wants terminated whose last start failed: the proof a start gives was never had, so up starts it again. */
const retryStart = (r: ClusterResource, live: Json): boolean => r.state === "terminated" && live.state === "TERMINATED" && failedTermination(live);

const failedTermination = (live: Json): boolean => {
  const reason = live.termination_reason as Json | undefined;
  return !!reason?.code && !NORMAL_TERMINATION.has(String(reason.type ?? "")) && !["USER_REQUEST", "INACTIVITY"].includes(String(reason.code));
};

/** The cluster's state as a verdict, for what the spec wants of it. */
export function clusterVerdict(r: Pick<ClusterResource, "key" | "state">, live: Json, started: boolean): Verdict {
  const state = String(live.state ?? "UNKNOWN");
  const message = live.state_message ? `: ${live.state_message}` : "";
  const termination = describeTermination(live);
  if (state === "RUNNING") return ready("RUNNING");
  if (state === "ERROR") return failed(termination?.code ?? "ClusterError", `cluster ${r.key} is in state ERROR${termination ? `: ${termination.text}` : message}`);
  if (state === "TERMINATED") {
    if (failedTermination(live) && (started || r.state === "running")) return failed(termination!.code, `cluster ${r.key} terminated: ${termination!.text}${message}`);
    if (r.state === "terminated") return ready(`TERMINATED${termination ? ` (${termination.code})` : ""}`);
    return failed(termination?.code ?? "Terminated", `cluster ${r.key} terminated while it should run${termination ? `: ${termination.text}` : ""}`);
  }
  return waiting(`${state}${message}`);
}

const ABSENT = (r: ClusterResource): LiveState => ({
  exists: false,
  ownership: "absent",
  changes: [{ field: "(resource)", to: r.state === "terminated" ? "created (started once, terminated after everything using it)" : "created" }],
  intentChanged: true,
});

export const clusterKind: KindModule<ClusterResource> = {
  async inspect(r, ctx) {
    const identity = await locate(r, ctx);
    if (identity.kind === "absent") return ABSENT(r);
    if (identity.kind === "foreign") return { exists: true, ownership: "foreign", owner: identity.owner, changes: [], intentChanged: false };
    const { found } = identity;
    const live = (await readCluster(ctx.api, found.id)) ?? found.detail;
    const adopted = identity.kind === "adoptable" || identity.adopted;
    const digest = clusterDigest(r);
    const lastWritten = stringTags(live.custom_tags)[DATABRICKS_TAG.digest];
    const { changes, drift } = splitDrift(clusterDifferences(r, live, ctx.instance, adopted), lastWritten, digest, (f) => isBerthTag(f) || isWorkerField(f));
    const state = String(live.state ?? "UNKNOWN");
    if (r.state === "running" && (state === "TERMINATED" || state === "TERMINATING")) changes.push({ field: "state", from: state, to: "RUNNING" });
    if (retryStart(r, live)) changes.push({ field: "state", from: `TERMINATED (${describeTermination(live)!.code})`, to: "RUNNING (started again: its last start failed; then terminated)" });
    const specChanged = specChangedOn(r, live);
    const fields = [...changes, ...drift].map((c) => c.field);
    // Also with a resize or a start: only an edit drops a field removed from the spec (else the next up restarts it).
    const edit = needsEdit(fields) || specChanged;
    const effects = edit && UP.has(state) ? [RESTART_EFFECT] : [];
    const inspected = foundState({ identity, adopted, changes, drift, specChanged, effects, outputs: { cluster_id: found.id } });
    // Nothing to do: this run brings it up in no way. Otherwise the run says (unknown at plan time).
    return inspected.intentChanged ? inspected : { ...inspected, outputs: { ...inspected.outputs, [STARTED_BY_BERTH]: NOT_STARTED } };
  },

  async run(r, given, ctx, progress) {
    let live = given;
    if (!live.exists) {
      // The inspection may be older than this run's start, or a killed run may have created it since: look again.
      live = await clusterKind.inspect(r, ctx);
      if (live.ownership === "foreign") throw new ProviderRequestFailed(`cluster ${r.key} exists and is ${live.owner}`, 409);
    }
    if (!live.exists) {
      const created = await ctx.api.post({ path: `${CLUSTERS_API}/create`, body: clusterBody(r, ctx.instance, false), operation: `create cluster ${r.key}`, progress, idempotent: false });
      const id = String(created.cluster_id);
      return { did: "created", mutated: true, outputs: { cluster_id: id, [STARTED_BY_BERTH]: "created" } };
    }
    const id = live.outputs?.cluster_id;
    if (!id) throw new Error(`cluster ${r.key}: inspected without its id`);
    return updateCluster(r, live, id, ctx, progress);
  },

  async check(r, ctx, _stage, outputs) {
    let id = outputs.cluster_id;
    if (!id) {
      const identity = await locate(r, ctx, undefined, false);
      if (identity.kind !== "ours") return { ...waiting("not found"), reason: "NotFound" };
      id = identity.found.id;
    }
    const live = await readCluster(ctx.api, id);
    if (!live) return { ...waiting(`cluster ${id} not found`), reason: "NotFound" };
    // A failed start is this step's failure when its run brought the cluster up: the output says so (journaled, so a
    // resumed run knows it too); a cluster whose last start failed is started again by the run (retryStart).
    return clusterVerdict(r, live, (outputs[STARTED_BY_BERTH] ?? NOT_STARTED) !== NOT_STARTED);
  },

  async explain(r, ctx, _verdict, outputs) {
    const id = outputs.cluster_id ?? (await locate(r, ctx, undefined, false).then((i) => (i.kind === "ours" ? i.found.id : undefined)));
    if (!id) return [];
    const lines: string[] = [];
    const live = await readCluster(ctx.api, id);
    const termination = live ? describeTermination(live) : undefined;
    if (termination) lines.push(`termination reason ${termination.text}`);
    if (live?.state_message) lines.push(`state ${live.state}: ${live.state_message}`);
    const events = await ctx.api.post({ path: `${CLUSTERS_API}/events`, body: { cluster_id: id, order: "DESC", limit: 5 }, operation: `read the event log of cluster ${r.key}`, idempotent: true, readOnly: true });
    const list = ((events.events as Json[] | undefined) ?? []).slice(0, 5);
    if (list.length) lines.push(`last events of cluster ${id} (newest first):`);
    for (const e of list) lines.push(`  ${eventLine(e)}`);
    return lines;
  },

  remove: (r, ctx, progress) =>
    removeTagged({
      retain: r.retain,
      locate: () => locate(r, ctx, progress, false),
      remove: (id) => ctx.api.post({ path: `${CLUSTERS_API}/permanent-delete`, body: { cluster_id: id }, operation: `delete cluster ${r.key}`, progress, idempotent: true }),
      read: (id) => readCluster(ctx.api, id, progress),
    }),

  owned: async (ctx) =>
    ownedByTags(await listClusters(ctx), ctx, (c, key, retain): ClusterResource => ({ kind: "cluster", key, workspace: ctx.workspace, body: { cluster_name: c.name }, state: "running", ...(retain ? { retain: true } : {}) })),
};

/** Applies the differences to an existing cluster: resize, edit, start — no request when nothing differs. */
async function updateCluster(r: ClusterResource, live: LiveState, id: string, ctx: KindContext, progress: Progress): Promise<RunResult> {
  const outputs: Record<string, string> = { cluster_id: id, [STARTED_BY_BERTH]: NOT_STARTED };
  const fields = [...live.changes, ...(live.drift ?? [])].map((c) => c.field);
  if (!live.intentChanged) return { did: "unchanged", mutated: false, outputs };
  const current = await readCluster(ctx.api, id, progress);
  if (!current) throw new ProviderRequestFailed(`cluster ${r.key} (${id}) disappeared while berth updated it`, 404);
  const adopted = live.adopted === true;
  const state = String(current.state ?? "UNKNOWN");
  const done: string[] = [];
  const wait = { retryInvalidStateMs: INVALID_STATE_MS, idempotent: true, progress } as const;
  const workers = fields.some(isWorkerField);
  const edit = needsEdit(fields) || specChangedOn(r, current) || (!workers && !fields.includes("state")) || (workers && !UP.has(state));
  if (edit && UP.has(state)) outputs[STARTED_BY_BERTH] = "restarted";
  if (edit) {
    if (!["RUNNING", "TERMINATED", "ERROR"].includes(state)) progress.note(`cluster ${r.key} is ${state}: the edit waits until it is RUNNING or TERMINATED`);
    await ctx.api.post({ path: `${CLUSTERS_API}/edit`, body: { ...clusterBody(r, ctx.instance, adopted), cluster_id: id }, operation: `edit cluster ${r.key}`, ...wait });
    done.push(UP.has(state) ? "updated (restarted)" : "updated (stays terminated)");
  } else if (workers) {
    const size = r.body.autoscale !== undefined ? { autoscale: r.body.autoscale } : { num_workers: r.body.num_workers };
    await ctx.api.post({ path: `${CLUSTERS_API}/resize`, body: { cluster_id: id, ...size }, operation: `resize cluster ${r.key}`, ...wait });
    done.push("resized (no restart)");
  }
  if ((r.state === "running" && (state === "TERMINATED" || state === "TERMINATING" || state === "ERROR")) || retryStart(r, current)) {
    await ctx.api.post({ path: `${CLUSTERS_API}/start`, body: { cluster_id: id }, operation: `start cluster ${r.key}`, ...wait });
    outputs[STARTED_BY_BERTH] = "started";
    done.push(r.state === "running" ? "started" : "started again (its last start failed)");
  }
  if (!done.length) return { did: "unchanged", mutated: false, outputs };
  return { did: done.join(", "), mutated: true, outputs };
}

const eventLine = (e: Json): string => {
  const at = typeof e.timestamp === "number" ? new Date(e.timestamp).toISOString() : "";
  const d = (e.details ?? {}) as Json;
  const reason = d.reason as Json | undefined;
  const what = reason?.code
    ? `${reason.code}${Object.keys(reason.parameters ?? {}).length ? ` ${Object.entries(reason.parameters as Json).map(([k, v]) => `${k}=${String(v)}`).join(", ")}` : ""}`
    : Object.keys(d).length
      ? JSON.stringify(d).slice(0, 200)
      : "";
  return [at, e.type, what].filter(Boolean).join(" ");
};
