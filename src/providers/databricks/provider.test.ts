/**
 * The Databricks provider against the Databricks test server (test/support/databricks-api-server), through the engine
 * (runSteps) on virtual time: cluster starts take minutes there and no time here. Signed in with a PAT read from a
 * stand-in vault; the Entra sign-in with the Azure test server is in provider-entra.test.ts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { trustingHttpClient } from "../../../test/support/azure-api-server/testing.ts";
import { deploy, INSTANCE, planStep as step, startPatWorkspace, VAULT, vaultAccess } from "../../../test/support/databricks-provider.ts";
import type { Scenario } from "../../../test/support/databricks-api-server/index.ts";
import { raw } from "../../../test/support/databricks-api-server/testing.ts";
import type { PlanStep } from "../../plan/step.ts";
import type { ClusterResource, ClusterStateResource, DatabricksResource, DatabricksWorkspaceRef, JobResource } from "../../resources/databricks-resource.ts";
import { outputToken, substituteOutputs } from "../../resources/outputs.ts";
import { databricksPlanning } from "./planning.ts";
import { DatabricksProvider } from "./provider.ts";

const WS_ID = "1111222233334444";

const setup = (scenario: Omit<Scenario, "clock"> = {}) => startPatWorkspace({ id: WS_ID }, scenario);

const clusterOf = (ref: DatabricksWorkspaceRef, body: Record<string, unknown> = {}, more: Partial<ClusterResource> = {}): ClusterResource => ({
  kind: "cluster",
  key: "etl",
  workspace: ref,
  body: { cluster_name: "dev-etl", spark_version: "15.4.x-scala2.12", node_type_id: "Standard_DS3_v2", num_workers: 1, autotermination_minutes: 30, spark_conf: { "spark.sql.shuffle.partitions": "8" }, ...body },
  state: "terminated",
  ...more,
});

const jobOf = (ref: DatabricksWorkspaceRef, clusterStep: string, settings: Record<string, unknown> = {}, more: Partial<JobResource> = {}): JobResource => ({
  kind: "job",
  key: "nightly",
  workspace: ref,
  settings: { name: "dev-nightly", tasks: [{ task_key: "main", existing_cluster_id: outputToken({ resource: clusterStep, output: "cluster_id" }), spark_python_task: { python_file: "dbfs:/jobs/main.py" } }], ...settings },
  ...more,
});

const stateOf = (ref: DatabricksWorkspaceRef, clusterStep: string): ClusterStateResource => ({ kind: "clusterState", key: "etl", workspace: ref, cluster: clusterStep, clusterId: outputToken({ resource: clusterStep, output: "cluster_id" }), startedBy: outputToken({ resource: clusterStep, output: "started_by_berth" }), state: "terminated" });

/** The three steps of seed 001's cluster and job: cluster (started once), job using it, cluster stopped after. */
function seedSteps(ref: DatabricksWorkspaceRef, cluster: Partial<ClusterResource> & { body?: Record<string, unknown> } = {}, job: Partial<JobResource> & { settings?: Record<string, unknown> } = {}) {
  const { body, ...clusterMore } = cluster;
  const { settings, ...jobMore } = job;
  const c = step(clusterOf(ref, body, clusterMore));
  const j = step(jobOf(ref, c.id, settings, jobMore), [c.id]);
  const s = step(stateOf(ref, c.id), [c.id, j.id]);
  return { cluster: c, job: j, state: s, all: [c, j, s] };
}

test("seed 001's cluster and job: created in order (the job gets the cluster's id), the cluster stopped after; a second run inspects no change and makes zero writes", async () => {
  const t = await setup();
  try {
    const steps = seedSteps(t.ref);
    const first = await deploy(t.provider(), steps.all, t.clock);
    assert.equal(first.status, "ok", first.error);
    const [cluster] = t.ws.clusters();
    assert.equal(t.ws.clusters().length, 1);
    assert.equal(cluster!.state, "TERMINATED", "stopped after the job was deployed");
    assert.equal(cluster!.custom_tags["berth.instance"], INSTANCE);
    assert.equal(cluster!.custom_tags["berth.key"], "etl");
    const [job] = t.ws.jobs();
    assert.equal(job!.settings.tasks[0].existing_cluster_id, cluster!.cluster_id, "the output token was replaced by the cluster's id");
    assert.equal(job!.settings.tags["berth.key"], "nightly");
    const applied = first.journal.find((e) => e.event === "applied" && e.step === steps.cluster.id);
    assert.deepEqual(applied?.outputs, { cluster_id: cluster!.cluster_id, started_by_berth: "created" }, "the id is journaled right after the create, and that this run brought it up");
    assert.ok(first.events.some((e) => e.type === "step" && e.state === "done" && e.id === steps.cluster.id && /created; RUNNING/.test(e.message ?? "")), "the cluster step waited for RUNNING");

    const writes = t.dbx.writes();
    const again = t.provider();
    const planned = await again.inspect(steps.cluster);
    assert.deepEqual([planned.changes, planned.drift, planned.effects, planned.intentChanged], [[], undefined, undefined, false]);
    const second = await deploy(again, steps.all, t.clock, "r2");
    assert.equal(second.status, "ok", second.error);
    assert.equal(t.dbx.writes(), writes, "the second run wrote nothing");
    assert.equal(t.ws.clusters().length, 1);
  } finally {
    await t.close();
  }
});

test("renaming a job (its name, or its spec key with renamedFrom) updates the same job id with reset, never delete and create", async () => {
  const t = await setup();
  try {
    const steps = seedSteps(t.ref);
    assert.equal((await deploy(t.provider(), steps.all, t.clock)).status, "ok");
    const id = t.ws.jobs()[0]!.job_id;
    const renamed = seedSteps(t.ref, {}, { key: "nightly-etl", renamedFrom: ["nightly"], settings: { name: "dev-nightly-etl" } });
    const provider = t.provider();
    const live = await provider.inspect({ ...renamed.job, action: { type: "deploy", resource: { ...(renamed.job.action as { resource: JobResource }).resource, settings: { ...jobOf(t.ref, "x").settings, name: "dev-nightly-etl", tasks: t.ws.jobs()[0]!.settings.tasks } } } });
    assert.deepEqual(live.changes.map((c) => c.field).sort(), ["name", "tags.berth.key"]);
    const before = t.dbx.requests.length;
    const result = await deploy(provider, renamed.all, t.clock, "r2");
    assert.equal(result.status, "ok", result.error);
    assert.deepEqual(t.ws.jobs().map((j) => [j.job_id, j.settings.name, j.settings.tags["berth.key"]]), [[id, "dev-nightly-etl", "nightly-etl"]]);
    const writes = t.dbx.requests.slice(before).filter((r) => r.write).map((r) => r.path);
    assert.deepEqual(writes, ["/api/2.2/jobs/reset"], "one reset; the cluster and its state unchanged");
  } finally {
    await t.close();
  }
});

test("a create whose connection drops after the workspace applied it stops the run as unknown; the next run finds the cluster by tag and creates no second one", async () => {
  const t = await setup({ faults: [{ match: { path: "clusters/create" }, after: true }] });
  try {
    const steps = seedSteps(t.ref);
    const first = await deploy(t.provider(), steps.all, t.clock);
    assert.equal(first.status, "interrupted");
    assert.match(first.error ?? "", /create cluster etl \(POST \/api\/2\.1\/clusters\/create, workspace main\).*connection.*lost.*unknown/s);
    assert.equal(t.dbx.requests.filter((r) => r.path === "/api/2.1/clusters/create").length, 1, "never repeated");
    assert.equal(t.ws.clusters().length, 1, "the create happened");
    const second = await deploy(t.provider(), steps.all, t.clock, "r2");
    assert.equal(second.status, "ok", second.error);
    assert.equal(t.ws.clusters().length, 1, "found by its tags, not created again");
    assert.equal(t.ws.jobs()[0]!.settings.tasks[0].existing_cluster_id, t.ws.clusters()[0]!.cluster_id);
  } finally {
    await t.close();
  }
});

test("a 5xx answer to a create (not repeated) stops the run as unknown, like a lost connection; the next run looks by tag first", async () => {
  const t = await setup({ faults: [{ match: { path: "jobs/create" }, status: 500 }] });
  try {
    const steps = seedSteps(t.ref);
    const first = await deploy(t.provider(), steps.all, t.clock);
    assert.equal(first.status, "interrupted", first.error);
    assert.match(first.error ?? "", /create job nightly \(POST \/api\/2\.2\/jobs\/create, workspace main\): 500 .*whether it happened is unknown/s);
    assert.equal(t.dbx.requests.filter((r) => r.path === "/api/2.2/jobs/create").length, 1, "never repeated");
    assert.equal((await deploy(t.provider(), steps.all, t.clock, "r2")).status, "ok");
    assert.equal(t.ws.jobs().length, 1);
  } finally {
    await t.close();
  }
});

test("a cluster whose init script fails is a failed step with the termination reason and the event log's last lines", async () => {
  const t = await setup();
  try {
    const steps = seedSteps(t.ref, { body: { init_scripts: [{ workspace: { destination: "/Shared/init/missing.sh" } }] } });
    const result = await deploy(t.provider(), steps.all, t.clock);
    assert.equal(result.status, "failed");
    const failure = result.events.find((e) => e.type === "step" && e.state === "failed");
    assert.ok(failure && failure.type === "step");
    assert.equal(failure.id, steps.cluster.id);
    assert.equal(failure.reason, "INIT_SCRIPT_FAILURE");
    assert.match(failure.message ?? "", /cluster etl terminated: INIT_SCRIPT_FAILURE \(CLIENT_ERROR\): .*databricks_error_message=Cluster scoped init script \/Shared\/init\/missing\.sh failed/);
    const lines = failure.lines ?? [];
    assert.match(lines.join("\n"), /last events of cluster .* \(newest first\):/);
    assert.ok(lines.some((l) => /TERMINATING INIT_SCRIPT_FAILURE/.test(l)), lines.join("\n"));
    assert.ok(lines.filter((l) => l.startsWith("  ")).length <= 5);
    assert.equal(t.ws.jobs().length, 0, "nothing after the failed step");
  } finally {
    await t.close();
  }
});

test("a state: terminated cluster a job or a user started is left running by up (no write, the message says why); one this run starts is terminated", async () => {
  const t = await setup();
  try {
    const steps = seedSteps(t.ref);
    assert.equal((await deploy(t.provider(), steps.all, t.clock)).status, "ok");
    const id = t.ws.clusters()[0]!.cluster_id;
    // A scheduled job (here: anyone through the API) starts the cluster.
    const started = await raw(t.dbx, "POST", `${new URL(t.ws.url).pathname}/api/2.1/clusters/start`, { token: t.pat, body: { cluster_id: id } });
    assert.equal(started.status, 200, started.text);
    assert.notEqual(t.ws.clusters()[0]!.state, "TERMINATED");
    const provider = t.provider();
    const cluster = await provider.inspect(steps.cluster);
    assert.deepEqual([cluster.intentChanged, cluster.outputs], [false, { cluster_id: id, started_by_berth: "no" }]);
    const state = await provider.inspect({ ...steps.state, action: substituteOutputs(steps.state.action, (ref) => cluster.outputs?.[ref.output]).value });
    assert.deepEqual([state.intentChanged, state.changes], [false, []], "the plan does not stop it");
    const writes = t.dbx.writes();
    const second = await deploy(provider, steps.all, t.clock, "r2");
    assert.equal(second.status, "ok", second.error);
    assert.equal(t.dbx.writes(), writes, "the running job's cluster is not terminated: zero writes");
    assert.ok(second.events.some((e) => e.type === "step" && e.id === steps.state.id && /this run did not start it \(a job or a user did\): left running/.test(e.message ?? "")), JSON.stringify(second.events.filter((e) => e.type === "step" && e.id === steps.state.id)));
    assert.notEqual(t.ws.clusters()[0]!.state, "TERMINATED");

    // A spec change that restarts it makes it this run's: stopped after.
    const changed = seedSteps(t.ref, { body: { spark_conf: { "spark.sql.shuffle.partitions": "16" } } });
    const third = await deploy(t.provider(), changed.all, t.clock, "r3");
    assert.equal(third.status, "ok", third.error);
    assert.equal(t.ws.clusters()[0]!.state, "TERMINATED");
  } finally {
    await t.close();
  }
});

test("a resumed run: a state: terminated cluster whose first start failed (INIT_SCRIPT_FAILURE) is started again and fails its step, not reported ready", async () => {
  const t = await setup();
  try {
    const steps = seedSteps(t.ref, { body: { init_scripts: [{ workspace: { destination: "/Shared/init/missing.sh" } }] } });
    assert.equal((await deploy(t.provider(), steps.all, t.clock)).status, "failed");
    assert.equal(t.ws.clusters()[0]!.termination_reason?.code, "INIT_SCRIPT_FAILURE");
    // A new process (the resume) knows nothing of the first run but what the workspace shows.
    const resumed = await deploy(t.provider(), steps.all, t.clock, "r2");
    assert.equal(resumed.status, "failed");
    const failure = resumed.events.find((e) => e.type === "step" && e.state === "failed");
    assert.ok(failure && failure.type === "step" && failure.id === steps.cluster.id, JSON.stringify(failure));
    assert.equal(failure.reason, "INIT_SCRIPT_FAILURE");
    assert.equal(t.ws.jobs().length, 0);
  } finally {
    await t.close();
  }
});

test("F8: 429 and 503 with Retry-After are waited out on berth's clock, as asked, with a note; the create is sent again only after such an answer", async () => {
  const t = await setup({
    faults: [
      { match: { path: "clusters/create" }, status: 429, retryAfter: 7 },
      { match: { path: "jobs/create" }, status: 503, retryAfter: 5 },
    ],
  });
  try {
    const steps = seedSteps(t.ref);
    const result = await deploy(t.provider(), steps.all, t.clock);
    assert.equal(result.status, "ok", result.error);
    const creates = t.dbx.requests.filter((r) => /(clusters|jobs)\/create$/.test(r.path));
    assert.deepEqual(creates.map((r) => [r.path, r.status]), [["/api/2.1/clusters/create", 429], ["/api/2.1/clusters/create", 200], ["/api/2.2/jobs/create", 503], ["/api/2.2/jobs/create", 200]]);
    assert.equal(creates[1]!.at - creates[0]!.at, 7_000);
    assert.equal(creates[3]!.at - creates[2]!.at, 5_000);
    const notes = result.events.flatMap((e) => (e.type === "note" ? [e.message] : []));
    assert.ok(notes.some((n) => /create cluster etl .*throttling requests \(429 REQUEST_LIMIT_EXCEEDED, Retry-After 7s\); trying again in 7\.0 s/.test(n)), notes.join("\n"));
    assert.equal(t.ws.clusters().length, 1);
    assert.equal(t.ws.jobs().length, 1);
  } finally {
    await t.close();
  }
});

test("a running cluster: a spark_conf change is planned as a restart and done with edit; a worker-count change alone is a resize without one", async () => {
  const t = await setup();
  try {
    const running = (body: Record<string, unknown>) => step(clusterOf(t.ref, body, { state: "running" }));
    assert.equal((await deploy(t.provider(), [running({})], t.clock)).status, "ok");
    const provider = t.provider();
    const conf = running({ spark_conf: { "spark.sql.shuffle.partitions": "64" } });
    const live = await provider.inspect(conf);
    assert.deepEqual(live.changes, [{ field: "spark_conf.spark.sql.shuffle.partitions", from: "8", to: "64" }]);
    assert.deepEqual(live.effects, ["the running cluster restarts"]);
    const workers = await provider.inspect(running({ num_workers: 3 }));
    assert.deepEqual(workers.changes, [{ field: "num_workers", from: 1, to: 3 }]);
    assert.equal(workers.effects, undefined, "a resize restarts nothing");

    let before = t.dbx.requests.length;
    assert.equal((await deploy(provider, [running({ num_workers: 3 })], t.clock, "r2")).status, "ok");
    assert.deepEqual(t.dbx.requests.slice(before).filter((r) => r.write).map((r) => r.path), ["/api/2.1/clusters/resize"]);
    assert.equal(t.ws.clusters()[0]!.num_workers, 3);

    before = t.dbx.requests.length;
    const result = await deploy(t.provider(), [running({ num_workers: 3, spark_conf: { "spark.sql.shuffle.partitions": "64" } })], t.clock, "r3");
    assert.equal(result.status, "ok", result.error);
    assert.deepEqual(t.dbx.requests.slice(before).filter((r) => r.write).map((r) => r.path), ["/api/2.1/clusters/edit"]);
    assert.ok(result.events.some((e) => e.type === "step" && e.state === "done" && /updated \(restarted\); RUNNING/.test(e.message ?? "")));
    assert.equal(t.ws.clusters()[0]!.spark_conf["spark.sql.shuffle.partitions"], "64");
  } finally {
    await t.close();
  }
});

test("a field removed from the spec with a worker-count change: one edit now (planned as a restart), not a resize now and a restart on the next up", async () => {
  const t = await setup();
  try {
    const running = (body: Record<string, unknown>) => step(clusterOf(t.ref, body, { state: "running" }));
    assert.equal((await deploy(t.provider(), [running({ spark_conf: { "a.b": "1" } })], t.clock)).status, "ok");
    const removed = running({ spark_conf: undefined, num_workers: 2 });
    const provider = t.provider();
    const live = await provider.inspect(removed);
    assert.deepEqual(live.effects, ["the running cluster restarts"], "the restart shows in this plan");
    const before = t.dbx.requests.length;
    assert.equal((await deploy(provider, [removed], t.clock, "r2")).status, "ok");
    assert.deepEqual(t.dbx.requests.slice(before).filter((r) => r.write).map((r) => r.path), ["/api/2.1/clusters/edit"]);
    assert.equal(t.ws.clusters()[0]!.spark_conf, undefined, "the removed field is gone");
    assert.equal(t.ws.clusters()[0]!.num_workers, 2);
    const next = await t.provider().inspect(removed);
    assert.deepEqual([next.intentChanged, next.effects], [false, undefined], "the next up changes nothing");
  } finally {
    await t.close();
  }
});

test("clusters are found among all-purpose clusters only: clusters/list asks for the UI and API sources (job clusters left out by the workspace)", async () => {
  const t = await setup();
  try {
    assert.equal((await deploy(t.provider(), [step(clusterOf(t.ref, {}, { state: "running" }))], t.clock)).status, "ok");
    const lists = t.dbx.requests.filter((r) => r.path === "/api/2.1/clusters/list");
    assert.ok(lists.length > 0);
    for (const r of lists) assert.deepEqual(new URLSearchParams(r.query).getAll("filter_by.cluster_sources"), ["UI", "API"], r.query);
  } finally {
    await t.close();
  }
});

test("an edit while the cluster is still starting waits for it (INVALID_STATE retried) instead of failing; a remote edit shows as drift", async () => {
  const t = await setup();
  try {
    const provider = t.provider();
    const first = step(clusterOf(t.ref, {}, { state: "running" }));
    const signal = new AbortController().signal;
    const created = await provider.run(first, await provider.inspect(first), { note: () => {} }, signal);
    assert.equal(created.did, "created");
    assert.equal(t.ws.clusters()[0]!.state, "PENDING");
    const edited = step(clusterOf(t.ref, { autotermination_minutes: 45 }, { state: "running" }));
    const notes: string[] = [];
    const started = t.clock.now();
    const result = await provider.run(edited, await provider.inspect(edited), { note: (m) => notes.push(m), deadline: started + 30 * 60_000 }, signal);
    assert.equal(result.did, "updated (restarted)");
    assert.ok(t.clock.now() - started >= 60_000, "waited for the start to finish");
    assert.ok(notes.some((n) => /edit cluster etl .*cluster is changing state \(400 INVALID_STATE\)/.test(n)), notes.join("\n"));
    assert.equal(t.ws.clusters()[0]!.autotermination_minutes, 45);

    // Someone changes the cluster in the workspace UI: the spec did not change, so it is drift.
    const id = String(t.ws.clusters()[0]!.cluster_id);
    const raw = t.ws.clusters()[0]!;
    const http = trustingHttpClient(t.dbx);
    const { createPipelineRequest, createHttpHeaders } = await import("@azure/core-rest-pipeline");
    const { spec: _s, default_tags: _d, state: _st, ...spec } = raw;
    while (t.ws.clusters()[0]!.state !== "RUNNING") await t.clock.sleep(10_000);
    const answer = await http.sendRequest(
      createPipelineRequest({ url: `${t.ws.url}/api/2.1/clusters/edit`, method: "POST", headers: createHttpHeaders({ Authorization: `Bearer ${t.pat}`, "Content-Type": "application/json" }), body: JSON.stringify({ ...spec, cluster_id: id, autotermination_minutes: 120 }) }),
    );
    assert.equal(answer.status, 200, answer.bodyAsText ?? "");
    const drifted = await t.provider().inspect(edited);
    assert.deepEqual(drifted.changes, []);
    assert.deepEqual(drifted.drift, [{ field: "autotermination_minutes", from: 120, to: 45 }]);
    assert.equal(drifted.intentChanged, true, "a run puts it back");
  } finally {
    await t.close();
  }
});

test("an untagged cluster of the spec's name is foreign without --adopt and adopted with it; two untagged jobs of one name are an error naming both ids", async () => {
  const t = await setup();
  try {
    const steps = seedSteps(t.ref);
    const http = trustingHttpClient(t.dbx);
    const { createPipelineRequest, createHttpHeaders } = await import("@azure/core-rest-pipeline");
    const post = async (path: string, body: unknown) =>
      JSON.parse((await http.sendRequest(createPipelineRequest({ url: `${t.ws.url}${path}`, method: "POST", headers: createHttpHeaders({ Authorization: `Bearer ${t.pat}`, "Content-Type": "application/json" }), body: JSON.stringify(body) }))).bodyAsText ?? "{}");
    const handMade = await post("/api/2.1/clusters/create", (clusterOf(t.ref) as ClusterResource).body);
    const foreign = await t.provider().inspect(steps.cluster);
    assert.equal(foreign.ownership, "foreign");
    assert.match(foreign.owner ?? "", new RegExp(`not created by berth \\(cluster ${handMade.cluster_id}, named "dev-etl"\\); --adopt takes it over`));
    const adopted = await t.provider({ adopt: true }).inspect(steps.cluster);
    assert.equal(adopted.ownership, "adoptable");
    assert.ok(adopted.changes.some((c) => c.field === "custom_tags.berth.instance"));

    const a = await post("/api/2.2/jobs/create", { name: "dev-nightly", tasks: [{ task_key: "x", existing_cluster_id: handMade.cluster_id, spark_python_task: { python_file: "dbfs:/x.py" } }] });
    const b = await post("/api/2.2/jobs/create", { name: "dev-nightly", tasks: [{ task_key: "x", existing_cluster_id: handMade.cluster_id, spark_python_task: { python_file: "dbfs:/x.py" } }] });
    const twice = await t.provider({ adopt: true }).inspect(steps.job);
    assert.equal(twice.ownership, "foreign");
    assert.match(twice.owner ?? "", new RegExp(`ambiguous: 2 jobs are named "dev-nightly" \\(ids ${a.job_id}, ${b.job_id}\\)`));
  } finally {
    await t.close();
  }
});

test("a workspace not created yet: its steps plan as creations without a request; owned() lists the tagged clusters and jobs of the instance, not retained ones", async () => {
  const t = await setup();
  try {
    const pending: DatabricksWorkspaceRef = { ...t.ref, url: outputToken({ resource: "azure:Microsoft.Databricks/workspaces:rg:dbw", output: "workspaceUrl" }) };
    const before = t.dbx.requests.length;
    const live = await t.provider().inspect(step(clusterOf(pending)));
    assert.deepEqual(live, { exists: false, ownership: "absent", changes: [{ field: "(resource)", to: "created (the workspace is created in this run)" }], intentChanged: true });
    assert.equal(t.dbx.requests.length, before);

    const steps = seedSteps(t.ref);
    const kept = step(clusterOf(t.ref, { cluster_name: "dev-keep" }, { key: "keep", retain: true, state: "running" }));
    assert.equal((await deploy(t.provider(), [...steps.all, kept], t.clock)).status, "ok");
    const provider = t.provider();
    provider.remember([steps.cluster]);
    const owned = await provider.owned(INSTANCE, []);
    assert.deepEqual(owned.map((o) => [o.ref.kind, o.ref.namespace, o.ref.name, o.adopted]), [["cluster", "main", "etl", false], ["job", "main", "nightly", false]]);
    assert.deepEqual(databricksPlanning.removal(owned[0]!), { type: "undeploy", resource: owned[0]!.detail });

    const removal = (o: (typeof owned)[number]): PlanStep => ({ ...step(o.detail as DatabricksResource), action: { type: "undeploy", resource: o.detail as DatabricksResource } });
    const jobRemoval = removal(owned[1]!);
    const clusterRemoval = { ...removal(owned[0]!), needs: [jobRemoval.id] };
    const down = await deploy(provider, [jobRemoval, clusterRemoval], t.clock, "down");
    assert.equal(down.status, "ok", down.error);
    assert.deepEqual(t.ws.jobs(), []);
    assert.deepEqual(t.ws.clusters().map((c) => c.cluster_name), ["dev-keep"], "the retained cluster stays");
  } finally {
    await t.close();
  }
});

test("a smoke run after a job's create: run-now repeated after a dropped connection is the same run (idempotency token); its result and run page are in the message; a FAILED run after an update fails the step", async () => {
  let result: "SUCCESS" | "FAILED" = "SUCCESS";
  const t = await setup({ faults: [{ match: { path: "jobs/run-now" }, after: true }], runResult: () => result });
  try {
    const steps = seedSteps(t.ref, {}, { smokeRun: { timeoutMinutes: 30 } });
    const first = await deploy(t.provider(), steps.all, t.clock);
    assert.equal(first.status, "ok", first.error);
    assert.equal(t.dbx.requests.filter((r) => r.path.endsWith("jobs/run-now")).length, 2, "asked again after the dropped connection");
    assert.equal(t.ws.runs().length, 1, "one run: the token made the repeat the same run");
    const done = first.events.find((e) => e.type === "step" && e.state === "done" && e.id === steps.job.id);
    assert.match(done && done.type === "step" ? (done.message ?? "") : "", /created; smoke run \d+ started; job \d+; smoke run \d+ SUCCESS \(https:\/\/127\.0\.0\.1:\d+\/ws\/1111222233334444.*\)/);

    const unchanged = await deploy(t.provider(), steps.all, t.clock, "r2");
    assert.equal(unchanged.status, "ok", unchanged.error);
    assert.equal(t.ws.runs().length, 1, "no smoke run when the job did not change");

    result = "FAILED";
    const changed = seedSteps(t.ref, {}, { smokeRun: { timeoutMinutes: 30 }, settings: { max_concurrent_runs: 2 } });
    const failed = await deploy(t.provider(), changed.all, t.clock, "r3");
    assert.equal(failed.status, "failed");
    const event = failed.events.find((e) => e.type === "step" && e.state === "failed");
    assert.ok(event && event.type === "step");
    assert.equal(event.id, changed.job.id);
    assert.equal(event.reason, "SmokeRunFailed");
    assert.match(event.message ?? "", /smoke run \d+ of job nightly ended FAILED.*\(https:\/\/127\.0\.0\.1:\d+\/ws\//);
    assert.ok((event.lines ?? []).some((l) => /^run page: https:/.test(l)), (event.lines ?? []).join("\n"));
    assert.equal(t.ws.runs().length, 2);
  } finally {
    await t.close();
  }
});

test("a spec going A→B→A starts a new smoke run for the second A (its own result), not the first A's again", async () => {
  let result: "SUCCESS" | "FAILED" = "SUCCESS";
  const t = await setup({ runResult: () => result });
  try {
    const a = seedSteps(t.ref, {}, { smokeRun: { timeoutMinutes: 30 } });
    const b = seedSteps(t.ref, {}, { smokeRun: { timeoutMinutes: 30 }, settings: { max_concurrent_runs: 2 } });
    assert.equal((await deploy(t.provider(), a.all, t.clock)).status, "ok");
    assert.equal((await deploy(t.provider(), b.all, t.clock, "r2")).status, "ok");
    result = "FAILED";
    const again = await deploy(t.provider(), a.all, t.clock, "r3");
    assert.equal(t.ws.runs().length, 3, "one run per write");
    assert.equal(again.status, "failed", "the second A's own run failed; the first A's SUCCESS is not reported");
  } finally {
    await t.close();
  }
});

test("INVALID_STATE is waited out only within its bound (15 minutes): a cluster that never settles fails the edit naming the request and Databricks' error", async () => {
  const t = await setup();
  try {
    const provider = t.provider();
    const first = step(clusterOf(t.ref, {}, { state: "running" }));
    assert.equal((await deploy(provider, [first], t.clock)).status, "ok");
    t.dbx.addFault({ match: { path: "clusters/edit" }, status: 400, code: "INVALID_STATE", message: "Cluster is in unexpected state Restarting.", times: 10_000 });
    const edited = step(clusterOf(t.ref, { autotermination_minutes: 45 }, { state: "running" }));
    const started = t.clock.now();
    await assert.rejects(provider.run(edited, await provider.inspect(edited), { note: () => {}, deadline: started + 60 * 60_000 }, new AbortController().signal), (e: Error) => {
      assert.match(e.message, /^edit cluster etl \(POST \/api\/2\.1\/clusters\/edit, workspace main\): 400 INVALID_STATE: Cluster is in unexpected state Restarting\.$/);
      return true;
    });
    const waited = t.clock.now() - started;
    // The last try starts within the bound; the wait before it is at most one backoff (10 s).
    assert.ok(waited >= 14 * 60_000 && waited <= 15 * 60_000 + 10_000, `gave up after ${waited} ms`);
  } finally {
    await t.close();
  }
});

test("OAuth M2M (secret from the vault, Basic auth) and workload identity federation (the JWT of tokenFile exchanged) sign in at the workspace's /oidc/v1/token", async () => {
  const { mkdtemp, writeFile, rm } = await import("node:fs/promises");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const app = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
  const canary = "m2m-secret-canary-2b8e";
  const t = await setup({ servicePrincipals: [{ applicationId: app, secret: canary, federationPolicies: [{ issuer: "https://token.actions.githubusercontent.com", subject: "repo:acme/data:environment:dev" }] }] });
  const dir = await mkdtemp(join(tmpdir(), "berth-wif-"));
  try {
    const jwt = (sub: string) => ["e30", Buffer.from(JSON.stringify({ iss: "https://token.actions.githubusercontent.com", sub, aud: "databricks" })).toString("base64url"), "c2ln"].join(".");
    const tokenFile = join(dir, "token");
    await writeFile(tokenFile, jwt("repo:acme/data:environment:dev"));
    const provider = new DatabricksProvider({ instance: INSTANCE, clock: t.clock, httpClient: trustingHttpClient(t.dbx), azureAccess: vaultAccess(new Map([["m2m-secret", { value: canary }]])) });
    const m2m: DatabricksWorkspaceRef = { name: "main", url: t.ws.url, auth: { type: "oauthM2M", clientId: app, clientSecret: { vaultId: VAULT, secret: "m2m-secret" } } };
    const wif: DatabricksWorkspaceRef = { name: "main", url: t.ws.url, auth: { type: "workloadIdentity", clientId: app, tokenFile } };
    assert.deepEqual(await provider.preflightProblems([step(clusterOf(m2m))]), []);
    assert.deepEqual(await provider.preflightProblems([step(clusterOf(wif))]), []);
    const tokenCalls = t.dbx.requests.filter((r) => r.path === "/oidc/v1/token");
    assert.deepEqual(tokenCalls.map((r) => r.status), [200, 200]);
    assert.equal((await deploy(provider, [step(clusterOf(m2m, {}, { state: "running" }))], t.clock)).status, "ok");
    assert.equal(t.ws.clusters()[0]!.creator_user_name, app);

    await writeFile(tokenFile, jwt("repo:acme/data:environment:prod"));
    const refused = await new DatabricksProvider({ instance: INSTANCE, clock: t.clock, httpClient: trustingHttpClient(t.dbx), env: {} }).preflightProblems([step(clusterOf(wif))]);
    assert.equal(refused[0]?.code, "DatabricksSignInFailed");
    assert.match(refused[0]!.message, /auth workloadIdentity: .*400 invalid_grant/);
    assert.match(refused[0]!.hint ?? "", /federation policy/);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await t.close();
  }
});
