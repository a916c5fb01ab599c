import assert from "node:assert/strict";
import { test } from "node:test";
import { VirtualClock } from "../../../test/support/clock.ts";
import { ENDPOINT, FakeArm, fakeCredential } from "../../../test/support/fake-arm.ts";
import type { PlanStep } from "../../plan/step.ts";
import type { AzureResource } from "../../resources/azure-resource.ts";
import { AZURE_TYPES } from "../../resources/azure-types.ts";
import { type Progress, ProviderRequestFailed, ProviderUnavailable } from "../provider.ts";
import { resolveCloud } from "./cloud.ts";
import { meetsAzureComplexity } from "./password.ts";
import { AzureProvider, TAG } from "./provider.ts";

const SUB = "00000000-0000-0000-0000-000000000001";
const RG = `/subscriptions/${SUB}/resourceGroups/rg`;
const INSTANCE = "meta.prod";

function setup(options: { adopt?: boolean } = {}) {
  const clock = new VirtualClock({ start: 1_000_000 });
  const arm = new FakeArm();
  const provider = new AzureProvider({ cloud: resolveCloud({ resourceManager: ENDPOINT, authorityHost: "https://login.fake.test" }), credential: fakeCredential(), subscriptionId: SUB, instance: INSTANCE, clock, httpClient: arm, pollIntervalMs: 1_000, ...options });
  const notes: string[] = [];
  const progress: Progress = { note: (m) => notes.push(m) };
  return { clock, arm, provider, notes, progress, signal: new AbortController().signal };
}

const resource = (type: string, path: string, body: Record<string, unknown>, more: Partial<AzureResource> = {}): AzureResource => ({
  type,
  apiVersion: AZURE_TYPES[type]!.apiVersion,
  id: `${RG}/providers/${path}`,
  resourceGroup: "rg",
  name: path.split("/").filter((_, i) => i >= 2 && i % 2 === 0).join("/"),
  body,
  ...more,
});

const step = (r: AzureResource, action: "ensure" | "remove" = "ensure"): PlanStep => ({
  id: `azure:${r.type}:rg:${r.name}`,
  title: `${r.type} ${r.name}`,
  provider: "azure",
  phase: "storage",
  group: "azure",
  needs: [],
  wave: 0,
  timeoutMs: 600_000,
  action: { type: action, resource: r },
  digest: "d1",
});

const PG = "Microsoft.DBforPostgreSQL/flexibleServers";
const pg = () =>
  resource(PG, `${PG.split("/")[0]}/flexibleServers/pg-meta`, { location: "West Europe", sku: { name: "Standard_B1ms", tier: "Burstable" }, properties: { version: "16", administratorLogin: "berth", createMode: "Create", storage: { storageSizeGB: 32 } } }, {
    generatedSecrets: { "properties.administratorLoginPassword": { keepIn: "kv-meta", secretName: "pg-meta-admin" } },
  });

test("creating a server generates its password, stores it in the vault first, sends it once; the next run makes no write at all", async () => {
  const { arm, provider, notes, progress, signal } = setup();
  const s = step(pg());
  const absent = await provider.inspect(s);
  assert.equal(absent.exists, false);
  const created = await provider.run(s, absent, progress, signal);
  assert.equal(created.did, "created");
  assert.equal(created.outputs?.id, `${RG}/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-meta`);

  const puts = arm.writes();
  assert.deepEqual(puts.map((r) => `${r.method} ${r.url.pathname.split("/").slice(-2).join("/")}`), ["PUT secrets/pg-meta-admin", "PUT flexibleServers/pg-meta"], "the secret is stored before the server is created");
  const password = puts[0]!.body.properties.value as string;
  assert.equal(puts[1]!.body.properties.administratorLoginPassword, password);
  assert.ok(meetsAzureComplexity(password) && password.length === 32);
  assert.equal(puts[0]!.apiVersion, AZURE_TYPES["Microsoft.KeyVault/vaults/secrets"]!.apiVersion);
  assert.equal(puts[1]!.body.tags[TAG.instance], INSTANCE);
  assert.ok(!JSON.stringify({ notes, created }).includes(password), "the password is never in a note or a result");
  const read = arm.requests.length;
  assert.equal((await provider.check(s, "step")).ok, true);
  assert.equal(arm.requests.length, read, "the check right after the write takes the view ARM gave at the operation's end");
  assert.equal((await provider.check(s, "settled")).ok, true);
  assert.equal((await provider.check(s, "step")).ok, true);
  assert.equal(arm.requests.length, read + 2, "later checks read the resource again");

  const again = await provider.inspect(s);
  assert.deepEqual(again.changes, [], "ARM's additions (etag, systemData, provisioningState, westeurope) and the unreturned password are no change");
  assert.equal(again.ownership, "ours");
  const before = arm.requests.length;
  const second = await provider.run(s, again, progress, signal);
  assert.deepEqual(second, { did: "unchanged", mutated: false, outputs: again.outputs });
  assert.equal(arm.requests.length, before, "in sync: not a single request, let alone a write");
});

test("an update sends no password and no create mode, keeps tags others set, and keeps a VNet's subnets", async () => {
  const { arm, provider, progress, signal } = setup();
  const VNET = "Microsoft.Network/virtualNetworks";
  const vnet = resource(VNET, "Microsoft.Network/virtualNetworks/vnet", { location: "westeurope", properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] } } });
  arm.seed(vnet.id, { name: "vnet", location: "westeurope", tags: { [TAG.instance]: INSTANCE, owner: "netops" }, properties: { addressSpace: { addressPrefixes: ["10.9.0.0/16"] }, subnets: [{ name: "aks", id: `${vnet.id}/subnets/aks`, properties: { addressPrefix: "10.9.0.0/22" } }] } });
  const live = await provider.inspect(step(vnet));
  assert.deepEqual(live.changes.map((c) => c.field), ["properties.addressSpace.addressPrefixes"]);
  assert.equal((await provider.run(step(vnet), live, progress, signal)).did, "updated");
  const put = arm.writes()[0]!;
  assert.equal(put.body.properties.subnets[0].name, "aks", "a VNet PUT without its subnets would delete them");
  assert.deepEqual(put.body.tags, { owner: "netops", [TAG.instance]: INSTANCE });

  const server = pg();
  arm.seed(server.id, { name: "pg-meta", location: "westeurope", tags: { [TAG.instance]: INSTANCE }, sku: { name: "Standard_B2s", tier: "Burstable" }, properties: { version: "16", administratorLogin: "berth", storage: { storageSizeGB: 32 } } });
  const changed = await provider.inspect(step(server));
  assert.deepEqual(changed.changes, [{ field: "sku.name", from: "Standard_B2s", to: "Standard_B1ms" }]);
  await provider.run(step(server), changed, progress, signal);
  const serverPut = arm.writes().at(-1)!;
  assert.equal(serverPut.body.properties.administratorLoginPassword, undefined, "an existing server is never sent a password again");
  assert.equal(serverPut.body.properties.createMode, undefined);
  assert.equal(arm.writes().filter((r) => r.path.includes("/secrets/")).length, 0);
});

test("ownership is the berth.instance tag: another instance's is foreign, an untagged resource group is adopted and never deleted", async () => {
  const { arm, provider, progress, signal } = setup();
  const kv = resource("Microsoft.KeyVault/vaults", "Microsoft.KeyVault/vaults/kv-meta", { location: "westeurope", properties: { tenantId: "t" } });
  arm.seed(kv.id, { name: "kv-meta", location: "westeurope", tags: { [TAG.instance]: "other.dev" }, properties: { tenantId: "t" } });
  assert.deepEqual((({ ownership, owner }) => ({ ownership, owner }))(await provider.inspect(step(kv))), { ownership: "foreign", owner: "berth instance other.dev" });

  const group: AzureResource = { type: "Microsoft.Resources/resourceGroups", apiVersion: "2021-04-01", id: RG, name: "rg", body: { location: "westeurope" } };
  arm.seed(RG, { name: "rg", location: "westeurope", properties: { provisioningState: "Succeeded" } });
  const live = await provider.inspect(step(group));
  assert.equal(live.ownership, "adoptable");
  await provider.run(step(group), live, progress, signal);
  assert.deepEqual(arm.writes()[0]!.body.tags, { [TAG.instance]: INSTANCE, [TAG.adopted]: "true" });
  const removal = await provider.inspect(step(group, "remove"));
  assert.equal(removal.adopted, true);
  assert.equal((await provider.run(step(group, "remove"), removal, progress, signal)).mutated, false);
  assert.equal(arm.writes().filter((r) => r.method === "DELETE").length, 0);
});

test("a resource declared existing is read for its outputs and never written; a missing one fails with a clear message", async () => {
  const { arm, provider, progress, signal } = setup();
  const acr = resource("Microsoft.ContainerRegistry/registries", "Microsoft.ContainerRegistry/registries/shared", { location: "westeurope", sku: { name: "Premium" } }, { existing: true });
  const missing = await provider.inspect(step(acr));
  assert.deepEqual(missing.changes, [{ field: "(resource)", to: "missing (declared existing: berth never creates it)" }]);
  await assert.rejects(provider.run(step(acr), missing, progress, signal), (e: unknown) => e instanceof ProviderRequestFailed && e.status === 404 && /declared existing but does not exist/.test(e.message));
  assert.equal((await provider.check(step(acr), "step")).reason, "ExistingMissing");

  arm.seed(acr.id, { name: "shared", location: "westeurope", sku: { name: "Basic" }, properties: { loginServer: "shared.azurecr.io" } });
  const live = await provider.inspect(step(acr));
  assert.deepEqual(live.changes, [], "an existing resource is not ours to change: its differences are not changes berth makes");
  const result = await provider.run(step(acr), live, progress, signal);
  assert.equal(result.mutated, false);
  assert.equal(result.outputs?.loginServer, "shared.azurecr.io");
  assert.equal(arm.writes().length, 0);
});

test("subnet writes of one VNet take turns: the second PUT is sent only after the first operation finished", async () => {
  const { arm, provider, progress, signal } = setup();
  const SUBNET = "Microsoft.Network/virtualNetworks/subnets";
  const a = resource(SUBNET, "Microsoft.Network/virtualNetworks/vnet/subnets/a", { properties: { addressPrefix: "10.0.0.0/24" } });
  const b = resource(SUBNET, "Microsoft.Network/virtualNetworks/vnet/subnets/b", { properties: { addressPrefix: "10.0.1.0/24" } });
  for (const name of ["a", "b"])
    arm.script((r) => r.method === "PUT" && r.path.endsWith(`/subnets/${name}`), (r) => ({ status: 201, headers: { "azure-asyncoperation": `${ENDPOINT}/ops/${name}` }, body: { ...r.body, properties: { ...r.body.properties, provisioningState: "Updating" } } }));
  for (const name of ["a", "b"]) arm.script((r) => r.url.pathname === `/ops/${name}`, { status: 200, body: { status: "InProgress" } }, { status: 200, body: { status: "Succeeded" } });
  for (const s of [a, b]) arm.seed(s.id, { name: s.name, properties: { ...s.body.properties as object, provisioningState: "Succeeded" } });
  await Promise.all([a, b].map((s) => provider.run(step(s), { exists: false, ownership: "absent", changes: [{ field: "(resource)" }], intentChanged: true }, progress, signal)));
  const order = arm.requests.filter((r) => r.method === "PUT" || r.path.startsWith("/ops/")).map((r) => (r.method === "PUT" ? `PUT ${r.path.split("/").pop()}` : `poll ${r.path.split("/").pop()}`));
  assert.deepEqual(order, ["PUT a", "poll a", "poll a", "PUT b", "poll b", "poll b"]);
});

test("a VNet update takes turns with its subnets' writes: the subnets it carries back are read inside the turn", async () => {
  const { arm, provider, progress, signal } = setup();
  const vnet = resource("Microsoft.Network/virtualNetworks", "Microsoft.Network/virtualNetworks/vnet", { location: "westeurope", properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] } } });
  const subnet = resource("Microsoft.Network/virtualNetworks/subnets", "Microsoft.Network/virtualNetworks/vnet/subnets/a", { properties: { addressPrefix: "10.0.0.0/24" } });
  arm.seed(vnet.id, { name: "vnet", location: "westeurope", tags: { [TAG.instance]: INSTANCE }, properties: { addressSpace: { addressPrefixes: ["10.9.0.0/16"] }, subnets: [] } });
  arm.script((r) => r.method === "PUT" && r.path.endsWith("/virtualnetworks/vnet"), (r) => ({ status: 201, headers: { "azure-asyncoperation": `${ENDPOINT}/ops/vnet` }, body: r.body }));
  arm.script((r) => r.url.pathname === "/ops/vnet", { status: 200, body: { status: "InProgress" } }, { status: 200, body: { status: "Succeeded" } });
  const live = await provider.inspect(step(vnet));
  await Promise.all([provider.run(step(vnet), live, progress, signal), provider.run(step(subnet), { exists: false, ownership: "absent", changes: [{ field: "(resource)" }], intentChanged: true }, progress, signal)]);
  const order = arm.requests.slice(1).map((r) => `${r.method} ${r.path.startsWith("/ops/") ? "operation" : r.path.split("/").pop()}`);
  assert.deepEqual(order, ["GET vnet", "PUT vnet", "GET operation", "GET operation", "GET vnet", "GET a", "PUT a"]);
});

test("removing a vault purges it only when its policy says so; a soft-deleted vault holding the name is recovered per policy", async () => {
  const { arm, provider, progress, signal } = setup();
  const kv = (softDelete?: AzureResource["softDelete"]) => resource("Microsoft.KeyVault/vaults", "Microsoft.KeyVault/vaults/kv-meta", { location: "West Europe", properties: { tenantId: "t" } }, softDelete ? { softDelete } : {});
  const deleted = `/subscriptions/${SUB}/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv-meta`;
  arm.script((r) => r.method === "POST" && r.path === `${deleted}/purge`.toLowerCase(), { status: 202, headers: { location: `${ENDPOINT}/ops/purge` } });
  arm.script((r) => r.url.pathname === "/ops/purge", { status: 200 });

  arm.seed(kv().id, { name: "kv-meta", location: "westeurope", tags: { [TAG.instance]: INSTANCE }, properties: { tenantId: "t" } });
  const kept = await provider.run(step(kv(), "remove"), await provider.inspect(step(kv(), "remove")), progress, signal);
  assert.equal(kept.did, "deleted (soft-deleted: recoverable until purged)");
  assert.equal(arm.requests.filter((r) => r.method === "POST").length, 0);

  arm.seed(kv().id, { name: "kv-meta", location: "westeurope", tags: { [TAG.instance]: INSTANCE }, properties: { tenantId: "t" } });
  const purging = kv({ onNameHeld: "fail", purgeOnRemove: true });
  assert.equal((await provider.run(step(purging, "remove"), await provider.inspect(step(purging, "remove")), progress, signal)).did, "deleted and purged");
  assert.equal(arm.requests.filter((r) => r.method === "POST")[0]!.apiVersion, "2023-07-01");

  arm.seed(deleted, { name: "kv-meta", properties: { deletionDate: "2026-11-01T00:00:00Z", scheduledPurgeDate: "2027-01-30T00:00:00Z" } });
  await assert.rejects(provider.run(step(kv()), await provider.inspect(step(kv())), progress, signal), /held by a deleted vault .*set onNameHeld: recover or purge on the vault/);
  await provider.run(step(kv({ onNameHeld: "recover", purgeOnRemove: false })), await provider.inspect(step(kv())), progress, signal);
  assert.equal(arm.writes().at(-1)!.body.properties.createMode, "recover");
});

test("owned lists resource groups and resources by the instance tag, by id whatever ARM's order; preflight says why ARM is unreachable", async () => {
  const { arm, provider } = setup();
  arm.script((r) => r.path.endsWith("/resourcegroups"), { status: 200, body: { value: [{ id: RG, name: "rg", type: "Microsoft.Resources/resourceGroups", tags: { [TAG.instance]: INSTANCE, [TAG.adopted]: "true" } }] } });
  arm.script((r) => r.path.endsWith("/resources"), { status: 200, body: { value: [{ id: `${RG}/providers/Microsoft.Sql/servers/sql/databases/db`, name: "sql/db", type: "Microsoft.Sql/servers/databases", tags: {} }], nextLink: `${ENDPOINT}/next-page` } });
  arm.script((r) => r.path === "/next-page", { status: 200, body: { value: [{ id: `${RG}/providers/Microsoft.KeyVault/vaults/kv`, name: "kv", type: "Microsoft.KeyVault/vaults", tags: { [TAG.instance]: INSTANCE } }] } });
  const owned = await provider.owned(INSTANCE, []);
  assert.deepEqual(owned.map((o) => [o.ref.kind, o.ref.namespace, o.ref.name, o.holdsData, o.adopted]), [
    ["Microsoft.Resources/resourceGroups", undefined, "rg", true, true],
    ["Microsoft.KeyVault/vaults", "rg", "kv", true, false],
    ["Microsoft.Sql/servers/databases", "rg", "sql/db", true, false],
  ]);
  assert.equal(arm.requests[1]!.url.searchParams.get("$filter"), `tagName eq 'berth.instance' and tagValue eq '${INSTANCE}'`);
  assert.match(arm.requests[1]!.url.search, /^\?\$filter=tagName%20eq%20(%27|')berth\.instance(%27|')%20and%20tagValue%20eq%20(%27|')meta\.prod(%27|')&api-version=2021-04-01$/, "sent as the Azure SDKs send OData parameters");

  arm.script((r) => r.path === `/subscriptions/${SUB}`, { status: 403, body: { error: { code: "AuthorizationFailed", message: "The client 'x' does not have authorization to perform action 'Microsoft.Resources/subscriptions/read'." } } });
  await assert.rejects(provider.preflight(), (e: unknown) => e instanceof ProviderUnavailable && /may not read the subscription: GET subscription .*AuthorizationFailed/.test(e.message));
  arm.script((r) => r.path === `/subscriptions/${SUB}`, { status: 200, body: { subscriptionId: SUB, displayName: "Data", state: "Enabled" } });
  assert.match((await provider.preflight()).endpoint, /\(subscription Data\)/);
});

test("a failed operation becomes a failed verdict with ARM's code, and explain gives its words and a hint", async () => {
  const { arm, provider, progress, signal } = setup();
  const aks = resource("Microsoft.ContainerService/managedClusters", "Microsoft.ContainerService/managedClusters/aks", { location: "westeurope", properties: { dnsPrefix: "aks" } });
  arm.script((r) => r.method === "PUT", { status: 201, headers: { "azure-asyncoperation": `${ENDPOINT}/ops/aks` } });
  arm.script((r) => r.url.pathname === "/ops/aks", { status: 200, body: { status: "Failed", error: { code: "SkuNotAvailable", message: "Standard_D4s_v5 is not available." } } });
  arm.seed(aks.id, { name: "aks", properties: { provisioningState: "Failed" } });
  const s = step(aks);
  await assert.rejects(provider.run(s, { exists: false, ownership: "absent", changes: [], intentChanged: true }, progress, signal), (e: unknown) => e instanceof ProviderRequestFailed && e.status === 200 && /SkuNotAvailable/.test(e.message));
  const verdict = await provider.check(s, "step");
  assert.deepEqual([verdict.done, verdict.ok, verdict.reason], [true, false, "SkuNotAvailable"]);
  const lines = await provider.explain(s, verdict);
  assert.equal(lines[0], "ARM error SkuNotAvailable: Standard_D4s_v5 is not available.");
  assert.match(lines.at(-1)!, /^hint: The SKU or VM size is not offered/);
});

test("a credential that cannot sign in makes preflight fail naming the sources tried, before any request reaches ARM", async () => {
  const arm = new FakeArm();
  const credential = { getToken: async () => { throw Object.assign(new Error("Azure CLI could not be found.\nmore"), { name: "CredentialUnavailableError" }); } };
  const provider = new AzureProvider({ cloud: resolveCloud({ resourceManager: ENDPOINT, authorityHost: "https://login.fake.test" }), credential, credentialSources: ["Azure CLI (az login)"], subscriptionId: SUB, instance: INSTANCE, clock: new VirtualClock(), httpClient: arm });
  await assert.rejects(provider.preflight(), (e: unknown) => e instanceof ProviderUnavailable && /the credential was refused: .*SignInFailed: cannot sign in to Azure: Azure CLI could not be found\.$/.test(e.message));
  assert.equal(arm.requests.length, 0);
});
