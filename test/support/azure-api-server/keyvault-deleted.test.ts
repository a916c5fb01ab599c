/**
 * Soft-deleted secrets on the Azure test server, over raw HTTPS: a secret deleted on its own keeps its name (409
 * "deleted but recoverable" on a PUT), recovery and purge through the data plane take time, recovery brings the old
 * value back, purge protection refuses a purge, RBAC decides who may, and deleted secrets and vaults can be seeded.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AZURE_TYPES } from "../../../src/resources/azure-types.ts";
import { VirtualClock } from "../clock.ts";
import { startAzureApiServer, type AzureApiServer } from "./index.ts";
import { armToken, raw } from "./testing.ts";

const v = (type: string): string => `api-version=${AZURE_TYPES[type]!.apiVersion}`;
const SECRETS = "Microsoft.KeyVault/vaults/secrets";
const SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
const CANARY = "kv-deleted-canary-41c";

describe("Azure test server: soft-deleted Key Vault secrets", () => {
  const clock = new VirtualClock({ auto: false });
  const objectId = "5c1d2e3f-2222-4c8b-9a51-2d6f0e8b7c41";
  let server: AzureApiServer;
  let arm: string;
  let kv: string;
  const rg = () => `/subscriptions/${server.subscriptionId}/resourceGroups/rg`;
  const vaultId = (name: string) => `${rg()}/providers/Microsoft.KeyVault/vaults/${name}`;
  const secretArm = (vault: string, name: string) => `${vaultId(vault)}/secrets/${name}?${v(SECRETS)}`;
  const data = (vault: string, path: string) => `/keyvault/${vault}/${path}?api-version=7.4`;
  const put = (vault: string, name: string, value: string) => raw(server, "PUT", secretArm(vault, name), { token: arm, body: { properties: { value } } });

  before(async () => {
    server = await startAzureApiServer({ clock, clients: [{ clientId: "app-del", clientSecret: "s3cret", objectId }, { clientId: "app-none", clientSecret: "x", objectId: "obj-none" }] });
    arm = await armToken(server);
    kv = String((await raw(server, "POST", `/${server.tenantId}/oauth2/v2.0/token`, { form: { grant_type: "client_credentials", client_id: "app-del", client_secret: "s3cret", scope: "https://vault.azure.net/.default" } })).body!.access_token);
    await raw(server, "PUT", `${rg()}?${v("Microsoft.Resources/resourceGroups")}`, { token: arm, body: { location: "westeurope" } });
    for (const [name, protect] of [["kvsoft", false], ["kvlocked", true]] as const)
      await raw(server, "PUT", `${vaultId(name)}?${v("Microsoft.KeyVault/vaults")}`, { token: arm, body: { location: "westeurope", properties: { tenantId: server.tenantId, sku: { family: "A", name: "standard" }, enableRbacAuthorization: true, enablePurgeProtection: protect, softDeleteRetentionInDays: 7 } } });
    clock.advance(20_000);
    const assigned = await raw(server, "PUT", `${rg()}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-4000-8000-0000000000d1?${v("Microsoft.Authorization/roleAssignments")}`, {
      token: arm,
      body: { properties: { roleDefinitionId: `/subscriptions/${server.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${SECRETS_OFFICER}`, principalId: objectId, principalType: "ServicePrincipal" } },
    });
    assert.ok(assigned.status < 300, JSON.stringify(assigned.body));
  });
  after(() => server.close());

  it("a deleted secret holds its name: 409 with Key Vault's words, listed with its dates, never its value", async () => {
    assert.equal((await put("kvsoft", "db-password", CANARY)).status, 201);
    assert.equal((await raw(server, "DELETE", secretArm("kvsoft", "db-password"), { token: arm })).status, 200);
    assert.equal((await raw(server, "GET", secretArm("kvsoft", "db-password"), { token: arm })).status, 404);
    const again = await put("kvsoft", "db-password", "other");
    assert.equal(again.status, 409);
    assert.deepEqual(again.body!.error, { code: "Conflict", message: "Secret db-password is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged." });
    const deleted = await raw(server, "GET", data("kvsoft", "deletedsecrets/db-password"), { token: kv });
    assert.equal(deleted.status, 200);
    const now = Math.floor(clock.now() / 1000);
    assert.equal(deleted.body!.deletedDate, now);
    assert.equal(deleted.body!.scheduledPurgeDate, now + 7 * 24 * 3600, "the vault's retention");
    assert.equal(deleted.body!.recoveryId, `${server.url}/keyvault/kvsoft/deletedsecrets/db-password`);
    assert.equal(deleted.body!.attributes.recoveryLevel, "CustomizedRecoverable+Purgeable");
    assert.equal((await raw(server, "GET", data("kvsoft", "deletedsecrets"), { token: kv })).body!.value.length, 1);
    assert.deepEqual(server.deletedSecrets().map((d) => d.secretId), [`${vaultId("kvsoft")}/secrets/db-password`]);
    assert.ok(![deleted, again].some((r) => JSON.stringify(r.body).includes(CANARY)) && !JSON.stringify(server.deletedSecrets()).includes(CANARY));
  });

  it("recovery takes time (not there, not writable), then brings the secret back with its old value", async () => {
    const recovered = await raw(server, "POST", data("kvsoft", "deletedsecrets/db-password/recover"), { token: kv });
    assert.equal(recovered.status, 200);
    assert.ok(!JSON.stringify(recovered.body).includes(CANARY));
    assert.equal((await raw(server, "GET", secretArm("kvsoft", "db-password"), { token: arm })).status, 404, "not back yet");
    assert.match(String((await put("kvsoft", "db-password", "other")).body!.error.message), /is currently being recovered and cannot be re-created; retry later\.$/);
    assert.equal((await raw(server, "GET", data("kvsoft", "deletedsecrets/db-password"), { token: kv })).status, 404, "no longer deleted");
    clock.advance(10_000);
    assert.equal((await raw(server, "GET", secretArm("kvsoft", "db-password"), { token: arm })).status, 200);
    assert.equal(server.writeOnly(`${vaultId("kvsoft")}/secrets/db-password`, "properties.value"), CANARY);
  });

  it("purge takes time, then frees the name; refused under purge protection; RBAC decides who may", async () => {
    await raw(server, "DELETE", secretArm("kvsoft", "db-password"), { token: arm });
    const stranger = String((await raw(server, "POST", `/${server.tenantId}/oauth2/v2.0/token`, { form: { grant_type: "client_credentials", client_id: "app-none", client_secret: "x", scope: "https://vault.azure.net/.default" } })).body!.access_token);
    const denied = await raw(server, "DELETE", data("kvsoft", "deletedsecrets/db-password"), { token: stranger });
    assert.deepEqual([denied.status, denied.body!.error.innererror.code], [403, "ForbiddenByRbac"]);
    assert.match(denied.body!.error.message, /Action: 'Microsoft\.KeyVault\/vaults\/secrets\/purge\/action'/);
    assert.equal((await raw(server, "DELETE", data("kvsoft", "deletedsecrets/db-password"), { token: kv })).status, 204);
    assert.equal((await raw(server, "GET", data("kvsoft", "deletedsecrets/db-password"), { token: kv })).status, 200, "still there while purging");
    assert.equal((await put("kvsoft", "db-password", "other")).status, 409);
    clock.advance(5_000);
    assert.equal((await raw(server, "GET", data("kvsoft", "deletedsecrets/db-password"), { token: kv })).status, 404);
    assert.equal((await put("kvsoft", "db-password", "fresh")).status, 201);

    await put("kvlocked", "token", CANARY);
    await raw(server, "DELETE", secretArm("kvlocked", "token"), { token: arm });
    assert.equal((await raw(server, "GET", data("kvlocked", "deletedsecrets/token"), { token: kv })).body!.attributes.recoveryLevel, "CustomizedRecoverable");
    const refused = await raw(server, "DELETE", data("kvlocked", "deletedsecrets/token"), { token: kv });
    assert.equal(refused.status, 403);
    assert.equal(refused.body!.error.code, "Forbidden");
    assert.match(refused.body!.error.message, /^Operation "purge" is not allowed because purge protection is enabled for this vault\./);
  });

  it("seeds deleted secrets (with a value a recovery brings back) and deleted vaults", async () => {
    server.seedDeleted({ id: `${vaultId("kvsoft")}/secrets/seeded`, type: SECRETS, properties: { contentType: "text/plain" } }, { value: CANARY });
    const seeded = await raw(server, "GET", data("kvsoft", "deletedsecrets/seeded"), { token: kv });
    assert.equal(seeded.body!.contentType, "text/plain");
    assert.equal((await put("kvsoft", "seeded", "x")).status, 409);
    await raw(server, "POST", data("kvsoft", "deletedsecrets/seeded/recover"), { token: kv });
    clock.advance(10_000);
    assert.equal(server.writeOnly(`${vaultId("kvsoft")}/secrets/seeded`, "properties.value"), CANARY);

    server.seedDeleted({ id: vaultId("gone"), type: "Microsoft.KeyVault/vaults", location: "westeurope", properties: { enablePurgeProtection: true } });
    assert.deepEqual(server.deletedVaults().map((d) => [d.name, d.properties.purgeProtectionEnabled]), [["gone", true]]);
    // A vault deleted takes its secrets, deleted ones included.
    await raw(server, "DELETE", `${vaultId("kvlocked")}?${v("Microsoft.KeyVault/vaults")}`, { token: arm });
    assert.deepEqual(server.deletedSecrets().map((d) => d.secretId), []);
  });
});
