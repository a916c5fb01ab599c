/**
 * What a workspace fills in when a field is left out, as data, so a spec that spells a default out (timeout_seconds: 0)
 * is not "changed" every run because the GET leaves the field out. Applied to the live side only, and only where it
 * lacks the field. Arrays of keyed items (tasks, job_clusters, depends_on) are sorted by their key on both sides: the
 * server's order is not the spec's.
 */
type Json = Record<string, any>;

export const CLUSTER_DEFAULTS: Json = { autotermination_minutes: 0, spark_conf: {}, spark_env_vars: {}, init_scripts: [], ssh_public_keys: [] };

export const JOB_DEFAULTS: Json = {
  timeout_seconds: 0,
  max_concurrent_runs: 1,
  format: "MULTI_TASK",
  email_notifications: {},
  webhook_notifications: {},
  notification_settings: {},
  tags: {},
  job_clusters: [],
  parameters: [],
};

export const TASK_DEFAULTS: Json = {
  timeout_seconds: 0,
  run_if: "ALL_SUCCESS",
  email_notifications: {},
  webhook_notifications: {},
  notification_settings: {},
  max_retries: 0,
  min_retry_interval_millis: 0,
  retry_on_timeout: false,
  depends_on: [],
  libraries: [],
};

/** Defaults inside an object that is there. */
const NESTED_DEFAULTS: Readonly<Record<string, Json>> = {
  schedule: { pause_status: "UNPAUSED" },
  trigger: { pause_status: "UNPAUSED" },
  continuous: { pause_status: "UNPAUSED" },
  notebook_task: { source: "WORKSPACE", base_parameters: {} },
  spark_python_task: { parameters: [] },
  python_wheel_task: { parameters: [] },
};

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export const withDefaults = (live: Json, defaults: Json): Json => {
  const out: Json = { ...defaults, ...live };
  for (const [field, nested] of Object.entries(NESTED_DEFAULTS)) if (isObject(out[field])) out[field] = { ...nested, ...out[field] };
  return out;
};

const byKey = (items: unknown, key: string): unknown => (Array.isArray(items) ? [...items].sort((a, b) => String(a?.[key] ?? "").localeCompare(String(b?.[key] ?? ""))) : items);

/** Job settings with keyed arrays in key order; `live` also gets the defaults the server leaves out. */
export function normaliseJobSettings(settings: Json, live: boolean): Json {
  const tasks = byKey(settings.tasks, "task_key");
  const out: Json = {
    ...(live ? withDefaults(settings, JOB_DEFAULTS) : settings),
    ...(Array.isArray(tasks) ? { tasks: tasks.map((t: Json) => normaliseTask(t, live)) } : {}),
  };
  const clusters = byKey(out.job_clusters, "job_cluster_key");
  if (Array.isArray(clusters)) out.job_clusters = clusters.map((c: Json) => (live && isObject(c.new_cluster) ? { ...c, new_cluster: withDefaults(c.new_cluster, CLUSTER_DEFAULTS) } : c));
  return out;
}

function normaliseTask(task: Json, live: boolean): Json {
  const out: Json = live ? withDefaults(task, TASK_DEFAULTS) : { ...task };
  if (Array.isArray(out.depends_on)) out.depends_on = byKey(out.depends_on, "task_key");
  if (live && isObject(out.new_cluster)) out.new_cluster = withDefaults(out.new_cluster, CLUSTER_DEFAULTS);
  return out;
}
