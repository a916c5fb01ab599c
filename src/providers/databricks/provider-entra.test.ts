/**
 * Signing in to a workspace with Entra, against the Azure and Databricks test servers wired together: the workspace URL
 * read from ARM, a service principal's tenant, client id and secret read from the environment's Key Vault (seed 001),
 * its tokens for Databricks and for management sent with the workspace's ARM id, so a principal with Contributor on
 * the workspace gets in before it is a workspace user. The principal's secret is a canary: it must never show.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { VirtualClock } from "../../../test/support/clock.ts";
import { armToken, azureProviderFor, raw as azureRaw, trustingHttpClient } from "../../../test/support/azure-api-server/testing.ts";
import type { AzureApiServer } from "../../../test/support/azure-api-server/types.ts";
import type { DatabricksApiServer } from "../../../test/support/databricks-api-server/index.ts";
import { startLinkedServers } from "../../../test/support/databricks-api-server/testing.ts";
import { deploy, INSTANCE, planStep as step } from "../../../test/support/databricks-provider.ts";
import { AZURE_TYPES } from "../../resources/azure-types.ts";
import type { ClusterResource, DatabricksAuth, DatabricksWorkspaceRef } from "../../resources/databricks-resource.ts";
import { DatabricksProvider } from "./provider.ts";

const CANARY = "sp-secret-canary-4f1d8e2a";
const WRONG = "wrong-secret-canary-93b7c5";
const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
const v = (type: string) => `api-version=${AZURE_TYPES[type]!.apiVersion}`;

describe("Databricks provider: Entra sign-in through the Azure provider", () => {
  const clock = new VirtualClock();
  const deployer = { clientId: "app-deployer", clientSecret: "deployer-secret-5e", objectId: randomUUID() };
  const sp = { clientId: randomUUID(), clientSecret: CANARY, objectId: randomUUID() };
  let azure: AzureApiServer;
  let dbx: DatabricksApiServer;
  let close: () => Promise<void>;
  let arm: string;
  let rg: string;
  let vaultId: string;
  const workspaces: Record<string, { id: string; resourceId: string }> = {};

  const putSecret = async (name: string, value: string) => {
    const r = await azureRaw(azure, "PUT", `${vaultId}/secrets/${name}?${v("Microsoft.KeyVault/vaults/secrets")}`, { token: arm, body: { properties: { value } } });
    assert.ok(r.status < 300, JSON.stringify(r.body));
  };
  const contributor = (principal: string, scope: string) =>
    azure.seed({ id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`, type: "Microsoft.Authorization/roleAssignments", properties: { scope, principalId: principal, roleDefinitionId: `/subscriptions/${azure.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}` } });
  const workspace = async (name: string) => {
    const id = `${rg}/providers/Microsoft.Databricks/workspaces/${name}`;
    const put = await azureRaw(azure, "PUT", `${id}?${v("Microsoft.Databricks/workspaces")}`, { token: arm, body: { location: "westeurope", sku: { name: "premium" }, properties: { managedResourceGroupId: `${rg}-${name}-managed` } } });
    assert.ok(put.status < 300, JSON.stringify(put.body));
    workspaces[name] = { id: String(azure.resource(id)!.properties.workspaceId), resourceId: id };
    return workspaces[name]!;
  };
  const spAuth = (secret = "sp-client-secret"): DatabricksAuth => ({ type: "servicePrincipal", tenantId: { vaultId, secret: "sp-tenant" }, clientId: { vaultId, secret: "sp-client-id" }, clientSecret: { vaultId, secret } });
  const provider = () => new DatabricksProvider({ instance: INSTANCE, azure: azureProviderFor(azure, INSTANCE, clock), clock, httpClient: trustingHttpClient(dbx) });
  const cluster = (ref: DatabricksWorkspaceRef): ClusterResource => ({ kind: "cluster", key: "etl", workspace: ref, body: { cluster_name: "dev-etl", spark_version: "15.4.x-scala2.12", node_type_id: "Standard_DS3_v2", num_workers: 1 }, state: "running" });

  before(async () => {
    ({ azure, databricks: dbx, close } = await startLinkedServers({ clock, clients: [deployer, sp], latency: { "Microsoft.Databricks/workspaces": 0, "Microsoft.KeyVault/vaults": 0 } }));
    arm = await armToken(azure);
    rg = `/subscriptions/${azure.subscriptionId}/resourceGroups/rg-dev`;
    vaultId = `${rg}/providers/Microsoft.KeyVault/vaults/kv-dev`;
    await azureRaw(azure, "PUT", `${rg}?${v("Microsoft.Resources/resourceGroups")}`, { token: arm, body: { location: "westeurope" } });
    const vault = await azureRaw(azure, "PUT", `${vaultId}?${v("Microsoft.KeyVault/vaults")}`, {
      token: arm,
      body: { location: "westeurope", properties: { tenantId: azure.tenantId, sku: { family: "A", name: "standard" }, enableRbacAuthorization: false, accessPolicies: [{ tenantId: azure.tenantId, objectId: deployer.objectId, permissions: { secrets: ["Get"] } }] } },
    });
    assert.ok(vault.status < 300, JSON.stringify(vault.body));
    await putSecret("sp-tenant", azure.tenantId);
    await putSecret("sp-client-id", sp.clientId);
    await putSecret("sp-client-secret", CANARY);
    await putSecret("sp-wrong-secret", WRONG);
    await workspace("dbw-dev");
    await workspace("dbw-qa");
    contributor(sp.objectId, workspaces["dbw-dev"]!.resourceId);
    contributor(deployer.objectId, workspaces["dbw-qa"]!.resourceId);
  });
  after(async () => {
    await close();
    clock.stop();
  });

  it("a service principal from the vault signs in with the management headers (URL read from ARM) and deploys; its secret shows nowhere", async () => {
    const ref: DatabricksWorkspaceRef = { name: "dev", resourceId: workspaces["dbw-dev"]!.resourceId, auth: spAuth() };
    const p = provider();
    const s = step(cluster(ref));
    assert.deepEqual(await p.preflightProblems([s]), []);
    assert.deepEqual(dbx.workspace(workspaces["dbw-dev"]!.id).addedUsers().map((a) => a.principal), [sp.clientId], "let in by Contributor on the workspace, before it was a workspace user");
    const result = await deploy(p, [s], clock);
    assert.equal(result.status, "ok", result.error);
    const [made] = dbx.workspace(workspaces["dbw-dev"]!.id).clusters();
    assert.equal(made!.creator_user_name, sp.clientId);
    assert.ok(!JSON.stringify([result.events, result.journal]).includes(CANARY));
    assert.equal(p.redactor.apply(`x ${CANARY} y`), "x (redacted) y", "the secret went into the redactor when it was read");
  });

  it("a wrong secret in the vault is a blocking DatabricksSignInFailed naming the workspace, the auth type and the fix — without the secret", async () => {
    const ref: DatabricksWorkspaceRef = { name: "dev", resourceId: workspaces["dbw-dev"]!.resourceId, auth: spAuth("sp-wrong-secret") };
    const p = provider();
    const s = step(cluster(ref));
    const problems = await p.preflightProblems([s]);
    assert.equal(problems.length, 1);
    const [problem] = problems;
    assert.equal(problem!.code, "DatabricksSignInFailed");
    assert.equal(problem!.blocking, true);
    assert.match(problem!.message, /Databricks workspace dev \(https:\/\/127\.0\.0\.1:\d+\/ws\/\d+\): cannot sign in with auth servicePrincipal: .*7000215/);
    assert.match(problem!.hint ?? "", /client secret the vault holds/);
    const run = p.run(s, await p.inspect(s).catch((e: Error) => ({ exists: false, ownership: "absent" as const, changes: [], intentChanged: true, error: e.message })), { note: () => {} }, new AbortController().signal);
    await assert.rejects(run, (e: Error) => /cannot sign in to Databricks workspace dev \(auth servicePrincipal\)/.test(e.message) && !e.message.includes(WRONG));
    assert.ok(!JSON.stringify(problems).includes(WRONG) && !JSON.stringify(problems).includes(CANARY));
  });

  it("the azure sign-in is the deploying credential: Contributor on the workspace lets it in; a workspace not in ARM yet plans as created without a request", async () => {
    const p = provider();
    const qa: DatabricksWorkspaceRef = { name: "qa", resourceId: workspaces["dbw-qa"]!.resourceId, auth: { type: "azure" } };
    const s = step(cluster(qa));
    assert.deepEqual(await p.preflightProblems([s]), []);
    assert.deepEqual(dbx.workspace(workspaces["dbw-qa"]!.id).addedUsers().map((a) => a.principal), [deployer.clientId]);
    const before = dbx.requests.length;
    const prod: DatabricksWorkspaceRef = { name: "prod", resourceId: `${rg}/providers/Microsoft.Databricks/workspaces/dbw-prod`, auth: { type: "azure" } };
    assert.deepEqual((await p.inspect(step(cluster(prod)))).changes, [{ field: "(resource)", to: "created (the workspace is created in this run)" }]);
    assert.deepEqual(await p.preflightProblems([step(cluster(prod))]), [], "nothing to sign in to yet");
    assert.equal(dbx.requests.length, before);
  });
});
