/**
 * issue 10, plan/idempotence/drift/prune/down for Azure, on an Azure-only platform (no `kubernetes:` section, so no
 * Kubernetes connection at all and the lock and history in the state folder): an unregistered resource provider is
 * registered by its plan step before anything of its namespace is made; a drifted field shows in the plan and
 * is put back; a resource that left the spec is kept while it holds data and deleted when that is asked; `down` keeps
 * data unless asked, and a deleted vault is soft-deleted (its name held), never purged by default.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { down } from "../../src/deploy/down.ts";
import { connect } from "../../src/deploy/target.ts";
import type { DeployTarget } from "../../src/deploy/target.ts";
import { inspectPlan } from "../../src/deploy/inspect.ts";
import { up } from "../../src/deploy/up.ts";
import { planFor } from "../../src/index.ts";
import type { Plan } from "../../src/plan/step.ts";
import { startAzureApiServer } from "../support/azure-api-server/index.ts";
import { azureProviderFor } from "../support/azure-api-server/testing.ts";
import type { AzureApiServer } from "../support/azure-api-server/types.ts";
import { tempDir } from "../support/cli.ts";
import { VirtualClock } from "../support/clock.ts";
import { azureSets } from "../support/deploy.ts";

const SPEC = "test/fixtures/azure-only";
const VAULTS = "Microsoft.KeyVault/vaults";
const REGISTRIES = "Microsoft.ContainerRegistry/registries";

describe("Azure-only platform: drift, prune and down", () => {
  let azure: AzureApiServer;
  let target: DeployTarget;
  const clock = new VirtualClock();
  const planWith = (...set: string[]): Plan => {
    const r = planFor({ path: SPEC, env: "dev", set: [...azureSets(azure), ...set] });
    assert.ok(r.plan, JSON.stringify(r.diagnostics));
    return r.plan;
  };
  const run = (plan: Plan, pruneData = false) => up(plan, target, { onEvent: () => {}, command: "berth up test/fixtures/azure-only --env dev", pruneData });

  before(async () => {
    azure = await startAzureApiServer({ clock, retryAfterSeconds: 5, unregisteredProviders: ["Microsoft.ContainerRegistry"] });
    const plan = planWith();
    const provider = azureProviderFor(azure, plan.instance, clock);
    // No kubeconfig anywhere: any attempt to reach Kubernetes would fail the run.
    target = { stateDir: join(tempDir("berth-azure-only-"), "state"), kubeconfig: "/nonexistent/kubeconfig", clock, providers: { azure: provider } };
  });
  after(() => azure.close());

  test("up provisions with no Kubernetes connection; a drifted field is shown and put back; then nothing to write", async () => {
    const plan = planWith();
    assert.equal(connect(plan, target).kubernetes, undefined, "no Kubernetes provider for an Azure-only plan");
    assert.equal((await run(plan)).status, "ok");
    // The subscription had Microsoft.ContainerRegistry unregistered: its registration step came before the registry.
    const writes = azure.requests.filter((r) => r.write).map((r) => `${r.method} ${r.path}`);
    const registered = writes.findIndex((w) => /^POST .*\/providers\/Microsoft\.ContainerRegistry\/register$/i.test(w));
    assert.ok(registered >= 0 && registered < writes.findIndex((w) => /^PUT .*\/registries\//i.test(w)), writes.join("\n"));
    const vault = azure.resources(VAULTS)[0]!;
    azure.seed({ ...vault, properties: { ...(vault.properties as object), softDeleteRetentionInDays: 30 } });
    const inspection = await inspectPlan(plan, connect(plan, target));
    const changes = inspection.live.get(plan.steps.find((s) => s.id.includes(VAULTS))!.id)!.changes;
    assert.deepEqual(changes.map((c) => [c.field, c.from, c.to]), [["properties.softDeleteRetentionInDays", 30, 7]]);
    assert.equal((await run(plan)).status, "ok");
    assert.equal((azure.resources(VAULTS)[0]!.properties as { softDeleteRetentionInDays: number }).softDeleteRetentionInDays, 7);
    const mark = azure.writes();
    assert.equal((await run(plan)).status, "ok");
    assert.equal(azure.writes(), mark, "in sync: no ARM write");
  });

  test("a registry that left the spec is kept (it holds data) until pruning data is asked", async () => {
    const smaller = planWith("azure.registries.main=null", "azure.identities.ci.roles=[]");
    const kept = await run(smaller);
    assert.equal(kept.status, "ok");
    assert.deepEqual(kept.inspection!.keptData.map((r) => `${r.kind} ${r.name}`), [`${REGISTRIES} shareddevmain`]);
    assert.equal(azure.resources(REGISTRIES).length, 1);
    const pruned = await run(smaller, true);
    assert.equal(pruned.status, "ok", pruned.error);
    assert.deepEqual(pruned.inspection!.prunedData.map((d) => `${d.ref.kind} ${d.ref.name}`), [`${REGISTRIES} shareddevmain`]);
    assert.equal(azure.resources(REGISTRIES).length, 0);
  });

  test("down keeps data unless asked; with data, the vault is soft-deleted and its name held, not purged", async () => {
    const plan = planWith("azure.registries.main=null", "azure.identities.ci.roles=[]");
    const keep = await down(plan, target, { onEvent: () => {}, command: "berth down", deleteData: false });
    assert.equal(keep.status, "ok", keep.error);
    assert.deepEqual(azure.resources("Microsoft.ManagedIdentity/userAssignedIdentities"), [], "the identity holds no data: deleted");
    assert.equal(azure.resources(VAULTS).length, 1, "the vault holds data: kept");
    const all = await down(plan, target, { onEvent: () => {}, command: "berth down", deleteData: true });
    assert.equal(all.status, "ok", all.error);
    assert.deepEqual(azure.resources().map((r) => r.id), []);
    assert.deepEqual(azure.deletedVaults().map((v) => v.name), ["shared-dev-main"], "soft-deleted: recoverable, name held");
  });
});
