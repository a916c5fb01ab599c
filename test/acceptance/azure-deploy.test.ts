/**
 * issue 10, done-when: `berth up` of a spec with an Azure side against the Azure and Kubernetes test servers provisions
 * every resource, then deploys the cluster part into the AKS cluster it just created (connected through ARM, no
 * kubeconfig given), with federated credentials matching the cluster's issuer and each ServiceAccount exactly; a
 * second `up` makes no ARM write; `down` removes everything in reverse order. One virtual clock drives the engine and
 * both servers, so a 5-minute AKS create costs no real time.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { down } from "../../src/deploy/down.ts";
import { status } from "../../src/deploy/status.ts";
import { up } from "../../src/deploy/up.ts";
import { seedUserSecrets } from "../support/deploy.ts";
import { type AzureWorld as World, azureWorld } from "../support/azure-world.ts";

const SPEC = "test/fixtures/azure";
const FIC = "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials";

/** Entra replicates a new principal in 20 s: the role assignments of the identities berth makes wait for it. */
const world = (): Promise<World> => azureWorld(SPEC, "dev", { principalReplicationMs: 20_000 });

describe("berth up with Azure: provision, then deploy into the cluster it created", () => {
  let w: World;
  before(async () => {
    w = await world();
    seedUserSecrets(w.kube, w.plan, "canary-user-secret");
  });
  after(async () => w.close());

  test("up provisions every Azure resource and deploys the cluster part through the AKS credential", async () => {
    const result = await w.up();
    assert.equal(result.status, "ok", `${result.error}\n${JSON.stringify(result.blockers ?? [], null, 2)}`);
    // Every resource (registrations are the subscription's state, not resources: their steps are checked by the engine).
    for (const step of w.plan.steps.filter((s) => s.action.type === "ensure" && s.action.resource.type !== "Microsoft.Resources/providers")) {
      const r = step.action.type === "ensure" ? step.action.resource : undefined;
      assert.ok(r && w.azure.resource(r.id), `missing in Azure: ${r?.id}`);
    }
    const cluster = w.azure.resources("Microsoft.ContainerService/managedClusters")[0]!;
    const issuer = String((cluster.properties as { oidcIssuerProfile: { issuerURL: string } }).oidcIssuerProfile.issuerURL);
    const identity = w.azure.resources("Microsoft.ManagedIdentity/userAssignedIdentities")[0]!;
    const clientId = String((identity.properties as { clientId: string }).clientId);
    const accounts = w.kube.list("v1", "ServiceAccount").filter((sa) => sa.metadata.annotations?.["azure.workload.identity/client-id"]);
    assert.ok(accounts.length > 0, "no ServiceAccount uses the identity");
    const credentials = w.azure.resources(FIC);
    for (const sa of accounts) {
      assert.equal(sa.metadata.annotations["azure.workload.identity/client-id"], clientId, `${sa.metadata.name}: client id from the identity`);
      const subject = `system:serviceaccount:${sa.metadata.namespace}:${sa.metadata.name}`;
      const fic = credentials.find((c) => (c.properties as { subject: string }).subject === subject);
      assert.ok(fic, `no federated credential for ${subject}`);
      assert.equal((fic.properties as { issuer: string }).issuer, issuer);
      assert.deepEqual((fic.properties as { audiences: string[] }).audiences, ["api://AzureADTokenExchange"]);
    }
    assert.equal(credentials.length, accounts.length, "one federated credential per ServiceAccount, no more");
    // The identity works from inside the cluster: the check Job ran under the ServiceAccount and read a vault secret.
    const checked = w.events.filter((e) => e.type === "step" && e.state === "done" && e.id.startsWith("workload-identity:"));
    assert.deepEqual(checked.map((e) => e.type === "step" && e.id), ["workload-identity:demo:init"]);
    assert.match(String(checked[0]!.type === "step" && checked[0]!.message), /identity datasurface of ServiceAccount demo\/init works: token exchanged; secret \S+ read/);
    assert.equal(w.kube.list("batch/v1", "Job").filter((j) => j.metadata.name.startsWith("berth-verify-")).length, 0, "the check Job is deleted once read");
    const health = await status(w.plan, w.target);
    assert.ok(health.components.length > 0 && health.components.every((c) => c.ready === c.total), JSON.stringify(health.components.filter((c) => c.ready !== c.total), null, 2));
  });

  test("a second up makes no ARM write", async () => {
    const before = w.azure.writes();
    const result = await up(w.plan, w.target, { onEvent: () => {}, command: "berth up test/fixtures/azure --env dev" });
    assert.equal(result.status, "ok", result.error);
    const writes = w.azure.requests.filter((r) => r.write).slice(before);
    assert.deepEqual(writes.map((r) => `${r.method} ${r.path}`), []);
  });

  test("down removes everything after what is in it: cluster objects, then Azure in reverse order", async () => {
    const result = await down(w.plan, w.target, { onEvent: () => {}, command: "berth down test/fixtures/azure --env dev", deleteData: true });
    assert.equal(result.status, "ok", result.error);
    assert.deepEqual(w.azure.resources().map((r) => String(r.id)).filter((id) => !/\/MC_/i.test(id)), []);
    const deletes = w.azure.requests.filter((r) => r.method === "DELETE" && r.status < 300).map((r) => r.path.toLowerCase());
    const at = (fragment: string) => deletes.findIndex((p) => p.includes(fragment.toLowerCase()));
    assert.ok(at("managedClusters") < at("virtualNetworks/"), "the cluster goes before its network");
    assert.ok(at("flexibleServers/") < at("virtualNetworks/"), "the server goes before its subnet");
    assert.match(deletes.at(-1) ?? "", /\/resourcegroups\/[^/]+$/, "the resource group goes last");
    assert.deepEqual(w.kube.list().filter((o) => o.metadata?.labels?.["berth.dev/instance"] === w.plan.instance).map((o) => `${o.kind} ${o.metadata.name}`), [], "nothing of the instance is left in the cluster");
  });
});
