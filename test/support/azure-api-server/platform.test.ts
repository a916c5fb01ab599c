/**
 * The Azure test server's per-type rules that a data platform hits: private endpoints into a database with a private
 * DNS zone, SQL, a registry, AKS with Entra ID, a VNet PUT that would drop an in-use subnet, and a resource group
 * deletion that soft-deletes its vault.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AZURE_API, AZURE_TYPES } from "../../../src/resources/azure-types.ts";
import { VirtualClock } from "../clock.ts";
import { startAzureApiServer, type AzureApiServer } from "./index.ts";
import { armToken, raw, type RawResponse } from "./testing.ts";

const q = (type: string): string => `api-version=${AZURE_TYPES[type]!.apiVersion}`;
const code = (r: RawResponse): string | undefined => r.body?.error?.code;

describe("Azure test server: a private data platform", () => {
  let server: AzureApiServer;
  let clock: VirtualClock;
  let token: string;
  let rg: string;
  const call = (method: string, path: string, body?: unknown) => raw(server, method, path, { token, body });
  /** PUT and let the operation finish (the clock moves only here). */
  const put = async (path: string, type: string, body: unknown, ms = 10 * 60_000): Promise<RawResponse> => {
    const r = await call("PUT", `${path}?${q(type)}`, body);
    assert.ok(r.status === 200 || r.status === 201, `${type}: ${r.status} ${JSON.stringify(r.body)}`);
    clock.advance(ms);
    return call("GET", `${path}?${q(type)}`);
  };

  before(async () => {
    clock = new VirtualClock({ auto: false });
    server = await startAzureApiServer({ clock, kubernetes: { server: "https://kube.test:6443", token: "t0", caData: Buffer.from("CA").toString("base64") } });
    token = await armToken(server);
    rg = `/subscriptions/${server.subscriptionId}/resourceGroups/data`;
    await call("PUT", `${rg}?${q("Microsoft.Resources/resourceGroups")}`, { location: "westeurope" });
  });
  after(() => server.close());

  it("private endpoint to a PostgreSQL server, its DNS zone linked to the VNet; dangling references are refused", async () => {
    const vnet = `${rg}/providers/Microsoft.Network/virtualNetworks/vnet`;
    await put(vnet, "Microsoft.Network/virtualNetworks", { location: "westeurope", properties: { addressSpace: { addressPrefixes: ["10.10.0.0/16"] }, subnets: [{ name: "pe", properties: { addressPrefix: "10.10.1.0/24" } }] } });
    const subnet = `${vnet}/subnets/pe`;
    assert.equal((await call("GET", `${subnet}?${q("Microsoft.Network/virtualNetworks/subnets")}`)).status, 200, "inline subnets become child resources");
    const pg = `${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-data`;
    await put(pg, "Microsoft.DBforPostgreSQL/flexibleServers", { location: "westeurope", sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" }, properties: { administratorLogin: "berth", administratorLoginPassword: "pw-canary-3" } });
    const pe = `${rg}/providers/Microsoft.Network/privateEndpoints/pe-pg`;
    const peBody = (target: string) => ({ location: "westeurope", properties: { subnet: { id: subnet }, privateLinkServiceConnections: [{ name: "pg", properties: { privateLinkServiceId: target, groupIds: ["postgresqlServer"] } }] } });
    const dangling = await call("PUT", `${pe}?${q("Microsoft.Network/privateEndpoints")}`, peBody(`${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/nope`));
    assert.deepEqual([dangling.status, code(dangling)], [400, "InvalidResourceReference"]);
    const endpoint = await put(pe, "Microsoft.Network/privateEndpoints", peBody(pg));
    assert.equal(endpoint.body!.properties.privateLinkServiceConnections[0].properties.privateLinkServiceConnectionState.status, "Approved");

    const zone = `${rg}/providers/Microsoft.Network/privateDnsZones/privatelink.postgres.database.azure.com`;
    const regional = await call("PUT", `${zone}?${q("Microsoft.Network/privateDnsZones")}`, { location: "westeurope" });
    assert.equal(code(regional), "LocationNotAvailableForResourceType");
    await put(zone, "Microsoft.Network/privateDnsZones", { location: "global" });
    const link = await put(`${zone}/virtualNetworkLinks/vnet`, "Microsoft.Network/privateDnsZones/virtualNetworkLinks", { location: "global", properties: { virtualNetwork: { id: vnet }, registrationEnabled: false } });
    assert.equal(link.body!.properties.virtualNetworkLinkState, "Completed");
    const group = await put(`${pe}/privateDnsZoneGroups/default`, "Microsoft.Network/privateEndpoints/privateDnsZoneGroups", { properties: { privateDnsZoneConfigs: [{ name: "pg", properties: { privateDnsZoneId: zone } }] } });
    assert.equal(group.body!.properties.provisioningState, "Succeeded");

    // A VNet PUT without its subnets would delete them; the one in use by the endpoint cannot go.
    const drop = await call("PUT", `${vnet}?${q("Microsoft.Network/virtualNetworks")}`, { location: "westeurope", properties: { addressSpace: { addressPrefixes: ["10.10.0.0/16"] } } });
    assert.deepEqual([drop.status, code(drop)], [400, "InUseSubnetCannotBeDeleted"]);
    const deleteSubnet = await call("DELETE", `${subnet}?${q("Microsoft.Network/virtualNetworks/subnets")}`);
    assert.equal(code(deleteSubnet), "InUseSubnetCannotBeDeleted");
  });

  it("SQL server and database; a container registry with its login server", async () => {
    const sql = `${rg}/providers/Microsoft.Sql/servers/sql-data`;
    const refused = await call("PUT", `${sql}?${q("Microsoft.Sql/servers")}`, { location: "westeurope", properties: { administratorLogin: "sa", administratorLoginPassword: "x" } });
    assert.equal(code(refused), "InvalidParameterValue");
    const server1 = await put(sql, "Microsoft.Sql/servers", { location: "westeurope", properties: { administratorLogin: "berth", administratorLoginPassword: "pw-canary-4" } });
    assert.equal(server1.body!.properties.fullyQualifiedDomainName, "sql-data.database.windows.net");
    assert.ok(!JSON.stringify(server1.body).includes("pw-canary-4"));
    const db = await put(`${sql}/databases/app`, "Microsoft.Sql/servers/databases", { location: "westeurope", sku: { name: "GP_S_Gen5_2" } });
    assert.equal(db.body!.properties.status, "Online");
    const acr = await put(`${rg}/providers/Microsoft.ContainerRegistry/registries/BerthAcr`, "Microsoft.ContainerRegistry/registries", { location: "westeurope", sku: { name: "Premium" } });
    assert.equal(acr.body!.properties.loginServer, "berthacr.azurecr.io");
  });

  it("AKS with Entra ID: the user kubeconfig runs kubelogin; the admin one is refused without local accounts", async () => {
    const aks = `${rg}/providers/Microsoft.ContainerService/managedClusters/aks-aad`;
    const T = "Microsoft.ContainerService/managedClusters";
    await put(aks, T, { location: "westeurope", properties: { dnsPrefix: "aad", aadProfile: { managed: true, enableAzureRBAC: true }, disableLocalAccounts: true, agentPoolProfiles: [{ name: "sys", mode: "System", count: 1 }] } });
    const user = await call("POST", `${aks}/listClusterUserCredential?${q(T)}`);
    const kubeconfig = Buffer.from(user.body!.kubeconfigs[0].value, "base64").toString();
    assert.match(kubeconfig, /server: https:\/\/kube\.test:6443/);
    assert.match(kubeconfig, /certificate-authority-data: Q0E=/);
    assert.match(kubeconfig, /command: kubelogin/);
    const admin = await call("POST", `${aks}/listClusterAdminCredential?${q(T)}`);
    assert.deepEqual([admin.status, code(admin)], [400, "BadRequest"]);
    const noPool = await call("PUT", `${rg}/providers/Microsoft.ContainerService/managedClusters/aks-x?${q(T)}`, { location: "westeurope", properties: { dnsPrefix: "x", agentPoolProfiles: [{ name: "u", mode: "User", count: 1 }] } });
    assert.equal(code(noPool), "MustDefineAtLeastOneSystemPool");
    assert.equal(server.requests.filter((r) => r.path.endsWith("/listClusterUserCredential")).every((r) => !r.write), true, "credential listing is a read");
  });

  it("seeded resources exist as provisioned (pre-existing infrastructure), with their principals known to RBAC", async () => {
    const hub = `/subscriptions/${server.subscriptionId}/resourceGroups/hub`;
    server.seed({ id: hub, type: "Microsoft.Resources/resourceGroups", location: "westeurope", tags: {} });
    const id = `${hub}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shared`;
    server.seed({ id, type: "Microsoft.ManagedIdentity/userAssignedIdentities", location: "westeurope", properties: { principalId: "11111111-0000-4000-8000-000000000001", clientId: "c", tenantId: server.tenantId } });
    const vnet = `${hub}/providers/Microsoft.Network/virtualNetworks/hub`;
    server.seed({ id: vnet, type: "Microsoft.Network/virtualNetworks", location: "westeurope", properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] } } });
    assert.equal((await call("GET", `${vnet}?${q("Microsoft.Network/virtualNetworks")}`)).body!.properties.provisioningState, "Succeeded");
    const ra = await call("PUT", `${hub}/providers/Microsoft.Authorization/roleAssignments/44444444-4444-4444-8444-444444444444?${q("Microsoft.Authorization/roleAssignments")}`, {
      properties: { roleDefinitionId: `/subscriptions/${server.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7`, principalId: "11111111-0000-4000-8000-000000000001" },
    });
    assert.equal(ra.status, 201);
  });

  it("deleting the resource group takes everything with it and soft-deletes its vault", async () => {
    await put(`${rg}/providers/Microsoft.KeyVault/vaults/kv-data`, "Microsoft.KeyVault/vaults", { location: "westeurope", properties: { tenantId: server.tenantId, sku: { family: "A", name: "standard" } } });
    const del = await call("DELETE", `${rg}?${q("Microsoft.Resources/resourceGroups")}`);
    assert.equal(del.status, 202);
    assert.equal(del.headers["azure-asyncoperation"], undefined, "resource group deletion answers with Location only");
    const writeInto = await call("PUT", `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/late?${q("Microsoft.ManagedIdentity/userAssignedIdentities")}`, { location: "westeurope" });
    assert.equal(code(writeInto), "ResourceGroupBeingDeleted");
    clock.advance(60_000);
    assert.equal(server.resources().filter((r) => String(r.id).toLowerCase().startsWith(rg.toLowerCase())).length, 0);
    const deleted = await call("GET", `/subscriptions/${server.subscriptionId}/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv-data?api-version=${AZURE_API.deletedVaults}`);
    assert.equal(deleted.status, 200);
  });
});
