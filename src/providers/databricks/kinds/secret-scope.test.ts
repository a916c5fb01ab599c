import assert from "node:assert/strict";
import { test } from "node:test";
import type { SecretScopeResource } from "../../../resources/databricks-resource.ts";
import { ProviderRequestFailed } from "../../provider.ts";
import { FakeDatabricks, kindContext, recordingProgress, WORKSPACE } from "../../../../test/support/fake-databricks-api.ts";
import { secretScopeKind } from "./secret-scope.ts";

const VAULT = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-dev";
const CANARY = "canary-7f3a9c-do-not-print";

const scope = (over: Partial<SecretScopeResource> = {}): SecretScopeResource => ({
  kind: "secretScope",
  key: "etl",
  workspace: WORKSPACE,
  name: "etl-secrets",
  backend: { type: "DATABRICKS", secrets: { "db-password": { vaultId: VAULT, secret: "db-password" }, "api-token": { vaultId: VAULT, secret: "api-token" } } },
  ...over,
});

async function deploy(api: FakeDatabricks, r: SecretScopeResource) {
  const ctx = kindContext(api);
  const progress = recordingProgress();
  const live = await secretScopeKind.inspect(r, ctx);
  return { live, result: await secretScopeKind.run(r, live, ctx, progress), notes: progress.notes };
}

const refusedWith = (status: number, pattern: RegExp) => (e: unknown) => e instanceof ProviderRequestFailed && e.status === status && pattern.test(e.message);

test("a Databricks-backed scope: created with no initial_manage_principal, keys copied from the vault, then zero writes until the vault changes", async () => {
  const api = new FakeDatabricks();
  api.setVault(VAULT, "db-password", CANARY, api.now - 60_000);
  api.setVault(VAULT, "api-token", "token-value", Math.floor((api.now - 60_000) / 1000)); // seconds, as Key Vault's attribute
  const r = scope({ why: "the workspace sign-in is a PAT: a Key Vault-backed scope needs Entra ID" });
  const first = await deploy(api, r);
  assert.deepEqual(first.live.changes, [
    { field: "(scope)", to: "created" },
    { field: "backend", to: "DATABRICKS (the workspace sign-in is a PAT: a Key Vault-backed scope needs Entra ID)" },
    { field: "secrets/api-token", to: "(set from vault kv-dev/api-token)" },
    { field: "secrets/db-password", to: "(set from vault kv-dev/db-password)" },
  ]);
  assert.deepEqual(first.result, { did: "created (DATABRICKS), 2 secrets set from the vault", mutated: true, outputs: { scope: "etl-secrets" } });
  const create = api.writes().find((w) => w.path.endsWith("/scopes/create"))!;
  assert.deepEqual(create.body, { scope: "etl-secrets", scope_backend_type: "DATABRICKS" }, "no initial_manage_principal: not every user gets MANAGE");
  assert.equal(api.scopes.get("etl-secrets")!.secrets.get("db-password")!.value, CANARY);

  api.now += 3_600_000;
  const writes = api.writes().length;
  const second = await deploy(api, r);
  assert.deepEqual([second.live.changes, second.result.did, second.result.mutated], [[], "unchanged", false]);
  assert.equal(api.writes().length, writes, "the workspace copies are newer than the vault's secrets: zero writes");

  // The vault secret is rotated after the workspace's copy; a key added by hand goes.
  api.setVault(VAULT, "db-password", `${CANARY}-2`, api.now + 1000);
  api.setVault(VAULT, "api-token", "token-2", Math.floor(api.now / 1000) + 1); // Unix seconds, still later
  api.scopes.get("etl-secrets")!.secrets.set("by-hand", { value: "x", ts: api.now });
  api.now += 5000;
  const third = await deploy(api, r);
  assert.deepEqual(third.live.changes, [
    { field: "secrets/api-token", from: "(older workspace copy)", to: "(set from vault kv-dev/api-token)" },
    { field: "secrets/db-password", from: "(older workspace copy)", to: "(set from vault kv-dev/db-password)" },
    { field: "secrets/by-hand", from: "present", to: "deleted" },
  ]);
  assert.equal(third.result.did, "2 secrets set from the vault, 1 secret deleted");
  assert.deepEqual([...api.scopes.get("etl-secrets")!.secrets.keys()].sort(), ["api-token", "db-password"]);

  // The canary never leaves the put's body: not in changes, results, operations or notes.
  const said = JSON.stringify([first, second, third, api.requests.map((q) => q.operation), api.requests.filter((q) => !q.path.endsWith("/secrets/put")).map((q) => q.body)]);
  assert.ok(!said.includes(CANARY), "the vault value appears nowhere but the put body");
  assert.equal(api.requests.filter((q) => JSON.stringify(q.body ?? "").includes(CANARY)).length, 2, "exactly the two puts of db-password carry it");
});

test("a vault that cannot be read at plan time is said so in the plan; the run reads it and fails there if it must", async () => {
  const api = new FakeDatabricks();
  api.setVault(VAULT, "db-password", CANARY, api.now - 1);
  api.setVault(VAULT, "api-token", "t", api.now - 1);
  await deploy(api, scope());
  api.vault.clear();
  const live = await secretScopeKind.inspect(scope(), kindContext(api));
  assert.equal(live.changes[0]!.to, "(set from vault kv-dev/api-token) if updated: the vault cannot be read yet");
  await assert.rejects(secretScopeKind.run(scope(), live, kindContext(api), recordingProgress()), /vault secret api-token not found/);
});

test("a scope that exists with the other backend (or another vault) stops the step before any write", async () => {
  const api = new FakeDatabricks();
  api.scopes.set("etl-secrets", { backend_type: "AZURE_KEYVAULT", keyvault_metadata: { resource_id: VAULT, dns_name: "https://kv-dev.vault.azure.net/" }, secrets: new Map(), acls: new Map() });
  const live = await secretScopeKind.inspect(scope(), kindContext(api));
  assert.deepEqual(live.changes, [{ field: "backend", from: "AZURE_KEYVAULT", to: "DATABRICKS" }]);
  assert.match(live.effects![0]!, /^the step fails before any write: secret scope etl-secrets exists with backend AZURE_KEYVAULT, the spec asks for DATABRICKS: a scope's backend cannot change; delete the scope/);
  await assert.rejects(secretScopeKind.run(scope(), live, kindContext(api), recordingProgress()), refusedWith(409, /backend cannot change/));
  const other = scope({ backend: { type: "AZURE_KEYVAULT", vaultId: VAULT.replace("kv-dev", "kv-qa") } });
  await assert.rejects(secretScopeKind.run(other, live, kindContext(api), recordingProgress()), refusedWith(409, /is backed by the vault .*kv-dev, the spec asks for .*kv-qa: a scope's vault cannot change/));
  assert.equal(api.writes().length, 0);
  assert.equal(api.vaultReads.length, 0);
});

test("a Key Vault-backed scope: refused without an Entra sign-in; created with the vault's id and URI; then unchanged", async () => {
  const api = new FakeDatabricks();
  api.entra = false;
  const r = scope({ backend: { type: "AZURE_KEYVAULT", vaultId: VAULT } });
  await assert.rejects(deploy(api, r), refusedWith(400, /a Key Vault-backed scope can only be created with an Entra ID sign-in/));
  assert.equal(api.writes().length, 0);
  api.entra = true;
  assert.equal((await deploy(api, r)).result.did, "created (AZURE_KEYVAULT)");
  assert.deepEqual(api.writes()[0]!.body, { scope: "etl-secrets", scope_backend_type: "AZURE_KEYVAULT", backend_azure_keyvault: { resource_id: VAULT, dns_name: "https://kv-dev.vault.azure.net/" } });
  assert.equal((await deploy(api, scope({ backend: { type: "AZURE_KEYVAULT", vaultId: VAULT.toUpperCase() } }))).result.mutated, false, "ARM ids compare case-insensitively");
});

test("ACLs: made to match the spec exactly when given (the creator's MANAGE too), left alone when not", async () => {
  const api = new FakeDatabricks();
  const noSecrets = { type: "DATABRICKS", secrets: {} } as const;
  await deploy(api, scope({ backend: noSecrets }));
  assert.deepEqual([...api.scopes.get("etl-secrets")!.acls], [["deployer@example.com", "MANAGE"]], "no acls in the spec: the creator's entry stays");
  const r = scope({ backend: noSecrets, acls: { "data-engineers": "READ", "ops@example.com": "MANAGE" } });
  const { live } = await deploy(api, r);
  assert.deepEqual(live.changes, [
    { field: "acls/data-engineers", to: "READ" },
    { field: "acls/ops@example.com", to: "MANAGE" },
    { field: "acls/deployer@example.com", from: "MANAGE", to: "deleted" },
  ]);
  assert.deepEqual([...api.scopes.get("etl-secrets")!.acls].sort(), [["data-engineers", "READ"], ["ops@example.com", "MANAGE"]]);
  const writes = api.writes().length;
  assert.equal((await deploy(api, r)).result.mutated, false);
  assert.equal(api.writes().length, writes);
  api.scopes.get("etl-secrets")!.acls.set("data-engineers", "WRITE");
  assert.deepEqual((await deploy(api, r)).live.changes, [{ field: "acls/data-engineers", from: "WRITE", to: "READ" }]);
});

test("check, remove, retain, and a create whose answer was lost", async () => {
  const api = new FakeDatabricks();
  api.setVault(VAULT, "db-password", CANARY, 1);
  api.setVault(VAULT, "api-token", "t", 1);
  const r = scope();
  // The scope exists (a create whose answer was lost) and is empty: the run fills it.
  api.scopes.set("etl-secrets", { backend_type: "DATABRICKS", secrets: new Map(), acls: new Map() });
  assert.equal((await secretScopeKind.check(r, kindContext(api), "settled", {})).message, "scope etl-secrets lacks db-password, api-token");
  assert.equal((await deploy(api, r)).result.did, "2 secrets set from the vault");
  assert.deepEqual(await secretScopeKind.check(r, kindContext(api), "settled", {}), { done: true, ok: true, message: "scope etl-secrets holds its 2 secrets" });
  assert.deepEqual(await secretScopeKind.remove({ ...r, retain: true }, kindContext(api), recordingProgress()), { did: "kept scope etl-secrets (retain: true)", mutated: false });
  assert.deepEqual(await secretScopeKind.remove(r, kindContext(api), recordingProgress()), { did: "deleted scope etl-secrets", mutated: true });
  assert.deepEqual(await secretScopeKind.remove(r, kindContext(api), recordingProgress()), { did: "scope etl-secrets was already gone", mutated: false });
  assert.equal((await secretScopeKind.check(r, kindContext(api), "settled", {})).ok, false);
});
