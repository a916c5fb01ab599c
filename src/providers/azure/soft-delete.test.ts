/**
 * A vault name held by a soft-deleted vault, per the vault's onNameHeld (issue 10, checked for issue 11), against the
 * Azure test server: fail stops in preflight and at the write, recover brings the deleted vault back, purge purges it
 * and creates anew, and purge under purge protection is refused in preflight and at the write with the fix to use.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { VirtualClock } from "../../../test/support/clock.ts";
import { startAzureApiServer } from "../../../test/support/azure-api-server/index.ts";
import { armToken, azureProviderFor, raw } from "../../../test/support/azure-api-server/testing.ts";
import type { AzureApiServer } from "../../../test/support/azure-api-server/types.ts";
import type { PlanStep } from "../../plan/step.ts";
import type { AzureResource } from "../../resources/azure-resource.ts";
import { AZURE_TYPES } from "../../resources/azure-types.ts";
import { type Progress, ProviderRequestFailed } from "../provider.ts";
import type { AzureProvider } from "./provider.ts";

const VAULTS = "Microsoft.KeyVault/vaults";

describe("a Key Vault name held by a deleted vault", () => {
  const clock = new VirtualClock();
  let azure: AzureApiServer;
  let provider: AzureProvider;
  const notes: string[] = [];
  const progress: Progress = { note: (m) => notes.push(m) };
  const signal = new AbortController().signal;
  const rg = () => `/subscriptions/${azure.subscriptionId}/resourceGroups/rg`;
  const kv = (name: string, onNameHeld: "recover" | "purge" | "fail"): AzureResource => ({
    type: VAULTS,
    apiVersion: AZURE_TYPES[VAULTS]!.apiVersion,
    id: `${rg()}/providers/${VAULTS}/${name}`,
    resourceGroup: "rg",
    name,
    body: { location: "westeurope", properties: { tenantId: azure.tenantId, sku: { family: "A", name: "standard" } } },
    softDelete: { onNameHeld, purgeOnRemove: false },
  });
  const step = (r: AzureResource): PlanStep => ({ id: `azure:${r.type}:rg:${r.name}`, title: r.name, provider: "azure", phase: "config", group: "azure", needs: [], wave: 0, timeoutMs: 600_000, action: { type: "ensure", resource: r }, digest: "d" });
  const held = (r: AzureResource, purgeProtection = false) => azure.seedDeleted({ id: r.id, type: VAULTS, location: "westeurope", properties: { ...(r.body.properties as object), enableRbacAuthorization: true, enablePurgeProtection: purgeProtection } });
  const apply = async (r: AzureResource) => provider.run(step(r), await provider.inspect(step(r)), progress, signal);

  before(async () => {
    azure = await startAzureApiServer({ clock });
    provider = azureProviderFor(azure, "meta.dev", clock, { pollIntervalMs: 2_000 });
    await raw(azure, "PUT", `${rg()}?api-version=${AZURE_TYPES["Microsoft.Resources/resourceGroups"]!.apiVersion}`, { token: await armToken(azure), body: { location: "westeurope" } });
  });
  after(() => azure.close());

  test("fail: blocking in preflight; the write stops naming the deletion and the policies, and writes nothing", async () => {
    const r = kv("kv-fail", "fail");
    held(r);
    const [problem] = await provider.preflightProblems([step(r)]);
    assert.deepEqual([problem!.code, problem!.blocking], ["VaultNameHeld", true]);
    assert.match(problem!.message, /^the name of Key Vault kv-fail is held by a deleted vault \(deleted \S+, purged by Azure on \S+\)$/);
    const writes = azure.writes();
    await assert.rejects(apply(r), (e: unknown) => e instanceof ProviderRequestFailed && e.status === 409 && /set onNameHeld: recover or purge on the vault/.test(e.message));
    assert.equal(azure.writes(), writes);
  });

  test("recover: a note in preflight; the deleted vault comes back (what it held with it)", async () => {
    const r = kv("kv-recover", "recover");
    held(r);
    const [problem] = await provider.preflightProblems([step(r)]);
    assert.deepEqual([problem!.blocking, /: berth will recover it$/.test(problem!.message)], [false, true]);
    await apply(r);
    assert.equal(azure.deletedVaults().some((d) => d.name === "kv-recover"), false);
    assert.equal(azure.resource(r.id)!.properties.enableRbacAuthorization, true, "the recovered vault (as it was), not a new one");
  });

  test("purge: a note in preflight; the deleted vault is purged and a new one created", async () => {
    const r = kv("kv-purge", "purge");
    held(r);
    const [problem] = await provider.preflightProblems([step(r)]);
    assert.deepEqual([problem!.blocking, /: berth will purge it$/.test(problem!.message)], [false, true]);
    await apply(r);
    assert.ok(azure.requests.some((q) => q.method === "POST" && q.path.endsWith("/deletedVaults/kv-purge/purge")));
    assert.equal(azure.resource(r.id)!.properties.enableRbacAuthorization, false, "a new vault");
  });

  test("purge under purge protection: blocking in preflight, and at the write the fix (recover), not Azure's bare refusal", async () => {
    const r = kv("kv-locked", "purge");
    held(r, true);
    const [problem] = await provider.preflightProblems([step(r)]);
    assert.equal(problem!.blocking, true);
    assert.match(problem!.message, /purge protection is on, so it can only be recovered$/);
    assert.match(problem!.hint!, /^set onNameHeld: recover on the vault/);
    const writes = azure.writes();
    await assert.rejects(apply(r), (e: unknown) => e instanceof ProviderRequestFailed && /purge protection is on.*set onNameHeld: recover on the vault/.test(e.message));
    assert.equal(azure.writes(), writes, "no purge attempted");
  });
});
