import assert from "node:assert/strict";
import { test } from "node:test";
import { planFor } from "../index.ts";
import { deletionSteps } from "./delete-plan.ts";
import { criticalPath, directNeeds, findCycle } from "./graph.ts";
import { LABEL } from "../resources/labels.ts";
import type { PlanStep } from "./step.ts";

const datalyptica = () => {
  const r = planFor({ path: "examples/datalyptica", env: "dev" });
  assert.ok(r.plan, JSON.stringify(r.diagnostics));
  return r.plan;
};
const K = {
  ns: "kubernetes:v1/Namespace:_cluster:datalyptica-core",
  pg: "kubernetes:apps/v1/StatefulSet:datalyptica-core:postgresql",
  pgSa: "kubernetes:v1/ServiceAccount:datalyptica-core:postgresql",
  pgSecret: "kubernetes:v1/Secret:datalyptica-core:postgresql-admin",
  nessie: "kubernetes:apps/v1/Deployment:datalyptica-core:nessie",
};

test("plan: ordering rules and connections give each step its needs and wave", () => {
  const plan = datalyptica();
  const step = (id: string) => plan.steps.find((s) => s.id === id) ?? assert.fail(`no step ${id}`);
  assert.equal(step(K.ns).wave, 0);
  for (const s of plan.steps) {
    const ns = s.action.type === "apply" ? s.action.object.metadata.namespace : undefined;
    if (ns) assert.ok(s.needs.includes(`kubernetes:v1/Namespace:_cluster:${ns}`), `${s.id} needs its namespace`);
    for (const n of s.needs) assert.ok(step(n).wave < s.wave, `${s.id} (wave ${s.wave}) after ${n} (wave ${step(n).wave})`);
  }
  assert.ok(step(K.pg).needs.includes(K.pgSa), "pods start with their ServiceAccount");
  assert.ok(step(K.pg).needs.includes(K.pgSecret), "and with the secrets berth generates");
  const setupJob = plan.steps.find((s) => s.id.startsWith("kubernetes:batch/v1/Job:datalyptica-core:postgresql-setup-"))!;
  assert.ok(step(K.nessie).needs.includes(setupJob.id), "nessie waits for its database to be set up");
  assert.deepEqual(step(K.pgSecret).action, { type: "generate-secret", ref: { apiVersion: "v1", kind: "Secret", namespace: "datalyptica-core", name: "postgresql-admin" }, keys: ["password"], length: 32 });
  const verify = plan.steps.at(-1)!;
  assert.equal(verify.id, "verify");
  assert.equal(verify.needs.length, plan.steps.length - 1);
  for (const s of plan.steps) if (s.action.type === "apply") assert.equal(s.action.object.metadata.labels?.[LABEL.instance], "datalyptica.dev");
});

test("plan: a generated secret read in another namespace is copied there after the owner's is made", () => {
  const plan = datalyptica();
  const copies = plan.steps.filter((s) => s.action.type === "generate-secret" && s.action.copyFrom);
  assert.ok(copies.length > 0);
  for (const c of copies) {
    const a = c.action as Extract<PlanStep["action"], { type: "generate-secret" }>;
    assert.ok(c.needs.includes(`kubernetes:v1/Secret:${a.copyFrom}:${a.ref.name}`));
  }
});

test("plan: declared secrets become checks in each namespace that reads them (and a vault-backed one does not)", () => {
  const r = planFor({ path: "examples/mlops-qna", env: "dev" });
  const checks = r.plan!.steps.filter((s) => s.action.type === "require-secret");
  const declared = checks.find((s) => s.id.endsWith(":mlops-secrets")) ?? assert.fail(checks.map((s) => s.id).join());
  const readers = r.plan!.steps.filter((s) => s.action.type === "apply" && JSON.stringify(s.action.object).includes('"name":"mlops-secrets"') && s.action.object.kind !== "NetworkPolicy");
  // datasurface-airflow keeps its declared secrets in its vault: the cluster is not asked for them.
  assert.deepEqual(planFor({ path: "examples/datasurface-airflow", env: "dev" }).plan!.steps.filter((s) => s.action.type === "require-secret").map((s) => s.id), []);
  assert.ok(readers.length > 0);
  for (const reader of readers) assert.ok(reader.needs.includes(declared.id), `${reader.id} waits for the check`);
});

test("graph: a cycle is printed in full; the critical path is the longest chain", () => {
  assert.deepEqual(findCycle([{ id: "a", needs: ["b"] }, { id: "b", needs: ["c"] }, { id: "c", needs: ["a"] }]), ["a", "b", "c", "a"]);
  assert.deepEqual(findCycle([{ id: "a", needs: ["a"] }]), ["a", "a"]);
  assert.equal(findCycle([{ id: "a", needs: [] }, { id: "b", needs: ["a"] }]), undefined);
  const nodes = [{ id: "a", needs: [] }, { id: "b", needs: ["a"] }, { id: "c", needs: ["a"] }, { id: "d", needs: ["b", "c"] }];
  const cp = criticalPath(nodes, (id) => ({ a: 1, b: 5, c: 2, d: 1 })[id]!);
  assert.deepEqual(cp, { ms: 7, path: ["a", "b", "d"] });
  assert.deepEqual(directNeeds([{ id: "a", needs: [] }, { id: "b", needs: ["a"] }, { id: "c", needs: ["a", "b"] }]).get("c"), ["b"]);
});

test("delete plan: workloads go before their config, everything before its namespace", () => {
  const steps = deletionSteps(
    [
      { apiVersion: "v1", kind: "Namespace", name: "ns" },
      { apiVersion: "v1", kind: "ConfigMap", namespace: "ns", name: "cfg" },
      { apiVersion: "apps/v1", kind: "Deployment", namespace: "ns", name: "web" },
      { apiVersion: "v1", kind: "ConfigMap", namespace: "other", name: "cfg" },
    ],
    ["verify"],
  );
  const byTitle = new Map(steps.map((s) => [s.title, s]));
  const ids = (t: string) => byTitle.get(t)!.needs;
  assert.ok(ids("delete Namespace ns").includes("delete:kubernetes:apps/v1/Deployment:ns:web"));
  assert.ok(ids("delete Namespace ns").includes("delete:kubernetes:v1/ConfigMap:ns:cfg"));
  assert.ok(ids("delete ConfigMap ns/cfg").includes("delete:kubernetes:apps/v1/Deployment:ns:web"));
  assert.ok(!ids("delete ConfigMap other/cfg").includes("delete:kubernetes:apps/v1/Deployment:ns:web"), "other namespaces are not held up");
  for (const s of steps) assert.ok(s.needs.includes("verify"));
});
