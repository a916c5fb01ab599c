/**
 * examples/databricks-devops planned without any remote service: seed 001's order (init scripts and the scope,
 * clusters, notebooks, the job, permissions, clusters stopped last), references resolved by spec name into output
 * tokens, and what each environment changes. The dev plan is a reviewed golden; qa and prod are asserted on what
 * differs, so the golden stays one environment.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { planText } from "../../src/cli/render-plan.ts";
import { planFor } from "../../src/index.ts";
import type { Plan, PlanStep } from "../../src/plan/step.ts";
import type { DatabricksResource, JobResource } from "../../src/resources/databricks-resource.ts";
import { assertGolden } from "../support/golden.ts";

const EXAMPLE = "examples/databricks-devops";

const planOf = (env: string): Plan => {
  const r = planFor({ path: EXAMPLE, env });
  assert.ok(r.ok && r.plan, JSON.stringify(r.diagnostics, null, 2));
  assert.deepEqual(r.diagnostics, [], "the example builds clean");
  return r.plan;
};

const databricks = (plan: Plan): (PlanStep & { action: { type: "deploy"; resource: DatabricksResource } })[] =>
  plan.steps.filter((s): s is PlanStep & { action: { type: "deploy"; resource: DatabricksResource } } => s.action.type === "deploy");

const find = (plan: Plan, kind: string, key: string) => {
  const s = databricks(plan).find((x) => x.action.resource.kind === kind && x.action.resource.key === key);
  assert.ok(s, `${kind} ${key} is planned`);
  return s;
};

/** Every step whose id is in `needs` of `step`, followed transitively. */
const before = (plan: Plan, step: PlanStep): Set<string> => {
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const walk = (id: string) => {
    for (const n of byId.get(id)?.needs ?? []) if (!seen.has(n)) (seen.add(n), walk(n));
  };
  walk(step.id);
  return seen;
};

describe("databricks plan (examples/databricks-devops)", () => {
  it("dev: the order and references of seed 001, as reviewed", () => {
    const plan = planOf("dev");
    assertGolden(join("test/acceptance/databricks", "plan-dev.txt"), `${planText(plan, undefined)}\n`);
  });

  it("orders every artifact after what it uses: the workspace, the vault secrets of the sign-in, scripts, clusters, notebooks", () => {
    const plan = planOf("dev");
    const workspace = plan.steps.find((s) => s.action.type === "ensure" && s.action.resource.type === "Microsoft.Databricks/workspaces")!;
    const signIn = plan.steps.filter((s) => s.action.type === "ensure" && s.action.resource.type === "Microsoft.KeyVault/vaults/secrets").map((s) => s.id);
    assert.equal(signIn.length, 3, "tenant id, client id and client secret are planned as provided vault secrets");
    for (const s of databricks(plan)) {
      const earlier = before(plan, s);
      assert.ok(earlier.has(workspace.id), `${s.title} follows the workspace`);
      for (const id of signIn) assert.ok(earlier.has(id), `${s.title} follows ${id}`);
    }
    const etl = find(plan, "cluster", "etl");
    for (const script of ["install-libraries", "configure-logging"]) assert.ok(before(plan, etl).has(find(plan, "initScript", script).id));
    const job = find(plan, "job", "nightly");
    assert.ok(before(plan, job).has(etl.id) && before(plan, job).has(find(plan, "notebooks", "myproject").id));
    const stop = find(plan, "clusterState", "etl");
    assert.ok(before(plan, stop).has(job.id) && before(plan, stop).has(find(plan, "permissions", "clusters.etl").id), "etl is stopped after the job and the permissions on it");
  });

  it("a task names its cluster and notebook by spec name: the cluster's id is an output token, the notebook a workspace path", () => {
    const job = find(planOf("dev"), "job", "nightly").action.resource as JobResource;
    const tasks = job.settings.tasks as { existing_cluster_id: string; notebook_task: { notebook_path: string } }[];
    assert.deepEqual(
      tasks.map((t) => [t.existing_cluster_id, t.notebook_task.notebook_path]),
      [
        ["((berth.output databricks:cluster:databricks:etl cluster_id))", "/Shared/MyProject/01-ingest"],
        ["((berth.output databricks:cluster:databricks:etl cluster_id))", "/Shared/MyProject/02-aggregate"],
      ],
    );
  });

  it("qa and prod: their own workspace, vault and names; prod's schedule runs and its cluster autoscales", () => {
    const [dev, qa, prod] = ["dev", "qa", "prod"].map(planOf) as [Plan, Plan, Plan];
    const ws = (p: Plan) => (find(p, "cluster", "etl").action.resource.workspace.resourceId ?? "").split("/").pop();
    assert.deepEqual([dev, qa, prod].map(ws), ["myproject-databricks-dev", "myproject-databricks-qa", "myproject-databricks-prod"]);
    const vault = (p: Plan) => {
      const auth = find(p, "cluster", "etl").action.resource.workspace.auth;
      assert.equal(auth.type, "servicePrincipal");
      return auth.type === "servicePrincipal" ? auth.clientSecret.vaultId.split("/").pop() : "";
    };
    assert.deepEqual([dev, qa, prod].map(vault), ["myproject-kv-dev", "myproject-kv-qa", "myproject-kv-prod"]);
    const job = (p: Plan) => find(p, "job", "nightly").action.resource as JobResource;
    assert.deepEqual([dev, qa, prod].map((p) => [job(p).settings.name, (job(p).settings.schedule as { pause_status: string }).pause_status]), [["dev-nightly", "PAUSED"], ["nightly", "PAUSED"], ["nightly", "UNPAUSED"]]);
    const body = (p: Plan) => (find(p, "cluster", "etl").action.resource as { body: Record<string, unknown> }).body;
    assert.deepEqual([body(dev).num_workers, body(qa).num_workers, body(prod).autoscale, "num_workers" in body(prod)], [1, 2, { min_workers: 2, max_workers: 8 }, false]);
  });
});
