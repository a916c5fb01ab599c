import assert from "node:assert/strict";
import { test } from "node:test";
import type { ClusterResource, JobResource } from "../../../resources/databricks-resource.ts";
import { DATABRICKS_TAG } from "../../../resources/databricks-resource.ts";
import { clusterBody, clusterDifferences, clusterDigest, clusterVerdict, needsEdit } from "./cluster.ts";
import { digestOf, splitDrift, subsetChanges } from "./compare.ts";
import { identify } from "./identity.ts";
import { jobDifferences, jobSettings, smokeRunToken } from "./job.ts";

const WS = { name: "main", url: "https://adb-1.azuredatabricks.net", auth: { type: "azure" as const } };
const INSTANCE = "seed.dev";

const cluster = (body: Record<string, unknown>, more: Partial<ClusterResource> = {}): ClusterResource => ({ kind: "cluster", key: "etl", workspace: WS, body, state: "running", ...more });

/** What clusters/get answers for a cluster created with `sent`: the spec as given plus Databricks' additions. */
const asServerShows = (sent: Record<string, any>) => ({
  ...sent,
  cluster_id: "0101-000000-abcdefgh",
  driver_node_type_id: sent.node_type_id,
  num_workers: sent.num_workers ?? 0,
  autotermination_minutes: String(sent.autotermination_minutes ?? 0),
  azure_attributes: { first_on_demand: 1, availability: "ON_DEMAND_AZURE", spot_bid_max_price: -1, ...sent.azure_attributes },
  enable_elastic_disk: true,
  disk_spec: {},
  cluster_source: "API",
  default_tags: { Vendor: "Databricks", Creator: "me@example.com", ClusterName: sent.cluster_name, ClusterId: "0101-000000-abcdefgh" },
  custom_tags: { ...sent.custom_tags },
  state: "RUNNING",
});

const BODY = { cluster_name: "etl", spark_version: "15.4.x-scala2.12", node_type_id: "Standard_DS3_v2", num_workers: 2, autotermination_minutes: 60, spark_conf: { "spark.sql.shuffle.partitions": "8" }, custom_tags: { team: "data" }, azure_attributes: { availability: "ON_DEMAND_AZURE" } };

test("a cluster as the server shows it (defaults, default_tags, numbers as strings) is no difference from its spec", () => {
  const r = cluster(BODY);
  const live = asServerShows(clusterBody(r, INSTANCE, false));
  assert.deepEqual(clusterDifferences(r, live, INSTANCE, false), []);
  assert.equal(live.custom_tags[DATABRICKS_TAG.digest], clusterDigest(r), "the digest of what berth wrote travels in custom_tags");
});

test("differences name the field, from live, to the spec; the spec's tags and berth.* tags count, a policy's extra tags and Databricks' default_tags do not", () => {
  const r = cluster({ ...BODY, spark_conf: { "spark.sql.shuffle.partitions": "16" }, custom_tags: { team: "data" } });
  const live = asServerShows(clusterBody(cluster({ ...BODY, custom_tags: { team: "data" } }), INSTANCE, false));
  live.custom_tags.CostCenter = "4711"; // added by a cluster policy
  live.custom_tags["berth.stray"] = "x";
  assert.deepEqual(clusterDifferences(r, live, INSTANCE, false), [
    { field: "spark_conf.spark.sql.shuffle.partitions", from: "8", to: "16" },
    { field: "custom_tags.berth.stray", from: "x" },
  ]);
  live.custom_tags.team = "ops";
  assert.deepEqual(clusterDifferences(cluster({ ...BODY, custom_tags: { team: "data" } }), live, INSTANCE, false).map((c) => c.field), ["custom_tags.berth.stray", "custom_tags.team"]);
});

test("a worker-count change alone needs no edit (resize, no restart); anything else does", () => {
  assert.equal(needsEdit(["num_workers"]), false);
  assert.equal(needsEdit(["autoscale.max_workers", "state"]), false);
  assert.equal(needsEdit(["num_workers", "spark_conf.x"]), true);
  assert.equal(needsEdit(["custom_tags.berth.key"]), true);
  assert.equal(clusterDigest(cluster({ ...BODY, num_workers: 8 })), clusterDigest(cluster(BODY)), "the digest leaves the worker count out, so a resize needs no re-tag");
});

test("drift: differences while the spec's digest is the one berth wrote are remote edits; berth's tags and worker counts stay changes", () => {
  const diffs = [{ field: "spark_conf.a", from: "1", to: "2" }, { field: "num_workers", from: 3, to: 2 }];
  assert.deepEqual(splitDrift(diffs, "d1", "d1", (f) => f === "num_workers"), { changes: [diffs[1]], drift: [diffs[0]] });
  assert.deepEqual(splitDrift(diffs, "d0", "d1"), { changes: diffs, drift: [] }, "the spec changed since: all of it is the spec's");
  assert.deepEqual(splitDrift(diffs, undefined, "d1"), { changes: diffs, drift: [] }, "never written by berth (adopted): the spec's");
});

test("subset comparison: arrays by element, a different length as one change, missing objects as one change", () => {
  assert.deepEqual(subsetChanges({ init_scripts: [{ workspace: { destination: "/a.sh" } }] }, { init_scripts: [{ workspace: { destination: "/b.sh" } }] }), [{ field: "init_scripts[0].workspace.destination", from: "/b.sh", to: "/a.sh" }]);
  assert.deepEqual(subsetChanges({ init_scripts: [1, 2] }, { init_scripts: [1] }), [{ field: "init_scripts", from: [1], to: [1, 2] }]);
  assert.deepEqual(subsetChanges({ a: { b: 1 } }, {}), [{ field: "a", to: { b: 1 } }]);
  assert.deepEqual(subsetChanges({ a: 1, b: "true" }, { a: "1", b: true, c: 5 }), []);
});

test("digests ignore key order", () => {
  assert.equal(digestOf({ a: 1, b: { c: 2, d: 3 } }), digestOf({ b: { d: 3, c: 2 }, a: 1 }));
  assert.notEqual(digestOf({ a: 1 }), digestOf({ a: 2 }));
});

const job = (settings: Record<string, unknown>, more: Partial<JobResource> = {}): JobResource => ({ kind: "job", key: "nightly", workspace: WS, settings, ...more });
const SETTINGS = {
  name: "nightly",
  tasks: [
    { task_key: "b", depends_on: [{ task_key: "a" }], notebook_task: { notebook_path: "/Shared/etl/b" }, existing_cluster_id: "0101-000000-abcdefgh" },
    { task_key: "a", notebook_task: { notebook_path: "/Shared/etl/a" }, existing_cluster_id: "0101-000000-abcdefgh" },
  ],
  schedule: { quartz_cron_expression: "0 0 2 * * ?", timezone_id: "UTC", pause_status: "PAUSED" },
};

test("a job as the server shows it (defaults filled in, tasks in its own order) is no difference; a rename is one", () => {
  const r = job(SETTINGS);
  const sent = jobSettings(r, INSTANCE, false);
  const shown = {
    ...sent,
    email_notifications: {},
    webhook_notifications: {},
    timeout_seconds: 0,
    max_concurrent_runs: 1,
    format: "MULTI_TASK",
    run_as: { user_name: "me@example.com" },
    tasks: [...SETTINGS.tasks].reverse().map((t) => ({ ...t, timeout_seconds: 0, email_notifications: {}, run_if: "ALL_SUCCESS", notebook_task: { ...t.notebook_task, source: "WORKSPACE" } })),
  };
  assert.deepEqual(jobDifferences(r, shown, INSTANCE, false), []);
  assert.deepEqual(jobDifferences(job({ ...SETTINGS, name: "nightly-etl" }), shown, INSTANCE, false), [{ field: "name", from: "nightly", to: "nightly-etl" }]);
  const spelledOut = job({ ...SETTINGS, timeout_seconds: 0, tasks: SETTINGS.tasks.map((t) => ({ ...t, run_if: "ALL_SUCCESS" })) });
  const bare = { name: "nightly", tags: sent.tags, schedule: SETTINGS.schedule, tasks: SETTINGS.tasks };
  assert.deepEqual(jobDifferences(spelledOut, bare, INSTANCE, false), [], "a default spelled out in the spec matches a GET that leaves it out");
});

test("the smoke run's idempotency token is stable for a job and intent, different for another, and fits Databricks' 64 characters", () => {
  assert.equal(smokeRunToken("42", "digest-a"), smokeRunToken("42", "digest-a"));
  assert.notEqual(smokeRunToken("42", "digest-a"), smokeRunToken("42", "digest-b"));
  assert.notEqual(smokeRunToken("42", "digest-a"), smokeRunToken("43", "digest-a"));
  assert.ok(smokeRunToken("42", "x").length <= 64);
});

const tagged = (id: string, key: string, instance = INSTANCE, name = "etl", more: Record<string, string> = {}) => ({ id, name, tags: { [DATABRICKS_TAG.instance]: instance, [DATABRICKS_TAG.key]: key, ...more } });
const untagged = (id: string, name: string) => ({ id, name, tags: {} });
const query = { instance: INSTANCE, key: "etl", name: "etl", adopt: false, noun: "cluster" };

test("identity: by tag first (a renamedFrom key too), else exact name — adoptable only with --adopt, never when ambiguous", () => {
  assert.equal(identify([untagged("1", "etl"), tagged("2", "etl")], query).kind, "ours", "the tagged one, even beside an untagged namesake");
  const renamed = identify([tagged("3", "old-etl", INSTANCE, "old")], { ...query, renamedFrom: ["old-etl"] });
  assert.equal(renamed.kind === "ours" && renamed.renamedFrom, "old-etl");
  const twoTagged = identify([tagged("4", "etl"), tagged("5", "old-etl")], { ...query, renamedFrom: ["old-etl"] });
  assert.equal(twoTagged.kind, "foreign");
  assert.match(twoTagged.kind === "foreign" ? twoTagged.owner : "", /ambiguous: 2 clusters carry berth's tags for etl \(ids 4, 5\)/);
  const plain = identify([untagged("6", "etl")], query);
  assert.equal(plain.kind, "foreign");
  assert.match(plain.kind === "foreign" ? plain.owner : "", /not created by berth \(cluster 6, named "etl"\); --adopt takes it over/);
  assert.equal(identify([untagged("6", "etl")], { ...query, adopt: true }).kind, "adoptable");
  const twoNamed = identify([untagged("7", "etl"), untagged("8", "etl")], { ...query, adopt: true, noun: "job" });
  assert.match(twoNamed.kind === "foreign" ? twoNamed.owner : "", /ambiguous: 2 jobs are named "etl" \(ids 7, 8\)/);
  assert.equal(identify([untagged("9", "ETL")], { ...query, adopt: true }).kind, "absent", "names match exactly");
  const other = identify([tagged("10", "etl", "seed.qa")], { ...query, adopt: true });
  assert.match(other.kind === "foreign" ? other.owner : "", /berth instance seed\.qa's/);
  assert.equal(identify([tagged("11", "other-key")], query).kind, "absent", "one of ours under another key is not taken by name");
});

test("verdicts: RUNNING ready; a failed start names its termination reason; a cluster wanted terminated is ready TERMINATED unless its start here failed", () => {
  const failedStart = { state: "TERMINATED", state_message: "", termination_reason: { code: "INIT_SCRIPT_FAILURE", type: "CLIENT_ERROR", parameters: { databricks_error_message: "script exit status is non-zero" } } };
  assert.equal(clusterVerdict({ key: "etl", state: "running" }, { state: "RUNNING" }, true).ok, true);
  const v = clusterVerdict({ key: "etl", state: "terminated" }, failedStart, true);
  assert.equal(v.done && !v.ok && v.reason, "INIT_SCRIPT_FAILURE");
  assert.match(v.message, /INIT_SCRIPT_FAILURE \(CLIENT_ERROR\): databricks_error_message=script exit status is non-zero/);
  assert.equal(clusterVerdict({ key: "etl", state: "terminated" }, failedStart, false).ok, true, "an old failure of a stopped cluster berth did not start");
  assert.equal(clusterVerdict({ key: "etl", state: "terminated" }, { state: "TERMINATED", termination_reason: { code: "USER_REQUEST", type: "SUCCESS" } }, true).ok, true);
  assert.equal(clusterVerdict({ key: "etl", state: "running" }, { state: "PENDING", state_message: "Starting" }, true).message, "PENDING: Starting");
});
