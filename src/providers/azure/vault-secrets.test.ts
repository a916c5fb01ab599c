/**
 * Key Vault secrets through the Azure provider, against the Azure test server (ARM and the vault data plane): a
 * generated secret is created once and never rewritten, an admin password gets its JSON copy at the same moment, a
 * provided secret that is not set is a preflight problem naming the command, and a name held by a deleted secret is
 * recovered (old value kept), purged (new value), reported (fail), or refused under purge protection — in preflight
 * before any write, and at the write. No generated value appears in a note, a result or an error.
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
import { keyVaultScope, resolveCloud } from "./cloud.ts";
import type { AzureProvider } from "./provider.ts";
import { SECRET_FORMATS } from "./secret-values.ts";

const SECRETS = "Microsoft.KeyVault/vaults/secrets";
const VAULTS = "Microsoft.KeyVault/vaults";
const SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
const OBJECT_ID = "7a0c9e51-3333-4c8b-9a51-2d6f0e8b7c41";
const OLD = "old-value-canary-9d2e";
const v = (type: string): string => `api-version=${AZURE_TYPES[type]!.apiVersion}`;

describe("vault secrets through the Azure provider", () => {
  const clock = new VirtualClock();
  let azure: AzureApiServer;
  let provider: AzureProvider;
  let arm: string;
  const notes: string[] = [];
  const progress: Progress = { note: (m) => notes.push(m) };
  const signal = new AbortController().signal;
  const rg = () => `/subscriptions/${azure.subscriptionId}/resourceGroups/rg`;
  const vaultId = (vault: string) => `${rg()}/providers/${VAULTS}/${vault}`;
  const secret = (vault: string, name: string, more: Partial<AzureResource>): AzureResource => ({ type: SECRETS, apiVersion: AZURE_TYPES[SECRETS]!.apiVersion, id: `${vaultId(vault)}/secrets/${name}`, resourceGroup: "rg", name: `${vault}/${name}`, body: {}, ...more });
  const step = (r: AzureResource): PlanStep => ({ id: `azure:${r.type}:rg:${r.name}`, title: r.name, provider: "azure", phase: "config", group: "azure", needs: [], wave: 0, timeoutMs: 300_000, action: { type: "ensure", resource: r }, digest: "d" });
  const valueOf = (r: AzureResource) => azure.writeOnly(r.id, "properties.value") as string | undefined;
  const apply = async (r: AzureResource) => provider.run(step(r), await provider.inspect(step(r)), progress, signal);
  const vault = async (name: string, purgeProtection = false) => {
    const r = await raw(azure, "PUT", `${vaultId(name)}?${v(VAULTS)}`, { token: arm, body: { location: "westeurope", properties: { tenantId: azure.tenantId, sku: { family: "A", name: "standard" }, enableRbacAuthorization: true, enablePurgeProtection: purgeProtection } } });
    assert.ok(r.status < 300, JSON.stringify(r.body));
    while (azure.resource(vaultId(name))?.properties?.provisioningState !== "Succeeded") await clock.sleep(1_000);
  };
  /** Every value this test saw generated or seeded: none may show anywhere berth reports. */
  const seen = new Set<string>([OLD]);
  const assertNoValueIn = (...things: unknown[]) => {
    const text = JSON.stringify(things);
    for (const value of seen) assert.ok(!text.includes(value), "a secret value leaked");
  };

  before(async () => {
    azure = await startAzureApiServer({ clock, clients: [{ clientId: "berth-deployer", clientSecret: "deployer-secret", objectId: OBJECT_ID }], latency: { "Microsoft.Sql/servers": 0 } });
    provider = azureProviderFor(azure, "meta.dev", clock, { pollIntervalMs: 2_000 });
    arm = await armToken(azure);
    await raw(azure, "PUT", `${rg()}?${v("Microsoft.Resources/resourceGroups")}`, { token: arm, body: { location: "westeurope" } });
    // The deployer may recover and purge deleted secrets (data plane): Key Vault Secrets Officer on the group.
    await raw(azure, "PUT", `${rg()}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-4000-8000-00000000e001?${v("Microsoft.Authorization/roleAssignments")}`, {
      token: arm,
      body: { properties: { roleDefinitionId: `/subscriptions/${azure.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${SECRETS_OFFICER}`, principalId: OBJECT_ID, principalType: "ServicePrincipal" } },
    });
    await vault("kv-main");
    await vault("kv-locked", true);
  });
  after(() => azure.close());

  test("a generated secret is created once: (generated) in the plan, its value only in the PUT; the next run writes nothing and the value stays", async () => {
    const r = secret("kv-main", "airflow-fernet-key", { vaultSecret: { generate: { length: 32, format: "fernet" } } });
    const absent = await provider.inspect(step(r));
    assert.deepEqual(absent.changes, [{ field: "(resource)", to: "created (generated)" }]);
    const created = await provider.run(step(r), absent, progress, signal);
    assert.equal(created.did, "created (generated)");
    assert.equal(created.outputs?.secretUri, `${azure.url}/keyvault/kv-main/secrets/airflow-fernet-key`);
    const value = valueOf(r)!;
    seen.add(value);
    assert.match(value, /^[A-Za-z0-9_-]{43}=$/, "a Fernet key: URL-safe base64 of 32 bytes, padded");
    assert.equal(Buffer.from(value, "base64url").length, 32);
    assert.equal(azure.resource(r.id)!.properties.contentType, SECRET_FORMATS.fernet.contentType);

    const writes = azure.writes();
    const again = await provider.inspect(step(r));
    assert.deepEqual([again.exists, again.changes, again.ownership], [true, [], "ours"], "never a diff on a value ARM does not return");
    assert.deepEqual(await provider.run(step(r), again, progress, signal), { did: "unchanged", mutated: false, outputs: again.outputs });
    assert.equal(azure.writes(), writes, "no write, so no new version");
    assert.equal(valueOf(r), value);
    assertNoValueIn(notes, created, absent, again);
  });

  test("alnum of its length; a fixed value is written once too", async () => {
    const r = secret("kv-main", "airflow-db-password", { vaultSecret: { generate: { length: 24 } } });
    await apply(r);
    seen.add(valueOf(r)!);
    assert.match(valueOf(r)!, /^[A-Za-z0-9]{24}$/);
    const login = secret("kv-main", "sql-merge-admin-login", { vaultSecret: { fixed: "berthadmin" } });
    assert.equal((await apply(login)).did, "created");
    assert.equal(valueOf(login), "berthadmin");
  });

  test("a server's admin password is stored, with its JSON copy composed at the same moment, before the server is created", async () => {
    const server: AzureResource = {
      type: "Microsoft.Sql/servers",
      apiVersion: AZURE_TYPES["Microsoft.Sql/servers"]!.apiVersion,
      id: `${rg()}/providers/Microsoft.Sql/servers/sql-merge`,
      resourceGroup: "rg",
      name: "sql-merge",
      body: { location: "westeurope", properties: { administratorLogin: "berthadmin", version: "12.0" } },
      generatedSecrets: {
        "properties.administratorLoginPassword": { keepIn: vaultId("kv-main"), secretName: "sql-merge-admin-password", alsoJson: { secretName: "datasurface--ns--Demo--sqlserver-demo-merge--credentials", fields: { user: "USER", password: "PASSWORD" }, login: "berthadmin" } },
      },
    };
    const mark = azure.requests.length;
    const result = await apply(server);
    const password = azure.writeOnly(server.id, "properties.administratorLoginPassword") as string;
    seen.add(password);
    assert.equal(azure.writeOnly(`${vaultId("kv-main")}/secrets/sql-merge-admin-password`, "properties.value"), password);
    const json = azure.writeOnly(`${vaultId("kv-main")}/secrets/datasurface--ns--Demo--sqlserver-demo-merge--credentials`, "properties.value") as string;
    seen.add(json);
    assert.deepEqual(JSON.parse(json), { USER: "berthadmin", PASSWORD: password });
    const order = azure.requests.slice(mark).filter((q) => q.method === "PUT").map((q) => q.path.split("/").pop());
    assert.deepEqual(order, ["sql-merge-admin-password", "datasurface--ns--Demo--sqlserver-demo-merge--credentials", "sql-merge"]);
    assert.match(notes.at(-1)!, /\(and as JSON in datasurface--ns--Demo--sqlserver-demo-merge--credentials\)/);
    assertNoValueIn(notes, result);
  });

  test("a provided secret not set: blocking preflight problem naming vault, name, fields and the command; the step fails the same way; a vault this run creates makes it a note", async () => {
    const token = secret("kv-main", "datasurface--ns--git--token", { existing: true, vaultSecret: { provided: { fields: ["token"] } } });
    const inNewVault = secret("kv-new", "slack-webhook", { existing: true, vaultSecret: { provided: {} } });
    const newVault: AzureResource = { type: VAULTS, apiVersion: AZURE_TYPES[VAULTS]!.apiVersion, id: vaultId("kv-new"), resourceGroup: "rg", name: "kv-new", body: { location: "westeurope", properties: {} } };
    const problems = await provider.preflightProblems([step(token), step(newVault), step(inNewVault)]);
    const byStep = new Map(problems.map((p) => [p.step, p]));
    const missing = byStep.get(step(token).id)!;
    assert.deepEqual([missing.code, missing.blocking], ["VaultSecretMissing", true]);
    assert.equal(missing.message, "secret datasurface--ns--git--token (JSON with the field token) of Key Vault kv-main is not set: it is provided by you, and berth never writes it");
    assert.equal(missing.hint, `set it: \`az keyvault secret set --vault-name kv-main --name datasurface--ns--git--token --value '{"token":"…"}'\`, then run berth again`);
    const later = byStep.get(step(inNewVault).id)!;
    assert.equal(later.blocking, false, "blocking would stop the run that creates the vault");
    assert.match(later.message, /can only be set once the vault exists, which this run creates: the run stops at this secret/);
    assert.match(later.hint!, /az keyvault secret set --vault-name kv-new --name slack-webhook --value …/);

    const inspected = await provider.inspect(step(token));
    assert.match(inspected.changes[0]!.to as string, /^missing: set it: `az keyvault secret set/);
    await assert.rejects(provider.run(step(token), inspected, progress, signal), (e: unknown) => e instanceof ProviderRequestFailed && e.status === 404 && /is not set: .*`az keyvault secret set --vault-name kv-main/.test(e.message));
    assert.equal((await provider.check(step(token), "step")).reason, "VaultSecretMissing");

    // Set by the user (a value berth never reads): read, never written.
    await raw(azure, "PUT", `${token.id}?${v(SECRETS)}`, { token: arm, body: { properties: { value: '{"token":"t"}' } } });
    assert.deepEqual(await provider.preflightProblems([step(token)]), []);
    const writes = azure.writes();
    assert.equal((await apply(token)).mutated, false);
    assert.equal(azure.writes(), writes);
  });

  describe("a name held by a deleted secret, per the vault's onNameHeld", () => {
    const held = async (vaultName: string, name: string, onNameHeld: "recover" | "purge" | "fail") => {
      const r = secret(vaultName, name, { vaultSecret: { generate: { length: 32 } }, softDelete: { onNameHeld, purgeOnRemove: false } });
      azure.seedDeleted({ id: r.id, type: SECRETS }, { value: OLD });
      return r;
    };
    const putsOf = (r: AzureResource) => azure.requests.filter((q) => q.method === "PUT" && q.path.toLowerCase() === r.id.toLowerCase()).length;

    test("recover: preflight says so (not blocking); the secret comes back with its old value and nothing is written over it", async () => {
      const r = await held("kv-main", "recover-me", "recover");
      const [problem] = await provider.preflightProblems([step(r)]);
      assert.deepEqual([problem!.code, problem!.blocking], ["VaultSecretNameHeld", false]);
      assert.match(problem!.message, /^the name of secret recover-me of Key Vault kv-main is held by a deleted secret \(deleted \S+Z, purged by Azure on \S+Z\): berth will recover it \(it keeps its value\)$/);
      const started = clock.now();
      const result = await apply(r);
      assert.equal(result.did, "recovered the deleted secret (it keeps its value: the credential already in use)");
      assert.ok(clock.now() - started >= 10_000, "waited for the recovery, on the clock");
      assert.equal(valueOf(r), OLD);
      assert.equal(putsOf(r), 1, "only the refused PUT");
      assert.ok(notes.some((n) => /recover-me .*: recovering it$/.test(n)));
      assert.ok(azure.requests.some((q) => q.service === "keyvault" && q.method === "POST" && q.path.endsWith("/deletedsecrets/recover-me/recover")));
      assertNoValueIn(notes, result, problem);
    });

    test("purge: the deleted secret is purged, the name waited free, a new value written", async () => {
      const r = await held("kv-main", "purge-me", "purge");
      const [problem] = await provider.preflightProblems([step(r)]);
      assert.match(problem!.message, /: berth will purge it$/);
      assert.equal(problem!.blocking, false);
      const result = await apply(r);
      assert.equal(result.did, "created (generated)");
      const value = valueOf(r)!;
      seen.add(value);
      assert.notEqual(value, OLD);
      assert.equal(putsOf(r), 2);
      assert.deepEqual(azure.deletedSecrets().filter((d) => d.secretId === r.id), []);
      assertNoValueIn(notes, result);
    });

    test("fail (the default): blocking in preflight, and the write stops naming the dates and the fix", async () => {
      const r = await held("kv-main", "keep-me", "fail");
      const [problem] = await provider.preflightProblems([step(r)]);
      assert.deepEqual([problem!.blocking, problem!.hint], [true, "set onNameHeld: recover (keeps the deleted secret's value) or purge on the vault (spec.azure.keyVaults), or recover or purge it yourself (`az keyvault secret recover|purge`)"]);
      await assert.rejects(apply(r), (e: unknown) => e instanceof ProviderRequestFailed && e.status === 409 && /keep-me of Key Vault kv-main is held by a deleted secret \(deleted .*, purged by Azure on .*\); set onNameHeld: recover/.test(e.message));
      assert.equal(azure.deletedSecrets().filter((d) => d.secretId === r.id).length, 1, "left as it was");
    });

    test("purge under purge protection: blocking in preflight naming recover; at the write (preflight skipped) Azure's refusal with the same fix", async () => {
      const r = await held("kv-locked", "locked", "purge");
      const [problem] = await provider.preflightProblems([step(r)]);
      assert.equal(problem!.blocking, true);
      assert.match(problem!.message, /; the vault has purge protection on, so it can only be recovered$/);
      assert.match(problem!.hint!, /^set onNameHeld: recover on the vault/);
      await assert.rejects(apply(r), (e: unknown) => e instanceof ProviderRequestFailed && /purge protection/.test(e.message) && /set onNameHeld: recover on the vault/.test(e.message));
      // Had the deleted secret's recovery level not said so, Key Vault's own refusal carries the fix too.
      azure.addFault({ match: { service: "keyvault", method: "GET", path: "/deletedsecrets/locked" }, status: 200, body: { recoveryId: "x", deletedDate: 1, attributes: { recoveryLevel: "Recoverable+Purgeable" } } });
      await assert.rejects(apply(r), (e: unknown) => e instanceof ProviderRequestFailed && /^purge deleted secret locked of Key Vault kv-locked: 403 Forbidden: Operation "purge" is not allowed because purge protection is enabled/.test(e.message) && /set onNameHeld: recover/.test(e.message));
    });
  });

  test("no generated value in anything the provider said", () => {
    assertNoValueIn(notes);
    assert.ok(seen.size >= 5);
  });
});

test("Key Vault's token scope: the named clouds' own, a custom cloud's given one, else the vault URI's DNS suffix or origin", () => {
  assert.equal(keyVaultScope(resolveCloud("AzureCloud"), "https://kv.vault.azure.net/"), "https://vault.azure.net/.default");
  assert.equal(keyVaultScope(resolveCloud("AzureChinaCloud"), "https://kv.vault.azure.cn/"), "https://vault.azure.cn/.default");
  assert.equal(keyVaultScope(resolveCloud("AzureUSGovernment"), "https://kv.vault.usgovcloudapi.net/"), "https://vault.usgovcloudapi.net/.default");
  const custom = resolveCloud({ resourceManager: "https://management.local.azurestack.external/", authorityHost: "https://login.microsoftonline.com/" });
  assert.equal(keyVaultScope(custom, "https://kv.vault.local.azurestack.external/"), "https://vault.local.azurestack.external/.default");
  assert.equal(keyVaultScope(custom, "https://127.0.0.1:8443/keyvault/kv/"), "https://127.0.0.1:8443/.default");
  assert.equal(keyVaultScope(resolveCloud({ resourceManager: "https://m.example", authorityHost: "https://l.example", keyVault: "https://vault.example/" }), "https://kv.other.example/"), "https://vault.example/.default");
});
