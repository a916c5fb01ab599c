/**
 * Reading a vault secret through the Azure provider: a 403 right after berth granted itself the role (Azure RBAC
 * propagating) is waited out on berth's clock; a 403 on a vault berth granted nothing on is the missing role, at once.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AZURE_TYPES } from "../../resources/azure-types.ts";
import { startAzureApiServer } from "../../../test/support/azure-api-server/index.ts";
import { armToken, azureProviderFor, raw } from "../../../test/support/azure-api-server/testing.ts";
import type { AzureApiServer } from "../../../test/support/azure-api-server/types.ts";
import { VirtualClock } from "../../../test/support/clock.ts";
import { azureAccess, VaultReadForbidden } from "./azure-access.ts";

const v = (type: string) => `api-version=${AZURE_TYPES[type]!.apiVersion}`;

describe("vault secrets for a Databricks deploy", () => {
  const clock = new VirtualClock();
  let azure: AzureApiServer;
  let vaultId: string;

  before(async () => {
    azure = await startAzureApiServer({ clock, latency: { "Microsoft.KeyVault/vaults": 0 } });
    const token = await armToken(azure);
    const rg = `/subscriptions/${azure.subscriptionId}/resourceGroups/rg`;
    vaultId = `${rg}/providers/Microsoft.KeyVault/vaults/kv`;
    await raw(azure, "PUT", `${rg}?${v("Microsoft.Resources/resourceGroups")}`, { token, body: { location: "westeurope" } });
    const vault = await raw(azure, "PUT", `${vaultId}?${v("Microsoft.KeyVault/vaults")}`, {
      token,
      body: { location: "westeurope", properties: { tenantId: azure.tenantId, sku: { family: "A", name: "standard" }, enableRbacAuthorization: false, accessPolicies: [{ tenantId: azure.tenantId, objectId: (await import("../azure/deployer.ts")).objectIdOf(token), permissions: { secrets: ["Get"] } }] } },
    });
    assert.ok(vault.status < 300, JSON.stringify(vault.body));
    const put = await raw(azure, "PUT", `${vaultId}/secrets/sp-secret?${v("Microsoft.KeyVault/vaults/secrets")}`, { token, body: { properties: { value: "s3cret-canary" } } });
    assert.ok(put.status < 300, JSON.stringify(put.body));
  });
  after(async () => {
    await azure.close();
    clock.stop();
  });

  test("a role berth granted in this plan: 403s while it propagates are waited out, and the wait is told", async () => {
    const access = azureAccess(azureProviderFor(azure, "p.dev", clock));
    azure.addFault({ match: { service: "keyvault", path: /secrets\/sp-secret/ }, status: 403, code: "Forbidden", times: 3 });
    const notes: string[] = [];
    const redacted: string[] = [];
    const started = clock.now();
    const got = await access.vaultSecret({ vaultId, secret: "sp-secret", granted: true }, { add: (s) => void redacted.push(s) }, { note: (m) => void notes.push(m), deadline: clock.now() + 30 * 60_000 });
    assert.equal(got.value, "s3cret-canary");
    assert.deepEqual(redacted, ["s3cret-canary"], "the value went to the redactor as it was read");
    assert.equal(notes.length, 3);
    assert.match(notes[0]!, /still propagating \(403\); trying again in/);
    assert.ok(clock.now() > started, "waited on berth's clock");
  });

  test("a vault berth granted nothing on: the 403 is the missing role, at once", async () => {
    const access = azureAccess(azureProviderFor(azure, "p.dev", clock));
    azure.addFault({ match: { service: "keyvault", path: /secrets\/sp-secret/ }, status: 403, code: "Forbidden", times: 1 });
    const notes: string[] = [];
    await assert.rejects(access.vaultSecret({ vaultId, secret: "sp-secret" }, { add: () => {} }, { note: (m) => void notes.push(m) }), (e: unknown) => e instanceof VaultReadForbidden && /Key Vault Secrets User/.test(e.fix));
    assert.deepEqual(notes, []);
  });
});
