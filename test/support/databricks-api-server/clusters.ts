/**
 * Clusters API (`/api/2.1/clusters/*`, 2.0 aliases): validation as Databricks answers it (400
 * INVALID_PARAMETER_VALUE), the state machine on the server clock (PENDING → RUNNING, RESTARTING on edit of a running
 * cluster, RESIZING, TERMINATING → TERMINATED), events, init scripts that fail a start, and the GET view with the
 * defaults the service adds (which berth must normalise away when it compares).
 */
import { randomBytes } from "node:crypto";
import { invalid, invalidState } from "./errors.ts";
import { api, type Call, ok, page, param, type Reply, type Route } from "./route.ts";
import type { Json } from "./types.ts";
import { type Cluster, type Workspace, type World } from "./world.ts";

export const DEFAULT_SPARK_VERSIONS = ["12.2.x-scala2.12", "13.3.x-scala2.12", "14.3.x-scala2.12", "15.4.x-scala2.12", "16.4.x-scala2.12", "15.4.x-photon-scala2.12", "15.4.x-cpu-ml-scala2.12"];
export const DEFAULT_NODE_TYPES = ["Standard_DS3_v2", "Standard_DS4_v2", "Standard_DS5_v2", "Standard_D4ds_v5", "Standard_D8ds_v5", "Standard_E8ds_v4", "Standard_F4s_v2", "Standard_NC6s_v3"];
const AVAILABILITY = ["ON_DEMAND_AZURE", "SPOT_AZURE", "SPOT_WITH_FALLBACK_AZURE"];
const SECURITY_MODES = ["NONE", "SINGLE_USER", "USER_ISOLATION", "LEGACY_TABLE_ACL", "LEGACY_PASSTHROUGH", "LEGACY_SINGLE_USER", "LEGACY_SINGLE_USER_STANDARD", "DATA_SECURITY_MODE_AUTO", "DATA_SECURITY_MODE_STANDARD", "DATA_SECURITY_MODE_DEDICATED"];
/** Default init script failure: a line `exit N` with N ≠ 0. */
const SCRIPT_FAILS = /^\s*exit\s+[1-9]\d*\s*$/m;

/** Virtual-time defaults of the state changes (ms); 0 on real time. */
const LATENCY = { start: 180_000, restart: 120_000, resize: 60_000, terminate: 30_000 } as const;

const STATE_MESSAGE: Readonly<Record<string, string>> = {
  PENDING: "Finding instances for new nodes, acquiring more instances if necessary",
  RESTARTING: "Restarting Spark and re-running init scripts",
  RESIZING: "Resizing the cluster",
  TERMINATING: "Terminating the cluster",
  RUNNING: "",
  TERMINATED: "",
};

const title = (state: string): string => state.charAt(0) + state.slice(1).toLowerCase();

export function latency(w: World, kind: keyof typeof LATENCY): number {
  return w.scenario.clusterLatency?.[kind] ?? (w.realTime ? 0 : LATENCY[kind]);
}

/** `MMDD-HHMMSS-xxxxxxxx` as Databricks makes them. */
function clusterId(now: number): string {
  const d = new Date(now);
  const p = (n: number): string => String(n).padStart(2, "0");
  const letters = [...randomBytes(8)].map((b) => "abcdefghijklmnopqrstuvwxyz"[b % 26]).join("");
  return `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}-${letters}`;
}

/** 400 INVALID_PARAMETER_VALUE "Cluster x does not exist" — how clusters/get says "missing". */
export function getCluster(ws: Workspace, id: unknown): Cluster {
  if (typeof id !== "string" || !id) throw invalid("Missing required field: cluster_id");
  const c = ws.clusters.get(id);
  if (!c) throw invalid(`Cluster ${id} does not exist`);
  return c;
}

/** The rules create and edit share; throws the first violation. */
function validateSpec(w: World, spec: Json): void {
  const versions = w.scenario.sparkVersions ?? DEFAULT_SPARK_VERSIONS;
  const nodes = w.scenario.nodeTypes ?? DEFAULT_NODE_TYPES;
  if (typeof spec.spark_version !== "string" || !spec.spark_version) throw invalid("Missing required field: spark_version");
  if (!versions.includes(spec.spark_version)) throw invalid(`Invalid spark version ${spec.spark_version}.`);
  if (spec.instance_pool_id === undefined && spec.policy_id === undefined && spec.node_type_id === undefined) throw invalid("Missing required field: node_type_id");
  for (const field of ["node_type_id", "driver_node_type_id"])
    if (spec[field] !== undefined && !nodes.includes(String(spec[field]))) throw invalid(`Node type ${spec[field]} is not supported. Supported node types: ${nodes.join(", ")}`);
  const auto = spec.autotermination_minutes;
  if (auto !== undefined && (typeof auto !== "number" || !Number.isInteger(auto) || (auto !== 0 && (auto < 10 || auto > 10000))))
    throw invalid(`Automatic termination minutes must be 0 (disabled) or between 10 and 10000, got ${auto}.`);
  if (spec.num_workers !== undefined && spec.autoscale !== undefined) throw invalid("Only one of num_workers or autoscale can be specified.");
  if (spec.num_workers !== undefined && (!Number.isInteger(spec.num_workers) || spec.num_workers < 0)) throw invalid(`num_workers must be a non-negative integer, got ${spec.num_workers}.`);
  if (spec.autoscale !== undefined) {
    const { min_workers: min, max_workers: max } = spec.autoscale ?? {};
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < 1) throw invalid("autoscale requires min_workers >= 0 and max_workers >= 1.");
    if (min > max) throw invalid(`The minimum number of workers (${min}) must be less than or equal to the maximum number of workers (${max}).`);
  }
  const tags = Object.keys(spec.custom_tags ?? {});
  if (tags.length > 45) throw invalid(`The number of custom tags (${tags.length}) exceeds the maximum of 45.`);
  const avail = spec.azure_attributes?.availability;
  if (avail !== undefined && !AVAILABILITY.includes(avail)) throw invalid(`Invalid availability ${avail}. Valid values: ${AVAILABILITY.join(", ")}.`);
  if (spec.data_security_mode !== undefined && !SECURITY_MODES.includes(spec.data_security_mode)) throw invalid(`Invalid data_security_mode ${spec.data_security_mode}.`);
  if (spec.data_security_mode === "SINGLE_USER" && !spec.single_user_name) throw invalid("single_user_name must be specified when data_security_mode is SINGLE_USER.");
  for (const s of spec.init_scripts ?? []) {
    const kinds = Object.keys(s ?? {});
    if (kinds.length !== 1) throw invalid("Each init script must specify exactly one of workspace, volumes, dbfs, abfss, file, s3, gcs.");
    if (typeof s[kinds[0]!]?.destination !== "string") throw invalid(`init_scripts.${kinds[0]}.destination is required.`);
  }
}

function event(c: Cluster, at: number, type: string, details: Json = {}): void {
  c.events.push({ cluster_id: c.cluster_id, timestamp: at, type, details });
}

function setState(c: Cluster, state: string, message = STATE_MESSAGE[state] ?? ""): void {
  c.state = state;
  c.state_message = message;
}

/** Where an init script lives and its content, or undefined when it is missing (undefined kind: not checked here). */
function scriptContent(ws: Workspace, script: Json): { where: string; content: string | undefined } | undefined {
  if (script.workspace) {
    const where = String(script.workspace.destination);
    const path = where.replace(/^\/Workspace(?=\/|$)/, "") || "/";
    const obj = ws.objects.get(path);
    return { where, content: obj && obj.object_type === "FILE" ? (obj.content ?? Buffer.alloc(0)).toString() : undefined };
  }
  if (script.volumes) {
    const where = String(script.volumes.destination);
    const f = ws.volumes.get(where);
    return { where, content: f && !f.is_dir ? f.content.toString() : undefined };
  }
  if (script.dbfs) {
    const where = String(script.dbfs.destination);
    const f = ws.dbfs.get(where.replace(/^dbfs:/, ""));
    return { where, content: f && !f.is_dir ? f.content.toString() : undefined };
  }
  return undefined;
}

/** PENDING or RESTARTING until the start latency passes, then init scripts, then RUNNING (or TERMINATING on failure). */
function boot(w: World, ws: Workspace, c: Cluster, from: number, state: "PENDING" | "RESTARTING"): void {
  setState(c, state);
  c.termination_reason = undefined;
  c.cancel = w.timeline.at(from + latency(w, state === "PENDING" ? "start" : "restart"), (at) => {
    c.cancel = undefined;
    const fault = takeStartFault(w, ws, c);
    if (fault) return terminate(w, c, at, fault, `${fault.code}: the cluster could not start.`);
    const scripts = (c.spec.init_scripts ?? []) as Json[];
    if (scripts.length) event(c, at, "INIT_SCRIPTS_STARTED", { instance_id: c.cluster_id });
    const pattern = w.scenario.initScriptFailure ?? SCRIPT_FAILS;
    const results: Json[] = [];
    let failed: { where: string; why: string } | undefined;
    for (const s of scripts) {
      const found = scriptContent(ws, s);
      const kind = Object.keys(s)[0]!;
      if (failed || !found) {
        results.push({ [kind]: s[kind], status: failed ? "SKIPPED" : "SUCCEEDED", execution_duration_seconds: 0 });
        continue;
      }
      const why = found.content === undefined ? "Script not found or not readable" : pattern.test(found.content) ? "Script exit status is non-zero" : undefined;
      results.push({ [kind]: s[kind], status: why ? (found.content === undefined ? "FAILED_FETCH" : "FAILED_EXECUTION") : "SUCCEEDED", execution_duration_seconds: 1, ...(why ? { error_message: why } : {}) });
      if (why) failed = { where: found.where, why };
    }
    if (scripts.length) event(c, at, "INIT_SCRIPTS_FINISHED", { instance_id: c.cluster_id, init_scripts: { cluster: results, global: [], reported_for_node: "driver" } });
    if (failed) {
      const message = `Cluster scoped init script ${failed.where} failed: ${failed.why}`;
      return terminate(w, c, at, { code: "INIT_SCRIPT_FAILURE", type: "CLIENT_ERROR", parameters: { instance_id: c.cluster_id, databricks_error_message: message } }, message);
    }
    if (state === "RESTARTING") c.last_restarted_time = at;
    setState(c, "RUNNING");
    event(c, at, "DRIVER_HEALTHY");
    event(c, at, "RUNNING", { current_num_workers: c.spec.num_workers ?? c.spec.autoscale?.min_workers ?? 0, target_num_workers: c.spec.num_workers ?? c.spec.autoscale?.min_workers ?? 0 });
  });
}

/** TERMINATING now, TERMINATED after the terminate latency, with the reason. */
function terminate(w: World, c: Cluster, at: number, reason: Json, message = STATE_MESSAGE.TERMINATING!): void {
  c.cancel?.();
  setState(c, "TERMINATING", message);
  c.termination_reason = reason;
  event(c, at, "TERMINATING", { reason });
  c.cancel = w.timeline.at(at + latency(w, "terminate"), (t) => {
    c.cancel = undefined;
    setState(c, "TERMINATED", message === STATE_MESSAGE.TERMINATING ? "" : message);
    c.terminated_time = t;
  });
}

function takeStartFault(w: World, ws: Workspace, c: Cluster): Json | undefined {
  const hit = w.startFaults.find(
    ({ fault: f, remaining }) =>
      remaining > 0 && (f.workspace === undefined || f.workspace === ws.id) && (f.clusterId === undefined || f.clusterId === c.cluster_id) && (f.clusterName === undefined || f.clusterName === c.spec.cluster_name),
  );
  if (!hit) return undefined;
  hit.remaining--;
  return { code: hit.fault.code, type: hit.fault.type ?? "CLOUD_FAILURE", parameters: { ...(hit.fault.parameters ?? {}) } };
}

/** clusters/get as Databricks answers: the spec as given plus the defaults and runtime fields the service adds. */
export function clusterView(c: Cluster): Json {
  const s = c.spec;
  const running = c.state === "RUNNING" || c.state === "RESIZING";
  return {
    ...structuredClone(s),
    cluster_id: c.cluster_id,
    creator_user_name: c.creator,
    driver_node_type_id: s.driver_node_type_id ?? s.node_type_id,
    ...(s.autoscale === undefined ? { num_workers: s.num_workers ?? 0 } : {}),
    azure_attributes: { first_on_demand: 1, availability: "ON_DEMAND_AZURE", spot_bid_max_price: -1, ...(s.azure_attributes ?? {}) },
    enable_elastic_disk: s.enable_elastic_disk ?? true,
    disk_spec: s.disk_spec ?? {},
    enable_local_disk_encryption: s.enable_local_disk_encryption ?? false,
    runtime_engine: s.runtime_engine ?? (String(s.spark_version).includes("photon") ? "PHOTON" : "STANDARD"),
    init_scripts_safe_mode: false,
    cluster_source: "API",
    default_tags: { Vendor: "Databricks", Creator: c.creator, ClusterName: s.cluster_name ?? "", ClusterId: c.cluster_id },
    state: c.state,
    state_message: c.state_message,
    start_time: c.start_time,
    ...(c.terminated_time !== undefined && c.state === "TERMINATED" ? { terminated_time: c.terminated_time } : {}),
    ...(c.last_restarted_time !== undefined ? { last_restarted_time: c.last_restarted_time } : {}),
    ...(c.termination_reason ? { termination_reason: structuredClone(c.termination_reason) } : {}),
    ...(running
      ? {
          spark_context_id: Number.parseInt(Buffer.from(c.cluster_id).toString("hex").slice(-13), 16),
          driver: { node_id: `${c.cluster_id}-driver`, instance_id: `${c.cluster_id}-driver`, private_ip: "10.139.64.4", host_private_ip: "10.139.0.4", start_timestamp: c.start_time },
          jdbc_port: 10000,
        }
      : {}),
    spec: structuredClone(s),
  };
}

/** Fields a create/edit body carries that are not part of the cluster spec. */
const specOf = (body: Json): Json => {
  const { cluster_id: _id, apply_policy_default_values: _a, ...spec } = structuredClone(body);
  return spec;
};

function create(c: Call): Reply {
  const { w, ws } = c;
  const spec = specOf(c.body);
  validateSpec(w, spec);
  const now = w.clock.now();
  const cluster: Cluster = { cluster_id: clusterId(now), spec, creator: c.caller.name, state: "PENDING", state_message: "", created: now, start_time: now, events: [], pinned: false };
  ws.clusters.set(cluster.cluster_id, cluster);
  ws.acl.set(`/clusters/${cluster.cluster_id}`, [{ principal: c.caller.name, permission_level: "CAN_MANAGE" }]);
  event(cluster, now, "CREATING", { user: c.caller.name, attributes: structuredClone(spec) });
  boot(w, ws, cluster, now, "PENDING");
  return ok({ cluster_id: cluster.cluster_id });
}

function edit(c: Call): Reply {
  const { w, ws } = c;
  const cluster = getCluster(ws, c.body.cluster_id);
  if (cluster.state !== "RUNNING" && cluster.state !== "TERMINATED") throw invalidState(`Cluster ${cluster.cluster_id} is in unexpected state ${title(cluster.state)}.`);
  const spec = specOf(c.body);
  validateSpec(w, spec);
  const now = w.clock.now();
  const previous = cluster.spec;
  cluster.spec = spec;
  event(cluster, now, "EDITED", { user: c.caller.name, previous_attributes: previous, attributes: structuredClone(spec) });
  if (cluster.state === "RUNNING") {
    event(cluster, now, "RESTARTING", { user: c.caller.name });
    boot(w, ws, cluster, now, "RESTARTING");
  }
  return ok({});
}

function resize(c: Call): Reply {
  const { w, ws } = c;
  const cluster = getCluster(ws, c.body.cluster_id);
  if (cluster.state !== "RUNNING") throw invalidState(`Cluster ${cluster.cluster_id} is in unexpected state ${title(cluster.state)}.`);
  const { num_workers, autoscale } = c.body;
  if ((num_workers === undefined) === (autoscale === undefined)) throw invalid("Exactly one of num_workers or autoscale must be specified.");
  const spec = { ...cluster.spec };
  delete spec.num_workers;
  delete spec.autoscale;
  Object.assign(spec, num_workers !== undefined ? { num_workers } : { autoscale });
  validateSpec(w, spec);
  cluster.spec = spec;
  const now = w.clock.now();
  event(cluster, now, "RESIZING", { target_num_workers: num_workers ?? autoscale.min_workers, user: c.caller.name });
  setState(cluster, "RESIZING");
  cluster.cancel = w.timeline.at(now + latency(w, "resize"), (at) => {
    cluster.cancel = undefined;
    setState(cluster, "RUNNING");
    event(cluster, at, "UPSIZE_COMPLETED", { current_num_workers: num_workers ?? autoscale.min_workers, target_num_workers: num_workers ?? autoscale.min_workers });
  });
  return ok({});
}

function start(c: Call): Reply {
  const cluster = getCluster(c.ws, c.body.cluster_id);
  if (cluster.state !== "TERMINATED") return ok({});
  const now = c.w.clock.now();
  cluster.start_time = now;
  cluster.terminated_time = undefined;
  event(cluster, now, "STARTING", { user: c.caller.name });
  boot(c.w, c.ws, cluster, now, "PENDING");
  return ok({});
}

function restart(c: Call): Reply {
  const cluster = getCluster(c.ws, c.body.cluster_id);
  if (cluster.state !== "RUNNING") throw invalidState(`Cluster ${cluster.cluster_id} is in unexpected state ${title(cluster.state)}.`);
  const now = c.w.clock.now();
  event(cluster, now, "RESTARTING", { user: c.caller.name });
  boot(c.w, c.ws, cluster, now, "RESTARTING");
  return ok({});
}

function remove(c: Call): Reply {
  const cluster = getCluster(c.ws, c.body.cluster_id);
  if (cluster.state !== "TERMINATING" && cluster.state !== "TERMINATED")
    terminate(c.w, cluster, c.w.clock.now(), { code: "USER_REQUEST", type: "SUCCESS", parameters: { username: c.caller.name } });
  return ok({});
}

function permanentDelete(c: Call): Reply {
  const cluster = getCluster(c.ws, c.body.cluster_id);
  cluster.cancel?.();
  c.ws.clusters.delete(cluster.cluster_id);
  c.ws.acl.delete(`/clusters/${cluster.cluster_id}`);
  return ok({});
}

function list(c: Call): Reply {
  const q = c.query;
  const states = [...q.getAll("filter_by.cluster_states"), ...(c.body.filter_by?.cluster_states ?? [])];
  const sources = [...q.getAll("filter_by.cluster_sources"), ...(c.body.filter_by?.cluster_sources ?? [])];
  const pinned = q.get("filter_by.is_pinned") ?? c.body.filter_by?.is_pinned;
  const policy = q.get("filter_by.policy_id") ?? c.body.filter_by?.policy_id;
  const all = [...c.ws.clusters.values()]
    .filter((x) => !states.length || states.includes(x.state))
    .filter(() => !sources.length || sources.includes("API"))
    .filter((x) => pinned === undefined || pinned === null || String(x.pinned) === String(pinned))
    .filter((x) => !policy || x.spec.policy_id === policy)
    .map(clusterView);
  const size = Number(param(c, "page_size") ?? 0);
  if (!size) return ok(all.length ? { clusters: all } : {});
  if (!Number.isInteger(size) || size < 0 || size > 100) throw invalid(`page_size must be between 1 and 100, got ${size}.`);
  const p = page(all, size, param(c, "page_token") || undefined);
  return ok({ ...(p.items.length ? { clusters: p.items } : {}), ...(p.next ? { next_page_token: p.next } : {}), ...(p.prev ? { prev_page_token: p.prev } : {}) });
}

function events(c: Call): Reply {
  const cluster = getCluster(c.ws, c.body.cluster_id);
  const { start_time, end_time, event_types, order = "DESC" } = c.body;
  const limit = Number(c.body.limit ?? 50);
  const offset = Number(c.body.offset ?? 0);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw invalid(`limit must be between 1 and 500, got ${c.body.limit}.`);
  const sorted = cluster.events
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => (start_time === undefined || e.timestamp >= start_time) && (end_time === undefined || e.timestamp <= end_time) && (!event_types?.length || event_types.includes(e.type)))
    .sort((a, b) => (order === "ASC" ? 1 : -1) * (a.e.timestamp - b.e.timestamp || a.i - b.i))
    .map(({ e }) => structuredClone(e));
  const slice = sorted.slice(offset, offset + limit);
  return ok({
    events: slice,
    total_count: sorted.length,
    ...(offset + limit < sorted.length ? { next_page: { cluster_id: cluster.cluster_id, offset: offset + limit, limit, order, ...(start_time !== undefined ? { start_time } : {}), ...(end_time !== undefined ? { end_time } : {}), ...(event_types ? { event_types } : {}) } } : {}),
  });
}

function pin(value: boolean) {
  return (c: Call): Reply => {
    getCluster(c.ws, c.body.cluster_id).pinned = value;
    return ok({});
  };
}

const sparkVersions = (c: Call): Reply =>
  ok({ versions: (c.w.scenario.sparkVersions ?? DEFAULT_SPARK_VERSIONS).map((key) => ({ key, name: `${key.split(".x")[0]}.x (${key.includes("ml") ? "includes ML, " : ""}${key.includes("photon") ? "Photon, " : ""}Apache Spark, Scala 2.12)` })) });

const NODE_SIZES: Readonly<Record<string, [number, number]>> = { DS3: [14336, 4], DS4: [28672, 8], DS5: [57344, 16], D4ds: [16384, 4], D8ds: [32768, 8], E8ds: [65536, 8], F4s: [8192, 4], NC6s: [114688, 6] };

const nodeTypes = (c: Call): Reply =>
  ok({
    node_types: (c.w.scenario.nodeTypes ?? DEFAULT_NODE_TYPES).map((id) => {
      const [mem, cores] = NODE_SIZES[id.split("_")[1] ?? ""] ?? [16384, 4];
      return { node_type_id: id, instance_type_id: id, memory_mb: mem, num_cores: cores, num_gpus: id.includes("NC") ? 1 : 0, description: id, category: id.includes("NC") ? "GPU Accelerated" : "General Purpose", is_deprecated: false, node_info: { status: [] } };
    }),
  });

function get(c: Call): Reply {
  return ok(clusterView(getCluster(c.ws, param(c, "cluster_id"))));
}

const V = "2.0,2.1";
export const clusterRoutes: readonly Route[] = [
  { method: "POST", path: api(V, "clusters/create"), handle: create },
  { method: "POST", path: api(V, "clusters/edit"), handle: edit },
  { method: "POST", path: api(V, "clusters/resize"), handle: resize },
  { method: "POST", path: api(V, "clusters/start"), handle: start },
  { method: "POST", path: api(V, "clusters/restart"), handle: restart },
  { method: "POST", path: api(V, "clusters/delete"), handle: remove },
  { method: "POST", path: api(V, "clusters/permanent-delete"), handle: permanentDelete },
  { method: "POST", path: api(V, "clusters/pin"), handle: pin(true) },
  { method: "POST", path: api(V, "clusters/unpin"), handle: pin(false) },
  { method: "POST", path: api(V, "clusters/events"), handle: events, read: true },
  { method: "GET", path: api(V, "clusters/get"), handle: get },
  { method: "GET", path: api(V, "clusters/list"), handle: list },
  { method: "GET", path: api(V, "clusters/spark-versions"), handle: sparkVersions },
  { method: "GET", path: api(V, "clusters/list-node-types"), handle: nodeTypes },
];
