/**
 * Jobs API (`/api/2.2/jobs/*`, 2.1 and 2.0 aliases): names are not unique; a missing job is 400
 * INVALID_PARAMETER_VALUE "Job x does not exist."; tasks are checked against clusters, job clusters and notebooks;
 * get adds the defaults the service fills in. run-now with an idempotency token, runs moving QUEUED → PENDING →
 * RUNNING → TERMINATED on the clock.
 */
import { invalid } from "./errors.ts";
import { api, type Call, ok, page, param, type Reply, type Route } from "./route.ts";
import type { Json } from "./types.ts";
import { wsPath } from "./workspace.ts";
import type { Job, Run, Workspace, World } from "./world.ts";

const RUN_LATENCY = { queued: 1_000, pending: 30_000, running: 60_000 } as const;
const IDEMPOTENCY_WINDOW = 60 * 24 * 3600_000;

export function getJob(ws: Workspace, id: unknown): Job {
  if (id === undefined || id === null || id === "") throw invalid("Missing required field: job_id");
  const job = ws.jobs.get(Number(id));
  if (!job) throw invalid(`Job ${id} does not exist.`);
  return job;
}

/** Task checks Databricks makes on save: task keys, compute references, notebooks in the workspace. */
function validate(ws: Workspace, s: Json): void {
  if (s.name !== undefined && typeof s.name !== "string") throw invalid("name must be a string.");
  const tasks: Json[] = s.tasks ?? [];
  if (tasks.length > 1000) throw invalid(`A job can have at most 1000 tasks; got ${tasks.length}.`);
  const jobClusters = new Set<string>();
  for (const jc of s.job_clusters ?? []) {
    if (!jc.job_cluster_key) throw invalid("job_clusters.job_cluster_key is required.");
    if (jobClusters.has(jc.job_cluster_key)) throw invalid(`Duplicate job cluster key ${jc.job_cluster_key}.`);
    jobClusters.add(jc.job_cluster_key);
  }
  const keys = new Set<string>();
  for (const t of tasks) {
    if (!t.task_key) throw invalid("Task key must be specified for every task.");
    if (keys.has(t.task_key)) throw invalid(`Task key ${t.task_key} is not unique.`);
    keys.add(t.task_key);
  }
  for (const t of tasks) {
    if (t.existing_cluster_id !== undefined && !ws.clusters.has(String(t.existing_cluster_id))) throw invalid(`Cluster ${t.existing_cluster_id} does not exist`);
    if (t.job_cluster_key !== undefined && !jobClusters.has(t.job_cluster_key))
      throw invalid(`Task ${t.task_key} references job cluster key ${t.job_cluster_key}, which is not defined in job_clusters.`);
    for (const d of t.depends_on ?? []) if (!keys.has(d.task_key)) throw invalid(`Task ${t.task_key} depends on ${d.task_key}, which does not exist.`);
    const nb = t.notebook_task;
    if (nb && (nb.source ?? "WORKSPACE") === "WORKSPACE") {
      const o = ws.objects.get(wsPath(nb.notebook_path));
      if (!o || o.object_type !== "NOTEBOOK") throw invalid(`Invalid notebook_path: ${nb.notebook_path}. Notebook not found.`);
    }
  }
}

/** Settings as get answers them: what was saved plus the defaults Databricks fills in. */
function settingsView(s: Json, withTasks: boolean): Json {
  const v: Json = {
    email_notifications: {},
    webhook_notifications: {},
    timeout_seconds: 0,
    max_concurrent_runs: 1,
    format: "MULTI_TASK",
    ...structuredClone(s),
  };
  if (v.tasks) v.tasks = v.tasks.map((t: Json) => ({ timeout_seconds: 0, email_notifications: {}, run_if: "ALL_SUCCESS", ...t, ...(t.notebook_task ? { notebook_task: { source: "WORKSPACE", ...t.notebook_task } } : {}) }));
  if (!withTasks) {
    delete v.tasks;
    delete v.job_clusters;
  }
  return v;
}

const jobView = (j: Job, withTasks = true): Json => ({
  job_id: j.job_id,
  creator_user_name: j.creator_user_name,
  run_as_user_name: j.creator_user_name,
  run_as_owner: true,
  settings: settingsView(j.settings, withTasks),
  created_time: j.created_time,
});

function create(c: Call): Reply {
  const { w, ws } = c;
  const { access_control_list: acl, ...settings } = structuredClone(c.body);
  validate(ws, settings);
  const job: Job = { job_id: w.nextId("job"), settings, created_time: w.clock.now(), creator_user_name: c.caller.name, runs: 0 };
  ws.jobs.set(job.job_id, job);
  ws.acl.set(`/jobs/${job.job_id}`, [{ principal: c.caller.name, permission_level: "IS_OWNER" }, ...((acl ?? []) as Json[]).map((e) => ({ principal: e.user_name ?? e.group_name ?? e.service_principal_name, permission_level: e.permission_level, field: e.user_name !== undefined ? ("user_name" as const) : e.group_name !== undefined ? ("group_name" as const) : ("service_principal_name" as const) }))]);
  return ok({ job_id: job.job_id });
}

function reset(c: Call): Reply {
  const job = getJob(c.ws, c.body.job_id);
  if (!c.body.new_settings) throw invalid("Missing required field: new_settings");
  validate(c.ws, c.body.new_settings);
  job.settings = structuredClone(c.body.new_settings);
  return ok({});
}

/** Merges by key: a task or job cluster in `next` replaces the one with the same key. */
const mergeByKey = (prev: Json[] = [], next: Json[], key: string): Json[] => [...prev.filter((p) => !next.some((n) => n[key] === p[key])), ...next];

function update(c: Call): Reply {
  const job = getJob(c.ws, c.body.job_id);
  const s = structuredClone(job.settings);
  const n = structuredClone(c.body.new_settings ?? {});
  for (const [k, v] of Object.entries(n)) {
    if (k === "tasks") s.tasks = mergeByKey(s.tasks, v as Json[], "task_key");
    else if (k === "job_clusters") s.job_clusters = mergeByKey(s.job_clusters, v as Json[], "job_cluster_key");
    else s[k] = v;
  }
  for (const f of (c.body.fields_to_remove ?? []) as string[]) {
    const [top, key] = f.split("/");
    if (key === undefined) delete s[top!];
    else if (top === "tasks") s.tasks = (s.tasks ?? []).filter((t: Json) => t.task_key !== key);
    else if (top === "job_clusters") s.job_clusters = (s.job_clusters ?? []).filter((t: Json) => t.job_cluster_key !== key);
    else throw invalid(`Invalid field to remove: ${f}`);
  }
  validate(c.ws, s);
  job.settings = s;
  return ok({});
}

function remove(c: Call): Reply {
  const job = getJob(c.ws, c.body.job_id);
  c.ws.jobs.delete(job.job_id);
  c.ws.acl.delete(`/jobs/${job.job_id}`);
  return ok({});
}

function list(c: Call): Reply {
  const limit = Number(param(c, "limit") ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalid(`The limit must be between 1 and 100, got ${param(c, "limit")}.`);
  const name = param(c, "name") as string | undefined;
  const expand = String(param(c, "expand_tasks")) === "true";
  const all = [...c.ws.jobs.values()].filter((j) => name === undefined || String(j.settings.name ?? "").toLowerCase() === name.toLowerCase()).sort((a, b) => a.job_id - b.job_id);
  const offset = Number(param(c, "offset") ?? 0);
  const token = (param(c, "page_token") as string | undefined) || (offset ? Buffer.from(String(offset)).toString("base64url") : undefined);
  const p = page(all, limit, token);
  return ok({ ...(p.items.length ? { jobs: p.items.map((j) => jobView(j, expand)) } : {}), has_more: p.next !== undefined, ...(p.next ? { next_page_token: p.next } : {}), ...(p.prev ? { prev_page_token: p.prev } : {}) });
}

function runLatency(w: World, k: keyof typeof RUN_LATENCY): number {
  return w.scenario.runLatency?.[k] ?? (w.realTime ? 0 : RUN_LATENCY[k]);
}

/** QUEUED → PENDING → RUNNING → TERMINATED, each after its latency; the scenario decides the result. */
function lifeCycle(w: World, run: Run): void {
  const steps: [string, keyof typeof RUN_LATENCY][] = [["PENDING", "queued"], ["RUNNING", "pending"], ["TERMINATED", "running"]];
  const step = (i: number, from: number): void => {
    const [next, wait] = steps[i]!;
    run.cancel = w.timeline.at(from + runLatency(w, wait), (at) => {
      run.life_cycle_state = next;
      if (next === "TERMINATED") {
        run.cancel = undefined;
        run.result_state = w.scenario.runResult?.({ job_id: run.job_id, run_id: run.run_id, job_name: run.settings.name }) ?? "SUCCESS";
        run.state_message = run.result_state === "SUCCESS" ? "" : "Workload failed, see run output for details";
        run.end_time = at;
        return;
      }
      run.state_message = next === "PENDING" ? "Waiting for cluster" : "";
      step(i + 1, at);
    });
  };
  step(0, run.start_time);
}

function runNow(c: Call): Reply {
  const { w, ws } = c;
  const job = getJob(ws, c.body.job_id);
  const token = c.body.idempotency_token as string | undefined;
  const now = w.clock.now();
  const window = w.scenario.idempotencyWindowMs ?? IDEMPOTENCY_WINDOW;
  if (token !== undefined) {
    if (typeof token !== "string" || token.length > 64) throw invalid("idempotency_token must be a string of at most 64 characters.");
    const seen = ws.idempotency.get(token);
    if (seen && now - seen.at < window) {
      const r = ws.runs.get(seen.run_id)!;
      return ok({ run_id: r.run_id, number_in_job: r.number_in_job });
    }
  }
  const run: Run = {
    run_id: w.nextId("run"),
    job_id: job.job_id,
    number_in_job: ++job.runs,
    creator_user_name: c.caller.name,
    start_time: now,
    settings: structuredClone(job.settings),
    life_cycle_state: "QUEUED",
    state_message: "Queued",
  };
  ws.runs.set(run.run_id, run);
  if (token !== undefined) ws.idempotency.set(token, { run_id: run.run_id, at: now });
  lifeCycle(w, run);
  return ok({ run_id: run.run_id, number_in_job: run.number_in_job });
}

function runView(c: Call, r: Run): Json {
  const done = r.life_cycle_state === "TERMINATED";
  return {
    job_id: r.job_id,
    run_id: r.run_id,
    number_in_job: r.number_in_job,
    original_attempt_run_id: r.run_id,
    creator_user_name: r.creator_user_name,
    run_name: r.settings.name ?? "Untitled",
    run_type: "JOB_RUN",
    trigger: "ONE_TIME",
    attempt_number: 0,
    state: { life_cycle_state: r.life_cycle_state, ...(r.result_state ? { result_state: r.result_state } : {}), state_message: r.state_message, user_cancelled_or_timedout: r.result_state === "CANCELED" },
    start_time: r.start_time,
    ...(done ? { end_time: r.end_time } : {}),
    setup_duration: 0,
    execution_duration: 0,
    cleanup_duration: 0,
    run_page_url: `${c.w.base()}/ws/${c.ws.id}/?o=${c.ws.id}#job/${r.job_id}/run/${r.run_id}`,
    tasks: ((r.settings.tasks ?? []) as Json[]).map((t) => ({ task_key: t.task_key, run_id: r.run_id + 1, state: { life_cycle_state: r.life_cycle_state, ...(r.result_state ? { result_state: r.result_state } : {}), state_message: r.state_message } })),
  };
}

function getRun(ws: Workspace, id: unknown): Run {
  const r = ws.runs.get(Number(id));
  if (!r) throw invalid(`Run ${id} does not exist.`);
  return r;
}

function runsList(c: Call): Reply {
  const limit = Number(param(c, "limit") ?? 25);
  if (!Number.isInteger(limit) || limit < 1 || limit > 25) throw invalid(`The limit must be between 1 and 25, got ${param(c, "limit")}.`);
  const jobId = param(c, "job_id");
  const active = String(param(c, "active_only")) === "true";
  const completed = String(param(c, "completed_only")) === "true";
  const all = [...c.ws.runs.values()]
    .filter((r) => jobId === undefined || r.job_id === Number(jobId))
    .filter((r) => (!active || r.life_cycle_state !== "TERMINATED") && (!completed || r.life_cycle_state === "TERMINATED"))
    .sort((a, b) => b.run_id - a.run_id);
  const p = page(all, limit, param(c, "page_token") || undefined);
  return ok({ ...(p.items.length ? { runs: p.items.map((r) => runView(c, r)) } : {}), has_more: p.next !== undefined, ...(p.next ? { next_page_token: p.next } : {}) });
}

function cancelRun(c: Call): Reply {
  const r = getRun(c.ws, c.body.run_id);
  if (r.life_cycle_state !== "TERMINATED") {
    r.cancel?.();
    r.life_cycle_state = "TERMINATED";
    r.result_state = "CANCELED";
    r.state_message = "Run cancelled.";
    r.end_time = c.w.clock.now();
  }
  return ok({});
}

const V = "2.0,2.1,2.2";
export const jobRoutes: readonly Route[] = [
  { method: "POST", path: api(V, "jobs/create"), handle: create },
  { method: "POST", path: api(V, "jobs/reset"), handle: reset },
  { method: "POST", path: api(V, "jobs/update"), handle: update },
  { method: "POST", path: api(V, "jobs/delete"), handle: remove },
  { method: "GET", path: api(V, "jobs/get"), handle: (c) => ok(jobView(getJob(c.ws, param(c, "job_id")))) },
  { method: "GET", path: api(V, "jobs/list"), handle: list },
  { method: "POST", path: api(V, "jobs/run-now"), handle: runNow },
  { method: "GET", path: api(V, "jobs/runs/get"), handle: (c) => ok(runView(c, getRun(c.ws, param(c, "run_id")))) },
  { method: "GET", path: api(V, "jobs/runs/list"), handle: runsList },
  { method: "POST", path: api(V, "jobs/runs/cancel"), handle: cancelRun },
];
