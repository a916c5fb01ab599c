/**
 * The Databricks test server's own behaviour over raw HTTPS (no SDK retries hiding answers): sign-in paths (PAT,
 * Entra with the Azure test server's management-token sign-in, OAuth M2M and federation), 400-as-missing, the cluster
 * state machine and init script failures on a stepped clock, jobs (duplicate names, paging, idempotent run-now),
 * workspace import/export, files, secrets, permissions, several workspaces, and faults.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { AZURE_TYPES } from "../../../src/resources/azure-types.ts";
import type { AzureApiServer } from "../azure-api-server/index.ts";
import { armToken, raw as azureRaw } from "../azure-api-server/testing.ts";
import { VirtualClock } from "../clock.ts";
import { DATABRICKS_RESOURCE, startDatabricksApiServer, type DatabricksApiServer, type Scenario } from "./index.ts";
import { b64, entraToken as entra, raw, type RawResponse, startLinkedServers } from "./testing.ts";

const SPEC = { cluster_name: "etl", spark_version: "15.4.x-scala2.12", node_type_id: "Standard_DS3_v2", num_workers: 2, autotermination_minutes: 30 };
const MIN = 60_000;

interface Harness {
  server: DatabricksApiServer;
  clock: VirtualClock;
  ws: string;
  call(method: string, path: string, body?: unknown): Promise<RawResponse>;
}

/** A server on a clock that moves only when the test advances it, a workspace `ws` and an admin's PAT for it. */
async function harness(scenario: Scenario = {}): Promise<Harness> {
  const clock = new VirtualClock({ auto: false });
  const server = await startDatabricksApiServer({ clock, ...scenario });
  const ws = "1111222233334444";
  const token = server.createPat(ws, "admin@example.com");
  return { server, clock, ws, call: (method, path, body) => raw(server, method, `/ws/${ws}${path}`, { token, body }) };
}

const code = (r: RawResponse): string | undefined => r.body?.error_code;
const is = (r: RawResponse, status: number, error_code?: string): void => assert.deepEqual([r.status, code(r)], [status, error_code], r.text);

describe("Databricks test server: errors and clusters", () => {
  let h: Harness;
  before(async () => (h = await harness()));
  after(() => h.server.close());

  it("refuses requests without a valid token, and a PAT of another workspace", async () => {
    is(await raw(h.server, "GET", `/ws/${h.ws}/api/2.1/clusters/list`), 401, "UNAUTHENTICATED");
    const other = h.server.createPat("9999", "someone@example.com");
    is(await raw(h.server, "GET", `/ws/${h.ws}/api/2.1/clusters/list`, { token: other }), 401, "UNAUTHENTICATED");
    is(await raw(h.server, "GET", "/ws/9999/api/2.1/clusters/list", { token: other }), 200);
    is(await h.call("GET", "/api/2.1/nothing/here"), 404, "ENDPOINT_NOT_FOUND");
  });

  it("answers a missing cluster with 400 INVALID_PARAMETER_VALUE, its detail without metadata", async () => {
    const r = await h.call("GET", "/api/2.1/clusters/get?cluster_id=0101-000000-missing0");
    is(r, 400, "INVALID_PARAMETER_VALUE");
    assert.equal(r.body!.message, "Cluster 0101-000000-missing0 does not exist");
    assert.deepEqual(r.body!.details, [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "INVALID_PARAMETER_VALUE", domain: "" }]);
  });

  it("validates a cluster spec against the served runtimes and node types", async () => {
    const versions = (await h.call("GET", "/api/2.1/clusters/spark-versions")).body!.versions.map((v: { key: string }) => v.key);
    assert.ok(versions.includes(SPEC.spark_version));
    const nodes = (await h.call("GET", "/api/2.1/clusters/list-node-types")).body!.node_types.map((n: { node_type_id: string }) => n.node_type_id);
    assert.ok(nodes.includes(SPEC.node_type_id));
    for (const bad of [
      { ...SPEC, spark_version: "1.0.x-scala2.10" },
      { ...SPEC, node_type_id: "Standard_Z1" },
      { ...SPEC, autotermination_minutes: 5 },
      { ...SPEC, autoscale: { min_workers: 1, max_workers: 3 } },
      { ...SPEC, custom_tags: Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`t${i}`, "x"])) },
    ])
      is(await h.call("POST", "/api/2.1/clusters/create", bad), 400, "INVALID_PARAMETER_VALUE");
  });

  it("moves a cluster PENDING → RUNNING on the clock; edit while PENDING is INVALID_STATE; edit restarts a running one", async () => {
    const created = await h.call("POST", "/api/2.1/clusters/create", SPEC);
    const id = created.body!.cluster_id as string;
    assert.match(id, /^\d{4}-\d{6}-[a-z]{8}$/);
    const get = async () => (await h.call("GET", `/api/2.1/clusters/get?cluster_id=${id}`)).body!;
    const pending = await get();
    assert.equal(pending.state, "PENDING");
    assert.deepEqual(pending.default_tags, { Vendor: "Databricks", Creator: "admin@example.com", ClusterName: "etl", ClusterId: id });
    assert.equal(pending.cluster_source, "API");
    assert.equal(pending.enable_elastic_disk, true);
    assert.equal(pending.azure_attributes.availability, "ON_DEMAND_AZURE");
    const early = await h.call("POST", "/api/2.1/clusters/edit", { cluster_id: id, ...SPEC, num_workers: 3 });
    is(early, 400, "INVALID_STATE");
    assert.match(early.body!.message, /unexpected state Pending/);
    h.clock.advance(3 * MIN);
    assert.equal((await get()).state, "RUNNING");
    is(await h.call("POST", "/api/2.0/clusters/edit", { cluster_id: id, ...SPEC, num_workers: 3 }), 200);
    const restarting = await get();
    assert.deepEqual([restarting.state, restarting.num_workers], ["RESTARTING", 3]);
    h.clock.advance(2 * MIN);
    assert.equal((await get()).state, "RUNNING");
    is(await h.call("POST", "/api/2.1/clusters/resize", { cluster_id: id, num_workers: 5 }), 200);
    assert.equal((await get()).state, "RESIZING");
    h.clock.advance(MIN);
    is(await h.call("POST", "/api/2.1/clusters/delete", { cluster_id: id }), 200);
    assert.equal((await get()).state, "TERMINATING");
    h.clock.advance(30_000);
    const terminated = await get();
    assert.equal(terminated.state, "TERMINATED");
    assert.equal(terminated.termination_reason.code, "USER_REQUEST");
    is(await h.call("POST", "/api/2.1/clusters/resize", { cluster_id: id, num_workers: 1 }), 400, "INVALID_STATE");
    is(await h.call("POST", "/api/2.1/clusters/edit", { cluster_id: id, ...SPEC, num_workers: 1 }), 200);
    assert.equal((await get()).state, "TERMINATED", "a terminated cluster stays terminated on edit");
    is(await h.call("POST", "/api/2.1/clusters/start", { cluster_id: id }), 200);
    assert.equal((await get()).state, "PENDING");
    h.clock.advance(3 * MIN);
    assert.equal((await get()).state, "RUNNING");
    const events = (await h.call("POST", "/api/2.1/clusters/events", { cluster_id: id, order: "ASC", limit: 100 })).body!.events.map((e: { type: string }) => e.type);
    assert.deepEqual(events, ["CREATING", "DRIVER_HEALTHY", "RUNNING", "EDITED", "RESTARTING", "DRIVER_HEALTHY", "RUNNING", "RESIZING", "UPSIZE_COMPLETED", "TERMINATING", "EDITED", "STARTING", "DRIVER_HEALTHY", "RUNNING"]);
  });

  it("pages clusters/list with page_size and next_page_token", async () => {
    for (let i = 0; i < 4; i++) await h.call("POST", "/api/2.1/clusters/create", { ...SPEC, cluster_name: `p${i}` });
    const seen: string[] = [];
    let token = "";
    for (let n = 0; n < 10; n++) {
      const r = (await h.call("GET", `/api/2.1/clusters/list?page_size=2${token ? `&page_token=${token}` : ""}`)).body!;
      seen.push(...r.clusters.map((c: { cluster_id: string }) => c.cluster_id));
      if (!r.next_page_token) break;
      token = r.next_page_token;
    }
    assert.equal(seen.length, h.server.workspace(h.ws).clusters().length);
    assert.equal(new Set(seen).size, seen.length);
    const running = (await h.call("GET", "/api/2.1/clusters/list?filter_by.cluster_states=RUNNING")).body!.clusters;
    assert.ok(running.every((c: { state: string }) => c.state === "RUNNING"));
  });

  it("fails a start whose init script is missing or exits non-zero: TERMINATED with INIT_SCRIPT_FAILURE and events", async () => {
    await h.call("POST", "/api/2.0/workspace/mkdirs", { path: "/Shared/init" });
    await h.call("POST", "/api/2.0/workspace/import", { path: "/Shared/init/ok.sh", format: "AUTO", content: b64("#!/bin/bash\necho ok\n") });
    await h.call("POST", "/api/2.0/workspace/import", { path: "/Shared/init/bad.sh", format: "AUTO", content: b64("#!/bin/bash\nexit 1\n") });
    const start = async (scripts: unknown[]) => {
      const id = (await h.call("POST", "/api/2.1/clusters/create", { ...SPEC, init_scripts: scripts })).body!.cluster_id as string;
      h.clock.advance(3 * MIN);
      const mid = (await h.call("GET", `/api/2.1/clusters/get?cluster_id=${id}`)).body!;
      h.clock.advance(30_000);
      return { id, mid, end: (await h.call("GET", `/api/2.1/clusters/get?cluster_id=${id}`)).body! };
    };
    const good = await start([{ workspace: { destination: "/Workspace/Shared/init/ok.sh" } }]);
    assert.equal(good.end.state, "RUNNING");
    const bad = await start([{ workspace: { destination: "/Workspace/Shared/init/ok.sh" } }, { workspace: { destination: "/Workspace/Shared/init/bad.sh" } }]);
    assert.equal(bad.mid.state, "TERMINATING");
    assert.equal(bad.end.state, "TERMINATED");
    assert.equal(bad.end.termination_reason.code, "INIT_SCRIPT_FAILURE");
    assert.equal(bad.end.termination_reason.type, "CLIENT_ERROR");
    assert.match(bad.end.termination_reason.parameters.databricks_error_message, /\/Workspace\/Shared\/init\/bad\.sh failed: Script exit status is non-zero/);
    const events = (await h.call("POST", "/api/2.1/clusters/events", { cluster_id: bad.id, order: "ASC" })).body!.events;
    assert.deepEqual(events.map((e: { type: string }) => e.type), ["CREATING", "INIT_SCRIPTS_STARTED", "INIT_SCRIPTS_FINISHED", "TERMINATING"]);
    assert.deepEqual(events[2].details.init_scripts.cluster.map((s: { status: string }) => s.status), ["SUCCEEDED", "FAILED_EXECUTION"]);
    assert.equal(events[3].details.reason.code, "INIT_SCRIPT_FAILURE");
    const missingVolume = await start([{ volumes: { destination: "/Volumes/main/default/init/none.sh" } }]);
    assert.equal(missingVolume.end.termination_reason.code, "INIT_SCRIPT_FAILURE");
    assert.match(missingVolume.end.state_message, /Script not found/);
  });

  it("ends a start with a scenario's start fault", async () => {
    h.server.setClusterStartFault({ clusterName: "unlucky", code: "CLOUD_PROVIDER_LAUNCH_FAILURE", parameters: { azure_error_code: "OperationNotAllowed" } });
    const id = (await h.call("POST", "/api/2.1/clusters/create", { ...SPEC, cluster_name: "unlucky" })).body!.cluster_id;
    h.clock.advance(3 * MIN + 30_000);
    const c = h.server.workspace(h.ws).cluster(id)!;
    assert.deepEqual([c.state, c.termination_reason.code, c.termination_reason.type], ["TERMINATED", "CLOUD_PROVIDER_LAUNCH_FAILURE", "CLOUD_FAILURE"]);
  });
});

describe("Databricks test server: jobs", () => {
  let h: Harness;
  let cluster: string;
  before(async () => {
    h = await harness({ runResult: ({ job_name }) => (job_name === "fails" ? "FAILED" : "SUCCESS") });
    cluster = (await h.call("POST", "/api/2.1/clusters/create", SPEC)).body!.cluster_id;
    await h.call("POST", "/api/2.0/workspace/mkdirs", { path: "/Shared/jobs" });
    await h.call("POST", "/api/2.0/workspace/import", { path: "/Shared/jobs/main", format: "SOURCE", language: "PYTHON", content: b64("print(1)") });
  });
  after(() => h.server.close());

  const task = (more: object = {}) => ({ task_key: "main", notebook_task: { notebook_path: "/Shared/jobs/main" }, ...more });

  it("answers a missing job with 400 INVALID_PARAMETER_VALUE and checks task references", async () => {
    const r = await h.call("GET", "/api/2.2/jobs/get?job_id=42");
    is(r, 400, "INVALID_PARAMETER_VALUE");
    assert.equal(r.body!.message, "Job 42 does not exist.");
    const noCluster = await h.call("POST", "/api/2.2/jobs/create", { name: "x", tasks: [task({ existing_cluster_id: "0101-000000-nothere0" })] });
    is(noCluster, 400, "INVALID_PARAMETER_VALUE");
    assert.match(noCluster.body!.message, /Cluster 0101-000000-nothere0 does not exist/);
    is(await h.call("POST", "/api/2.2/jobs/create", { name: "x", tasks: [task({ job_cluster_key: "none" })] }), 400, "INVALID_PARAMETER_VALUE");
    is(await h.call("POST", "/api/2.2/jobs/create", { name: "x", tasks: [task({ existing_cluster_id: cluster, notebook_task: { notebook_path: "/Shared/jobs/nope" } })] }), 400, "INVALID_PARAMETER_VALUE");
    is(await h.call("POST", "/api/2.2/jobs/create", { name: "x", job_clusters: [{ job_cluster_key: "jc", new_cluster: SPEC }], tasks: [task({ job_cluster_key: "jc" })] }), 200);
  });

  it("allows duplicate names and lists them by exact case-insensitive name, paged", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await h.call("POST", "/api/2.2/jobs/create", { name: "Nightly", tasks: [task({ existing_cluster_id: cluster })] })).body!.job_id);
    assert.equal(new Set(ids).size, 3);
    const first = (await h.call("GET", "/api/2.2/jobs/list?name=nightly&limit=2")).body!;
    assert.deepEqual([first.jobs.length, first.has_more], [2, true]);
    assert.equal(first.jobs[0].settings.tasks, undefined, "tasks only with expand_tasks");
    const second = (await h.call("GET", `/api/2.2/jobs/list?name=nightly&limit=2&page_token=${first.next_page_token}&expand_tasks=true`)).body!;
    assert.deepEqual([second.jobs.length, second.has_more, second.jobs[0].settings.tasks.length], [1, false, 1]);
    assert.deepEqual([...first.jobs, ...second.jobs].map((j: { job_id: number }) => j.job_id), ids);
    is(await h.call("GET", "/api/2.2/jobs/list?limit=101"), 400, "INVALID_PARAMETER_VALUE");
    is(await h.call("GET", "/api/2.2/jobs/list?limit=0"), 400, "INVALID_PARAMETER_VALUE");
  });

  it("resets, updates (merging tasks by key, removing fields) and answers get with service defaults", async () => {
    const id = (await h.call("POST", "/api/2.1/jobs/create", { name: "r", tags: { a: "1" }, tasks: [task({ existing_cluster_id: cluster })] })).body!.job_id;
    is(await h.call("POST", "/api/2.2/jobs/reset", { job_id: id, new_settings: { name: "r2", max_concurrent_runs: 2, tasks: [task({ existing_cluster_id: cluster })] } }), 200);
    is(await h.call("POST", "/api/2.2/jobs/update", { job_id: id, new_settings: { tasks: [task({ task_key: "second", existing_cluster_id: cluster })] }, fields_to_remove: ["tasks/main"] }), 200);
    const got = (await h.call("GET", `/api/2.2/jobs/get?job_id=${id}`)).body!;
    assert.equal(got.creator_user_name, "admin@example.com");
    assert.deepEqual([got.settings.name, got.settings.max_concurrent_runs, got.settings.tags, got.settings.format], ["r2", 2, undefined, "MULTI_TASK"]);
    assert.deepEqual(got.settings.tasks.map((t: { task_key: string }) => t.task_key), ["second"]);
    assert.deepEqual([got.settings.tasks[0].notebook_task.source, got.settings.tasks[0].run_if], ["WORKSPACE", "ALL_SUCCESS"]);
    is(await h.call("POST", "/api/2.2/jobs/delete", { job_id: id }), 200);
    is(await h.call("POST", "/api/2.2/jobs/delete", { job_id: id }), 400, "INVALID_PARAMETER_VALUE");
  });

  it("runs a job once per idempotency token, through QUEUED → PENDING → RUNNING → TERMINATED", async () => {
    const id = (await h.call("POST", "/api/2.2/jobs/create", { name: "fails", tasks: [task({ existing_cluster_id: cluster })] })).body!.job_id;
    const a = (await h.call("POST", "/api/2.2/jobs/run-now", { job_id: id, idempotency_token: "deploy-1" })).body!;
    const b = (await h.call("POST", "/api/2.2/jobs/run-now", { job_id: id, idempotency_token: "deploy-1" })).body!;
    assert.deepEqual(b, a);
    assert.equal(a.number_in_job, 1);
    const state = async () => (await h.call("GET", `/api/2.2/jobs/runs/get?run_id=${a.run_id}`)).body!;
    const seen = [(await state()).state.life_cycle_state];
    for (const ms of [1_000, 30_000, 60_000]) {
      h.clock.advance(ms);
      seen.push((await state()).state.life_cycle_state);
    }
    assert.deepEqual(seen, ["QUEUED", "PENDING", "RUNNING", "TERMINATED"]);
    const done = await state();
    assert.equal(done.state.result_state, "FAILED");
    assert.match(done.run_page_url, new RegExp(`#job/${id}/run/${a.run_id}$`));
    const other = (await h.call("POST", "/api/2.2/jobs/run-now", { job_id: id, idempotency_token: "deploy-2" })).body!;
    assert.notEqual(other.run_id, a.run_id);
    assert.equal((await h.call("GET", `/api/2.2/jobs/runs/list?job_id=${id}`)).body!.runs.length, 2);
  });
});

describe("Databricks test server: workspace, files, secrets, permissions", () => {
  let h: Harness;
  before(async () => (h = await harness()));
  after(() => h.server.close());

  it("imports without making parents, drops a notebook's extension on AUTO, exports with the notebook header", async () => {
    const missing = await h.call("POST", "/api/2.0/workspace/import", { path: "/Shared/app/nb.py", format: "AUTO", content: b64("# Databricks notebook source\nprint(1)") });
    is(missing, 404, "RESOURCE_DOES_NOT_EXIST");
    assert.equal(missing.body!.message, "The parent folder (/Shared/app) does not exist.");
    is(await h.call("POST", "/api/2.0/workspace/mkdirs", { path: "/Shared/app/sub" }), 200);
    is(await h.call("POST", "/api/2.0/workspace/import", { path: "/Shared/app/nb.py", format: "AUTO", content: b64("# Databricks notebook source\nprint(1)") }), 200);
    const st = (await h.call("GET", "/api/2.0/workspace/get-status?path=/Shared/app/nb")).body!;
    assert.deepEqual([st.object_type, st.language, st.path], ["NOTEBOOK", "PYTHON", "/Shared/app/nb"]);
    is(await h.call("POST", "/api/2.0/workspace/import", { path: "/Shared/app/plain", format: "SOURCE", content: b64("print(2)") }), 400, "INVALID_PARAMETER_VALUE");
    is(await h.call("POST", "/api/2.0/workspace/import", { path: "/Shared/app/plain", format: "SOURCE", language: "PYTHON", content: b64("print(2)") }), 200);
    is(await h.call("POST", "/api/2.0/workspace/import", { path: "/Shared/app/plain", format: "SOURCE", language: "PYTHON", content: b64("print(3)") }), 400, "RESOURCE_ALREADY_EXISTS");
    const exported = (await h.call("GET", "/api/2.0/workspace/export?path=/Shared/app/plain&format=SOURCE")).body!;
    assert.equal(Buffer.from(exported.content, "base64").toString(), "# Databricks notebook source\nprint(2)");
    assert.equal(h.server.workspace(h.ws).objectContent("/Shared/app/plain"), "print(2)");
    is(await h.call("GET", "/api/2.0/workspace/get-status?path=/Shared/none"), 404, "RESOURCE_DOES_NOT_EXIST");
    assert.deepEqual((await h.call("GET", "/api/2.0/workspace/list?path=/Shared/app/sub")).body, {}, "an empty folder lists as {}");
    is(await h.call("POST", "/api/2.0/workspace/import", { path: "/Shared/big", format: "RAW", content: Buffer.alloc(10 * 1024 * 1024 + 1).toString("base64") }), 400, "MAX_NOTEBOOK_SIZE_EXCEEDED");
    is(await h.call("POST", "/api/2.0/workspace/mkdirs", { path: "/Shared/app/nb" }), 400, "RESOURCE_ALREADY_EXISTS");
    is(await h.call("POST", "/api/2.0/workspace/delete", { path: "/Shared/app" }), 400, "DIRECTORY_NOT_EMPTY");
    is(await h.call("POST", "/api/2.0/workspace/delete", { path: "/Shared/app", recursive: true }), 200);
    assert.equal(h.server.workspace(h.ws).object("/Shared/app/nb"), undefined);
  });

  it("stores DBFS and volume files", async () => {
    is(await h.call("POST", "/api/2.0/dbfs/put", { path: "dbfs:/init/a.sh", contents: b64("echo a"), overwrite: false }), 200);
    is(await h.call("POST", "/api/2.0/dbfs/put", { path: "dbfs:/init/a.sh", contents: b64("echo b") }), 400, "RESOURCE_ALREADY_EXISTS");
    is(await h.call("POST", "/api/2.0/dbfs/put", { path: "dbfs:/big", contents: Buffer.alloc(1024 * 1024 + 1).toString("base64") }), 400, "MAX_BLOCK_SIZE_EXCEEDED");
    assert.equal(Buffer.from((await h.call("GET", "/api/2.0/dbfs/read?path=dbfs:/init/a.sh")).body!.data, "base64").toString(), "echo a");
    is(await h.call("GET", "/api/2.0/dbfs/get-status?path=/nothing"), 404, "RESOURCE_DOES_NOT_EXIST");
    const token = h.server.createPat(h.ws, "admin@example.com");
    const path = `/ws/${h.ws}/api/2.0/fs/files/Volumes/main/default/init/x.sh`;
    is(await raw(h.server, "PUT", `${path}?overwrite=false`, { token, bytes: Buffer.from("echo x") }), 204);
    is(await raw(h.server, "PUT", `${path}?overwrite=false`, { token, bytes: Buffer.from("echo y") }), 409, "ALREADY_EXISTS");
    is(await raw(h.server, "PUT", `${path}?overwrite=true`, { token, bytes: Buffer.from("echo y") }), 204);
    assert.equal((await raw(h.server, "GET", path, { token })).text, "echo y");
    assert.equal((await raw(h.server, "HEAD", path, { token })).headers["content-length"], "6");
    is(await raw(h.server, "DELETE", path, { token }), 204);
    assert.equal((await raw(h.server, "HEAD", path, { token })).status, 404);
  });

  it("keeps secrets write-only and refuses a Key Vault-backed scope to a PAT", async () => {
    const kv = await h.call("POST", "/api/2.0/secrets/scopes/create", { scope: "kv", scope_backend_type: "AZURE_KEYVAULT", backend_azure_keyvault: { resource_id: "/subscriptions/x/resourceGroups/r/providers/Microsoft.KeyVault/vaults/v", dns_name: "https://v.vault.azure.net/" } });
    is(kv, 400, "INVALID_PARAMETER_VALUE");
    assert.equal(kv.body!.message, "Scope with Azure KeyVault must have userAADToken defined!");
    is(await h.call("POST", "/api/2.0/secrets/scopes/create", { scope: "bad name!" }), 400, "INVALID_PARAMETER_VALUE");
    is(await h.call("POST", "/api/2.0/secrets/scopes/create", { scope: "app" }), 200);
    is(await h.call("POST", "/api/2.0/secrets/scopes/create", { scope: "app" }), 400, "RESOURCE_ALREADY_EXISTS");
    const canary = `canary-${randomUUID()}`;
    is(await h.call("POST", "/api/2.0/secrets/put", { scope: "app", key: "db-password", string_value: canary }), 200);
    const listed = await h.call("GET", "/api/2.0/secrets/list?scope=app");
    assert.deepEqual(listed.body!.secrets.map((s: { key: string }) => s.key), ["db-password"]);
    assert.ok(!listed.text.includes(canary));
    assert.equal(h.server.workspace(h.ws).secretValue("app", "db-password"), canary);
    is(await h.call("POST", "/api/2.0/secrets/acls/put", { scope: "app", principal: "users", permission: "READ" }), 200);
    assert.equal((await h.call("GET", "/api/2.0/secrets/acls/get?scope=app&principal=users")).body!.permission, "READ");
    is(await h.call("GET", "/api/2.0/secrets/list?scope=none"), 404, "RESOURCE_DOES_NOT_EXIST");
  });

  it("shows permissions with the creator's and inherited entries; PUT replaces, PATCH adds, levels are checked", async () => {
    const id = (await h.call("POST", "/api/2.1/clusters/create", SPEC)).body!.cluster_id;
    const acl = (await h.call("GET", `/api/2.0/permissions/clusters/${id}`)).body!;
    assert.equal(acl.object_id, `/clusters/${id}`);
    assert.deepEqual(acl.access_control_list, [
      { user_name: "admin@example.com", all_permissions: [{ permission_level: "CAN_MANAGE", inherited: false }] },
      { group_name: "admins", all_permissions: [{ permission_level: "CAN_MANAGE", inherited: true, inherited_from_object: ["/clusters/"] }] },
    ]);
    is(await h.call("PUT", `/api/2.0/permissions/clusters/${id}`, { access_control_list: [{ group_name: "users", permission_level: "CAN_VIEW" }] }), 400, "INVALID_PARAMETER_VALUE");
    is(await h.call("PUT", `/api/2.0/permissions/clusters/${id}`, { access_control_list: [{ user_name: "ghost@example.com", permission_level: "CAN_RESTART" }] }), 400, "INVALID_PARAMETER_VALUE");
    const put = (await h.call("PUT", `/api/2.0/permissions/clusters/${id}`, { access_control_list: [{ group_name: "users", permission_level: "CAN_ATTACH_TO" }] })).body!;
    assert.deepEqual(put.access_control_list.map((e: { group_name?: string; user_name?: string }) => e.group_name ?? e.user_name), ["users", "admins"]);
    const patched = (await h.call("PATCH", `/api/2.0/permissions/clusters/${id}`, { access_control_list: [{ user_name: "admin@example.com", permission_level: "CAN_RESTART" }] })).body!;
    assert.equal(patched.access_control_list.length, 3);
    const job = (await h.call("POST", "/api/2.2/jobs/create", { name: "p" })).body!.job_id;
    const jobAcl = (await h.call("PUT", `/api/2.0/permissions/jobs/${job}`, { access_control_list: [{ group_name: "users", permission_level: "CAN_VIEW" }] })).body!;
    assert.deepEqual(jobAcl.access_control_list[0], { user_name: "admin@example.com", all_permissions: [{ permission_level: "IS_OWNER", inherited: false }] }, "a job keeps its owner");
    is(await h.call("GET", "/api/2.0/permissions/clusters/nope"), 404, "RESOURCE_DOES_NOT_EXIST");
  });

  it("keeps workspaces apart and serves the default one at the root", async () => {
    const other = h.server.createPat("5555", "bob@example.com");
    await raw(h.server, "POST", "/ws/5555/api/2.0/secrets/scopes/create", { token: other, body: { scope: "app" } });
    assert.deepEqual(h.server.workspace("5555").scopes().map((s) => s.name), ["app"]);
    const root = h.server.createPat(h.server.defaultWorkspace, "carol@example.com");
    is(await raw(h.server, "GET", "/api/2.0/secrets/scopes/list", { token: root }), 200);
    assert.deepEqual((await raw(h.server, "GET", "/api/2.0/secrets/scopes/list", { token: root })).body, {});
    assert.ok(h.server.writes("5555") >= 1);
    assert.equal(h.server.requests.filter((r) => r.workspace === h.server.defaultWorkspace && r.write).length, 0);
  });
});

describe("Databricks test server: faults", () => {
  let h: Harness;
  before(async () => (h = await harness()));
  after(() => h.server.close());

  it("answers 429 REQUEST_LIMIT_EXCEEDED with Retry-After and 503 TEMPORARILY_UNAVAILABLE, then the real answer", async () => {
    h.server.addFault({ match: { method: "POST", path: "clusters/create", workspace: h.ws }, status: 429, retryAfter: 7 });
    h.server.addFault({ match: { path: "jobs/list" }, status: 503, times: 2 });
    const limited = await h.call("POST", "/api/2.1/clusters/create", SPEC);
    is(limited, 429, "REQUEST_LIMIT_EXCEEDED");
    assert.equal(limited.headers["retry-after"], "7");
    is(await h.call("POST", "/api/2.1/clusters/create", SPEC), 200);
    is(await h.call("GET", "/api/2.2/jobs/list"), 503, "TEMPORARILY_UNAVAILABLE");
    is(await h.call("GET", "/api/2.2/jobs/list"), 503, "TEMPORARILY_UNAVAILABLE");
    is(await h.call("GET", "/api/2.2/jobs/list"), 200);
  });

  it("applies a create and drops the connection (after: true): the client never hears, the cluster exists once", async () => {
    const before_ = h.server.workspace(h.ws).clusters().length;
    h.server.addFault({ match: { path: "clusters/create" }, after: true });
    await assert.rejects(h.call("POST", "/api/2.1/clusters/create", { ...SPEC, cluster_name: "dropped" }), /socket hang up|ECONNRESET/);
    const named = h.server.workspace(h.ws).clusters().filter((c) => c.cluster_name === "dropped");
    assert.equal(named.length, 1);
    assert.equal(h.server.workspace(h.ws).clusters().length, before_ + 1);
    const rec = h.server.requests.at(-1)!;
    assert.deepEqual([rec.path, rec.status, rec.error_code, rec.write], ["/api/2.1/clusters/create", 0, "ConnectionReset", true]);
    h.server.addFault({ match: { path: "clusters/get" }, reset: true });
    await assert.rejects(h.call("GET", `/api/2.1/clusters/get?cluster_id=${named[0]!.cluster_id}`));
  });

  it("counts writes: not GETs, not clusters/events", async () => {
    const id = h.server.workspace(h.ws).clusters()[0]!.cluster_id;
    const n = h.server.writes(h.ws);
    await h.call("GET", `/api/2.1/clusters/get?cluster_id=${id}`);
    await h.call("POST", "/api/2.1/clusters/events", { cluster_id: id });
    assert.equal(h.server.writes(h.ws), n);
    await h.call("POST", "/api/2.1/clusters/delete", { cluster_id: id });
    assert.equal(h.server.writes(h.ws), n + 1);
  });
});

describe("Databricks test server: Entra and OAuth sign-in", () => {
  const sp = { clientId: randomUUID(), clientSecret: `s-${randomUUID()}`, objectId: randomUUID() };
  const v = `api-version=${AZURE_TYPES["Microsoft.Databricks/workspaces"]!.apiVersion}`;
  let dbx: DatabricksApiServer;
  let azure: AzureApiServer;
  let workspace: { id: string; resourceId: string; host: string };
  let close: () => Promise<void>;
  const entraToken = (scope: string) => entra(azure, sp, scope);

  before(async () => {
    ({ azure, databricks: dbx, close } = await startLinkedServers(
      { clients: [sp], latency: { "Microsoft.Databricks/workspaces": 0 } },
      { servicePrincipals: [{ applicationId: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", secret: "m2m-secret", federationPolicies: [{ issuer: "https://token.actions.githubusercontent.com", subject: "repo:acme/app:ref:refs/heads/main" }] }] },
    ));
    const arm = await armToken(azure);
    const rg = `/subscriptions/${azure.subscriptionId}/resourceGroups/rg`;
    await azureRaw(azure, "PUT", `${rg}?api-version=${AZURE_TYPES["Microsoft.Resources/resourceGroups"]!.apiVersion}`, { token: arm, body: { location: "westeurope" } });
    const put = await azureRaw(azure, "PUT", `${rg}/providers/Microsoft.Databricks/workspaces/dbw?${v}`, { token: arm, body: { location: "westeurope", sku: { name: "premium" }, properties: { managedResourceGroupId: `${rg}-managed` } } });
    assert.ok(put.status < 300, JSON.stringify(put.body));
    const res = azure.resource(`${rg}/providers/Microsoft.Databricks/workspaces/dbw`)!;
    workspace = { id: String(res.properties.workspaceId), resourceId: String(res.id), host: String(res.properties.workspaceUrl) };
  });
  after(() => close());

  it("points the Azure workspace's workspaceUrl at this server (host and path, no scheme)", () => {
    assert.equal(workspace.host, `${dbx.url.replace("https://", "")}/ws/${workspace.id}`);
    assert.equal(dbx.workspace(workspace.id).resourceId, workspace.resourceId);
  });

  it("refuses an Entra token of a non-member without Contributor, then adds it with the management headers once it has the role", async () => {
    const token = await entraToken(`${DATABRICKS_RESOURCE}/.default`);
    const mgmt = await entraToken("https://management.azure.com/.default");
    const path = `/ws/${workspace.id}/api/2.1/clusters/list`;
    is(await raw(dbx, "GET", path, { token: mgmt }), 401, "UNAUTHENTICATED");
    is(await raw(dbx, "GET", path, { token }), 403, "PERMISSION_DENIED");
    const headers = { "X-Databricks-Azure-SP-Management-Token": mgmt, "X-Databricks-Azure-Workspace-Resource-Id": workspace.resourceId };
    is(await raw(dbx, "GET", path, { token, headers }), 403, "PERMISSION_DENIED");
    is(await raw(dbx, "GET", path, { token, headers: { ...headers, "X-Databricks-Azure-Workspace-Resource-Id": `${workspace.resourceId}x` } }), 403, "PERMISSION_DENIED");
    azure.seed({
      id: `${workspace.resourceId}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`,
      type: "Microsoft.Authorization/roleAssignments",
      properties: { scope: workspace.resourceId, principalId: sp.objectId, roleDefinitionId: `/subscriptions/${azure.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c` },
    });
    is(await raw(dbx, "GET", path, { token, headers }), 200);
    assert.deepEqual(dbx.workspace(workspace.id).addedUsers().map((a) => a.principal), [sp.clientId]);
    is(await raw(dbx, "GET", path, { token }), 200); // a member no longer needs the headers
    const kv = await raw(dbx, "POST", `/ws/${workspace.id}/api/2.0/secrets/scopes/create`, {
      token,
      body: { scope: "kv", scope_backend_type: "AZURE_KEYVAULT", backend_azure_keyvault: { resource_id: `/subscriptions/${azure.subscriptionId}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v`, dns_name: "https://v.vault.azure.net/" } },
    });
    is(kv, 403, "PERMISSION_DENIED");
  });

  it("issues OAuth tokens for client credentials and federated JWTs at /oidc/v1/token", async () => {
    const endpoint = `/ws/${workspace.id}/oidc/v1/token`;
    const basic = (id: string, secret: string) => ({ Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}` });
    const app = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    const bad = await raw(dbx, "POST", endpoint, { form: { grant_type: "client_credentials", scope: "all-apis" }, headers: basic(app, "wrong") });
    assert.deepEqual([bad.status, bad.body!.error], [401, "invalid_client"]);
    const good = await raw(dbx, "POST", endpoint, { form: { grant_type: "client_credentials", scope: "all-apis" }, headers: basic(app, "m2m-secret") });
    assert.deepEqual([good.status, good.body!.token_type, good.body!.expires_in], [200, "Bearer", 3600]);
    const created = await raw(dbx, "POST", `/ws/${workspace.id}/api/2.1/clusters/create`, { token: good.body!.access_token, body: SPEC });
    assert.equal(dbx.workspace(workspace.id).cluster(created.body!.cluster_id)!.creator_user_name, app);
    is(await raw(dbx, "GET", "/ws/7777/api/2.1/clusters/list", { token: good.body!.access_token }), 401, "UNAUTHENTICATED");
    const jwt = (claims: object) => ["e30", Buffer.from(JSON.stringify(claims)).toString("base64url"), "c2ln"].join(".");
    const exchange = (subject: string) =>
      raw(dbx, "POST", endpoint, {
        form: { grant_type: "urn:ietf:params:oauth:grant-type:token-exchange", subject_token_type: "urn:ietf:params:oauth:token-type:jwt", client_id: app, scope: "all-apis", subject_token: jwt({ iss: "https://token.actions.githubusercontent.com", sub: subject, aud: "x" }) },
      });
    assert.equal((await exchange("repo:acme/app:ref:refs/heads/main")).status, 200);
    const refused = await exchange("repo:acme/app:ref:refs/heads/evil");
    assert.deepEqual([refused.status, refused.body!.error], [400, "invalid_grant"]);
  });
});
