/**
 * Proof that the server follows the Databricks REST API: the real `@databricks/sdk-experimental` 0.17.0
 * WorkspaceClient runs against it unchanged (plain HTTP on the root, which serves the default workspace — the SDK
 * keeps no path in its host and takes no CA). The SDK's own defects are pinned here too, as they show against
 * Databricks' answers (research/toolchain.md): the server is not bent to them.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ApiError, WorkspaceClient } from "@databricks/sdk-experimental";
import { startDatabricksApiServer, type DatabricksApiServer } from "./index.ts";

const SPEC = { cluster_name: "sdk", spark_version: "15.4.x-scala2.12", node_type_id: "Standard_DS3_v2", num_workers: 1, autotermination_minutes: 20 };

const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

describe("Databricks test server with the real @databricks/sdk-experimental client", () => {
  let server: DatabricksApiServer;
  let w: WorkspaceClient;
  before(async () => {
    server = await startDatabricksApiServer();
    const token = server.createPat(server.defaultWorkspace, "sdk@example.com");
    w = new WorkspaceClient({ host: server.httpUrl, token, authType: "pat" });
  });
  after(() => server.close());

  it("creates, gets, lists (paged), edits and deletes clusters", async () => {
    const created = await w.clusters.create(SPEC);
    const id = created.cluster_id!;
    for (let i = 0; i < 2; i++) await w.clusters.create({ ...SPEC, cluster_name: `sdk-${i}` });
    // The virtual clock moves while the test idles, so the start has finished by the time we poll.
    const running = await created.wait();
    assert.equal(running.state, "RUNNING");
    const got = await w.clusters.get({ cluster_id: id });
    assert.deepEqual([got.cluster_name, got.creator_user_name, got.default_tags?.ClusterId], ["sdk", "sdk@example.com", id]);
    const listed = await collect(w.clusters.list({ page_size: 1 }));
    assert.equal(listed.length, 3);
    assert.ok(server.requests.filter((r) => r.path === "/api/2.1/clusters/list").length >= 3, "the SDK followed next_page_token");
    await (await w.clusters.edit({ cluster_id: id, ...SPEC, num_workers: 2 })).wait();
    assert.equal((await w.clusters.get({ cluster_id: id })).num_workers, 2);
    await (await w.clusters.delete({ cluster_id: id })).wait();
    assert.equal((await w.clusters.get({ cluster_id: id })).state, "TERMINATED");
  });

  it("creates jobs with duplicate names, lists them by name, resets and gets one", async () => {
    const a = await w.jobs.create({ name: "sdk-job", tasks: [{ task_key: "t", new_cluster: SPEC, spark_python_task: { python_file: "/Workspace/Shared/x.py" } }] });
    const b = await w.jobs.create({ name: "sdk-job" });
    const listed = await collect(w.jobs.list({ name: "SDK-JOB" }));
    assert.deepEqual(listed.map((j) => j.job_id), [a.job_id, b.job_id]);
    await w.jobs.reset({ job_id: b.job_id!, new_settings: { name: "sdk-job-2", max_concurrent_runs: 3 } });
    const got = await w.jobs.get({ job_id: b.job_id! });
    assert.deepEqual([got.settings?.name, got.settings?.max_concurrent_runs], ["sdk-job-2", 3]);
  });

  it("makes folders, imports a notebook, reads its status and exports it", async () => {
    await w.workspace.mkdirs({ path: "/Shared/sdk" });
    await w.workspace.import({ path: "/Shared/sdk/nb", format: "SOURCE", language: "PYTHON", content: Buffer.from("print('hi')").toString("base64") });
    const status = await w.workspace.getStatus({ path: "/Shared/sdk/nb" });
    assert.deepEqual([status.object_type, status.language], ["NOTEBOOK", "PYTHON"]);
    const exported = await w.workspace.export({ path: "/Shared/sdk/nb", format: "SOURCE" });
    assert.equal(Buffer.from(exported.content!, "base64").toString(), "# Databricks notebook source\nprint('hi')");
    const listed = await collect(w.workspace.list({ path: "/Shared/sdk" }));
    assert.deepEqual(listed.map((o) => o.path), ["/Shared/sdk/nb"]);
  });

  it("creates a secret scope, puts and lists secrets (never values)", async () => {
    await w.secrets.createScope({ scope: "sdk-scope" });
    await w.secrets.putSecret({ scope: "sdk-scope", key: "k", string_value: "canary-sdk-value" });
    assert.deepEqual((await collect(w.secrets.listScopes())).map((s) => s.name), ["sdk-scope"]);
    const secrets = await collect(w.secrets.listSecrets({ scope: "sdk-scope" }));
    assert.deepEqual(secrets.map((s) => s.key), ["k"]);
    assert.ok(!JSON.stringify(secrets).includes("canary-sdk-value"));
  });

  it("sets and reads cluster and job permissions", async () => {
    const { cluster_id } = await w.clusters.create(SPEC);
    const set = await w.clusters.setPermissions({ cluster_id: cluster_id!, access_control_list: [{ group_name: "users", permission_level: "CAN_RESTART" }] });
    assert.ok(set.access_control_list?.some((e) => e.group_name === "users" && e.all_permissions?.[0]?.permission_level === "CAN_RESTART"));
    const { job_id } = await w.jobs.create({ name: "perm" });
    const perms = await w.jobs.getPermissions({ job_id: String(job_id) });
    assert.ok(perms.access_control_list?.some((e) => e.user_name === "sdk@example.com" && e.all_permissions?.[0]?.permission_level === "IS_OWNER"));
  });

  it("raises ApiError with the error code for errors whose detail carries metadata", async () => {
    const err = await w.workspace.getStatus({ path: "/Shared/none" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApiError);
    assert.deepEqual([err.statusCode, err.errorCode, err.message], [404, "RESOURCE_DOES_NOT_EXIST", "Path (/Shared/none) doesn't exist."]);
  });

  it("defect: an error detail without metadata (as Databricks sends INVALID_PARAMETER_VALUE) loses its error_code in the SDK", async () => {
    const err = await w.clusters.get({ cluster_id: "0101-000000-missing0" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApiError);
    assert.equal(err.statusCode, 400);
    // The server sent error_code INVALID_PARAMETER_VALUE; the SDK's parser threw on the missing metadata and fell
    // back to the HTTP status text. berth must read error_code from the body itself.
    assert.equal(err.errorCode, "Bad Request");
    assert.match(err.message, /"error_code":"INVALID_PARAMETER_VALUE"/);
    assert.equal(server.requests.at(-1)?.error_code, "INVALID_PARAMETER_VALUE");
  });

  it("defect: a 503 TEMPORARILY_UNAVAILABLE with Retry-After is not retried by the SDK", async () => {
    server.addFault({ match: { path: "clusters/list-node-types" }, status: 503, retryAfter: 1 });
    const err = await w.clusters.listNodeTypes().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApiError);
    assert.deepEqual([err.statusCode, err.errorCode], [503, "TEMPORARILY_UNAVAILABLE"]);
    assert.equal(server.requests.filter((r) => r.path === "/api/2.1/clusters/list-node-types").length, 1);
  });
});
