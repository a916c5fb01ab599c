/**
 * The Azure test server's own behaviour, over raw HTTPS (no SDK retries hiding answers): authentication, api-version
 * checks, long-running operations on a stepped clock, per-type rules, RBAC, soft delete, faults.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { AZURE_API, AZURE_TYPES } from "../../../src/resources/azure-types.ts";
import { VirtualClock } from "../clock.ts";
import { startAzureApiServer, type AzureApiServer, type Scenario } from "./index.ts";
import { armToken, claimsOf, raw, type RawResponse, serviceAccountToken } from "./testing.ts";

const v = (type: string): string => `api-version=${AZURE_TYPES[type]!.apiVersion}`;
const RG_V = v("Microsoft.Resources/resourceGroups");

interface Harness {
  server: AzureApiServer;
  clock: VirtualClock;
  call(method: string, path: string, body?: unknown): Promise<RawResponse>;
  /** `/subscriptions/{s}/resourceGroups/{rg}` */
  rg(name: string): string;
}

/** A server on a clock that moves only when the test advances it, with resource group `rg` in westeurope. */
async function harness(scenario: Scenario = {}): Promise<Harness> {
  const clock = new VirtualClock({ auto: false });
  const server = await startAzureApiServer({ clock, ...scenario });
  const token = await armToken(server);
  const h: Harness = {
    server,
    clock,
    call: (method, path, body) => raw(server, method, path, { token, body }),
    rg: (name) => `/subscriptions/${server.subscriptionId}/resourceGroups/${name}`,
  };
  assert.equal((await h.call("PUT", `${h.rg("rg")}?${RG_V}`, { location: "westeurope" })).status, 201);
  return h;
}

const code = (r: RawResponse): string | undefined => r.body?.error?.code;

describe("Azure test server: authentication and api-version", () => {
  let h: Harness;
  before(async () => (h = await harness()));
  after(() => h.server.close());

  it("refuses ARM calls without a valid bearer token, with a WWW-Authenticate challenge", async () => {
    const none = await raw(h.server, "GET", `${h.rg("rg")}?${RG_V}`);
    assert.equal(none.status, 401);
    assert.equal(code(none), "AuthenticationFailed");
    assert.match(String(none.headers["www-authenticate"]), /^Bearer authorization_uri=/);
    const forged = await raw(h.server, "GET", `${h.rg("rg")}?${RG_V}`, { token: "eyJhbGciOiJIUzI1NiJ9.eyJvaWQiOiJ4In0.c2ln" });
    assert.equal(code(forged), "InvalidAuthenticationToken");
  });

  it("requires the api-version, and for berth's types exactly the one in azure-types.ts", async () => {
    const missing = await h.call("GET", h.rg("rg"));
    assert.deepEqual([missing.status, code(missing)], [400, "MissingApiVersionParameter"]);
    const wrong = await h.call("GET", `${h.rg("rg")}/providers/Microsoft.ContainerService/managedClusters/aks?api-version=2020-01-01`);
    assert.deepEqual([wrong.status, code(wrong)], [400, "NoRegisteredProviderFound"]);
    assert.match(wrong.body!.error.message, new RegExp(AZURE_TYPES["Microsoft.ContainerService/managedClusters"]!.apiVersion));
    const unknownSub = await h.call("GET", `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg?${RG_V}`);
    assert.deepEqual([unknownSub.status, code(unknownSub)], [404, "SubscriptionNotFound"]);
  });

  it("a child process trusts the server through NODE_EXTRA_CA_CERTS, and only with it", async () => {
    const probe = `require("https").get(process.argv[1], (r) => { console.log(r.statusCode); r.resume(); }).on("error", (e) => { console.log(e.code); });`;
    const run = (env: NodeJS.ProcessEnv) => promisify(execFile)(process.execPath, ["-e", probe, `${h.server.url}/subscriptions/${h.server.subscriptionId}?api-version=2022-12-01`], { env, timeout: 20_000 });
    const { NODE_EXTRA_CA_CERTS: _, ...base } = process.env;
    assert.equal((await run({ ...base, NODE_EXTRA_CA_CERTS: h.server.caPath })).stdout.trim(), "401");
    assert.equal((await run(base)).stdout.trim(), "DEPTH_ZERO_SELF_SIGNED_CERT");
  });

  it("serves Entra discovery and answers token errors with AADSTS codes", async () => {
    const oidc = await raw(h.server, "GET", `/${h.server.tenantId}/v2.0/.well-known/openid-configuration`);
    assert.equal(oidc.body!.token_endpoint, `${h.server.url}/${h.server.tenantId}/oauth2/v2.0/token`);
    const instance = await raw(h.server, "GET", `/common/discovery/instance?api-version=1.1&authorization_endpoint=${h.server.url}/${h.server.tenantId}/oauth2/v2.0/authorize`);
    assert.equal(instance.body!["api-version"], "1.1");
    const form = { grant_type: "client_credentials", client_id: "nobody", client_secret: "x", scope: "https://management.azure.com/.default" };
    const unknownClient = await raw(h.server, "POST", `/${h.server.tenantId}/oauth2/v2.0/token`, { form });
    assert.deepEqual([unknownClient.status, unknownClient.body!.error, unknownClient.body!.error_codes], [400, "unauthorized_client", [700016]]);
    const unknownTenant = await raw(h.server, "POST", `/not-a-tenant/oauth2/v2.0/token`, { form });
    assert.deepEqual(unknownTenant.body!.error_codes, [90002]);
  });
});

describe("Azure test server: app registrations of the scenario", () => {
  it("a client with a federated credential signs in with a matching assertion only; its token names its object id", async () => {
    const server = await startAzureApiServer({ clients: [{ clientId: "app-ci", objectId: "obj-ci", federated: [{ issuer: "https://token.actions.example/", subject: "repo:org/berth:ref:refs/heads/main" }] }] });
    try {
      const token = (sub: string) =>
        raw(server, "POST", `/${server.tenantId}/oauth2/v2.0/token`, {
          form: {
            grant_type: "client_credentials",
            client_id: "app-ci",
            scope: "https://management.azure.com/.default",
            client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            client_assertion: serviceAccountToken({ iss: "https://token.actions.example/", sub, aud: "api://AzureADTokenExchange" }),
          },
        });
      const ok = await token("repo:org/berth:ref:refs/heads/main");
      assert.equal(claimsOf(ok.body!.access_token).oid, "obj-ci");
      const other = await token("repo:org/berth:ref:refs/heads/dev");
      assert.deepEqual([other.status, other.body!.error_codes], [400, [70021]]);
      const noSecret = await raw(server, "POST", `/${server.tenantId}/oauth2/v2.0/token`, { form: { grant_type: "client_credentials", client_id: "app-ci", client_secret: "guess", scope: "https://management.azure.com/.default" } });
      assert.deepEqual([noSecret.status, noSecret.body!.error_codes], [401, [7000215]], "a client without a secret takes none");
    } finally {
      await server.close();
    }
  });
});

describe("Azure test server: long-running operations and networks", () => {
  let h: Harness;
  before(async () => (h = await harness({ retryAfterSeconds: 7 })));
  after(() => h.server.close());
  const vnet = () => `${h.rg("rg")}/providers/Microsoft.Network/virtualNetworks/vnet`;
  const NET = v("Microsoft.Network/virtualNetworks");

  it("a PUT answers 201 Creating with Azure-AsyncOperation and Retry-After; the operation finishes when the clock passes its latency", async () => {
    const put = await h.call("PUT", `${vnet()}?${NET}`, { location: "westeurope", properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] } } });
    assert.equal(put.status, 201);
    assert.equal(put.body!.properties.provisioningState, "Creating");
    assert.equal(put.headers["retry-after"], "7");
    const status = new URL(String(put.headers["azure-asyncoperation"]));
    assert.equal((await h.call("GET", status.pathname + status.search)).body!.status, "InProgress");

    const busy = await h.call("PUT", `${vnet()}/subnets/a?${NET}`, { properties: { addressPrefix: "10.0.1.0/24" } });
    assert.deepEqual([busy.status, code(busy)], [409, "AnotherOperationInProgress"]);

    h.clock.advance(10_000);
    assert.equal((await h.call("GET", status.pathname + status.search)).body!.status, "Succeeded");
    assert.equal((await h.call("GET", `${vnet()}?${NET}`)).body!.properties.provisioningState, "Succeeded");
  });

  it("subnets must lie inside the VNet and not overlap; the VNet lists them; one write per VNet at a time", async () => {
    const outside = await h.call("PUT", `${vnet()}/subnets/out?${NET}`, { properties: { addressPrefix: "10.1.0.0/24" } });
    assert.deepEqual([outside.status, code(outside)], [400, "NetcfgSubnetRangeOutsideVnet"]);
    assert.equal((await h.call("PUT", `${vnet()}/subnets/a?${NET}`, { properties: { addressPrefix: "10.0.1.0/24" } })).status, 201);
    const concurrent = await h.call("PUT", `${vnet()}/subnets/b?${NET}`, { properties: { addressPrefix: "10.0.2.0/24" } });
    assert.equal(code(concurrent), "AnotherOperationInProgress");
    h.clock.advance(5_000);
    const overlap = await h.call("PUT", `${vnet()}/subnets/b?${NET}`, { properties: { addressPrefix: "10.0.1.128/25" } });
    assert.deepEqual([overlap.status, code(overlap)], [400, "NetcfgSubnetRangesOverlap"]);
    const listed = await h.call("GET", `${vnet()}?${NET}`);
    assert.deepEqual(listed.body!.properties.subnets.map((s: { name: string }) => s.name), ["a"]);
  });

  it("a DELETE answers 202 with Location; the result URL says 202 until done, then 204", async () => {
    const del = await h.call("DELETE", `${vnet()}/subnets/a?${NET}`);
    assert.equal(del.status, 202);
    const result = new URL(String(del.headers.location));
    assert.equal((await h.call("GET", result.pathname + result.search)).status, 202);
    h.clock.advance(5_000);
    assert.equal((await h.call("GET", result.pathname + result.search)).status, 204);
    assert.equal((await h.call("GET", `${vnet()}/subnets/a?${NET}`)).status, 404);
    assert.equal((await h.call("GET", `${h.rg("rg")}/providers/Microsoft.Network/virtualNetworks/nope/subnets/a?${NET}`)).body!.error.code, "ParentResourceNotFound");
  });
});

describe("Azure test server: provider registration", () => {
  it("writes to an unregistered namespace fail until registration has gone through", async () => {
    const h = await harness({ unregisteredProviders: ["Microsoft.Databricks"] });
    try {
      const ws = `${h.rg("rg")}/providers/Microsoft.Databricks/workspaces/dbw?${v("Microsoft.Databricks/workspaces")}`;
      const body = { location: "westeurope", sku: { name: "premium" }, properties: { managedResourceGroupId: h.rg("rg-dbw-managed") } };
      const refused = await h.call("PUT", ws, body);
      assert.deepEqual([refused.status, code(refused)], [409, "MissingSubscriptionRegistration"]);
      const provider = `/subscriptions/${h.server.subscriptionId}/providers/Microsoft.Databricks`;
      assert.equal((await h.call("GET", `${provider}?api-version=${AZURE_API.providers}`)).body!.registrationState, "NotRegistered");
      assert.equal((await h.call("POST", `${provider}/register?api-version=${AZURE_API.providers}`)).body!.registrationState, "Registering");
      assert.equal(code(await h.call("PUT", ws, body)), "MissingSubscriptionRegistration");
      h.clock.advance(60_000);
      assert.equal((await h.call("GET", `${provider}?api-version=${AZURE_API.providers}`)).body!.registrationState, "Registered");
      const created = await h.call("PUT", ws, { ...body, location: "West Europe" });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual([created.body!.location, created.body!.properties.provisioningState], ["westeurope", "Accepted"], "location normalised as ARM answers it");
      assert.ok(created.body!.systemData.createdAt);
      h.clock.advance(6 * 60_000);
      const done = await h.call("GET", ws);
      assert.match(done.body!.properties.workspaceUrl, /^adb-\d+\.\d+\.azuredatabricks\.net$/);
      assert.ok(h.server.resource(h.rg("rg-dbw-managed")), "the workspace's managed resource group exists");
    } finally {
      await h.server.close();
    }
  });
});

describe("Azure test server: databases, Key Vault, RBAC", () => {
  let h: Harness;
  before(async () => (h = await harness({ principalReplicationMs: 30_000 })));
  after(() => h.server.close());

  it("PostgreSQL: reserved admin names and a missing password are refused; the password is never returned", async () => {
    const pg = `${h.rg("rg")}/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg1?${v("Microsoft.DBforPostgreSQL/flexibleServers")}`;
    const body = (login: string, password?: string) => ({ location: "westeurope", sku: { name: "Standard_B1ms", tier: "Burstable" }, properties: { administratorLogin: login, ...(password ? { administratorLoginPassword: password } : {}), version: "16" } });
    for (const login of ["azure_superuser", "admin", "pg_owner"]) assert.equal(code(await h.call("PUT", pg, body(login, "pw-1"))), "InvalidParameterValue", login);
    assert.match((await h.call("PUT", pg, body("berth"))).body!.error.message, /administratorLoginPassword/);
    const created = await h.call("PUT", pg, body("berth", "pw-canary-1"));
    assert.equal(created.status, 201);
    h.clock.advance(4 * 60_000);
    const got = await h.call("GET", pg);
    assert.equal(got.body!.properties.fullyQualifiedDomainName, "pg1.postgres.database.azure.com");
    assert.ok(!JSON.stringify(got.body).includes("pw-canary-1") && !JSON.stringify(created.body).includes("pw-canary-1"));
    assert.equal(got.body!.properties.administratorLoginPassword, undefined);
    assert.equal(h.server.writeOnly(got.body!.id, "properties.administratorLoginPassword") === "pw-canary-1", true);
    const db = await h.call("PUT", `${h.rg("rg")}/providers/Microsoft.DBforPostgreSQL/flexibleServers/nope/databases/app?${v("Microsoft.DBforPostgreSQL/flexibleServers/databases")}`, { properties: {} });
    assert.equal(code(db), "ParentResourceNotFound");
  });

  it("Key Vault: soft delete keeps the name taken until recovered or purged; purge protection refuses purge; secret values stay write-only", async () => {
    const KV = v("Microsoft.KeyVault/vaults");
    const vault = (name: string) => `${h.rg("rg")}/providers/Microsoft.KeyVault/vaults/${name}?${KV}`;
    const body = (extra: Record<string, unknown> = {}) => ({ location: "westeurope", properties: { tenantId: h.server.tenantId, sku: { family: "A", name: "standard" }, ...extra } });
    assert.equal((await h.call("PUT", vault("kv1"), body())).status, 201);
    h.clock.advance(20_000);
    const got = await h.call("GET", vault("kv1"));
    assert.equal(got.body!.properties.vaultUri, `${h.server.url}/keyvault/kv1/`, "the vault URI points at this server's data plane");

    const secret = await h.call("PUT", `${h.rg("rg")}/providers/Microsoft.KeyVault/vaults/kv1/secrets/db-password?${v("Microsoft.KeyVault/vaults/secrets")}`, { properties: { value: "kv-canary-2" } });
    assert.equal(secret.status, 201);
    assert.equal(secret.body!.properties.secretUri, `${h.server.url}/keyvault/kv1/secrets/db-password`);
    assert.ok(!JSON.stringify(secret.body).includes("kv-canary-2"));

    assert.equal((await h.call("DELETE", vault("kv1"))).status, 200);
    const deleted = await h.call("GET", `/subscriptions/${h.server.subscriptionId}/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv1?api-version=${AZURE_API.deletedVaults}`);
    assert.equal(deleted.body!.properties.vaultId.toLowerCase(), vault("kv1").split("?")[0]!.toLowerCase());
    const again = await h.call("PUT", vault("kv1"), body());
    assert.deepEqual([again.status, code(again)], [409, "ConflictError"]);
    assert.equal((await h.call("PUT", vault("kv1"), body({ createMode: "recover" }))).status, 201);
    h.clock.advance(20_000);
    assert.equal(h.server.deletedVaults().length, 0);

    // Purge protection on: the deleted vault cannot be purged.
    await h.call("PUT", vault("kv1"), body({ enablePurgeProtection: true }));
    h.clock.advance(20_000);
    await h.call("DELETE", vault("kv1"));
    const purge = await h.call("POST", `/subscriptions/${h.server.subscriptionId}/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv1/purge?api-version=${AZURE_API.deletedVaults}`);
    assert.deepEqual([purge.status, code(purge)], [409, "InvalidOperation"]);

    // Without it, purge is a long-running operation that frees the name.
    await h.call("PUT", vault("kv2"), body());
    h.clock.advance(20_000);
    await h.call("DELETE", vault("kv2"));
    const purged = await h.call("POST", `/subscriptions/${h.server.subscriptionId}/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv2/purge?api-version=${AZURE_API.deletedVaults}`);
    assert.equal(purged.status, 202);
    h.clock.advance(30_000);
    assert.equal((await h.call("PUT", vault("kv2"), body())).status, 201);
  });

  it("role assignments: principals appear after the replication delay; duplicates and unknown roles are refused; built-in roles by name", async () => {
    const RA = v("Microsoft.Authorization/roleAssignments");
    const roles = await h.call("GET", `/subscriptions/${h.server.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions?$filter=${encodeURIComponent("roleName eq 'Key Vault Secrets User'")}&api-version=${AZURE_API.roleDefinitions}`);
    assert.deepEqual(roles.body!.value.map((r: { name: string }) => r.name), ["4633458b-17de-408a-b874-0445c86b69e6"]);
    const roleId = roles.body!.value[0].id as string;

    const identity = await h.call("PUT", `${h.rg("rg")}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-ra?${v("Microsoft.ManagedIdentity/userAssignedIdentities")}`, { location: "westeurope" });
    const principalId = identity.body!.properties.principalId as string;
    const scope = h.rg("rg");
    const assignment = (name: string, extra: Record<string, unknown> = {}) => h.call("PUT", `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?${RA}`, { properties: { roleDefinitionId: roleId, principalId, ...extra } });
    const early = await assignment("11111111-1111-4111-8111-111111111111");
    assert.deepEqual([early.status, code(early)], [400, "PrincipalNotFound"]);
    h.clock.advance(30_000);
    assert.equal((await assignment("11111111-1111-4111-8111-111111111111")).status, 201);
    assert.equal((await assignment("11111111-1111-4111-8111-111111111111")).status, 200, "the same assignment again is a no-op update");
    const dup = await assignment("22222222-2222-4222-8222-222222222222");
    assert.deepEqual([dup.status, code(dup)], [409, "RoleAssignmentExists"]);
    assert.equal(code(await h.call("PUT", `${scope}/providers/Microsoft.Authorization/roleAssignments/not-a-guid?${RA}`, { properties: { roleDefinitionId: roleId, principalId } })), "InvalidRoleAssignmentId");
  });

  it("counts writes (PUT/PATCH/DELETE/POST actions) and records each request with its api-version", () => {
    const writes = h.server.requests.filter((r) => r.write);
    assert.equal(h.server.writes(), writes.length);
    assert.ok(writes.length > 0 && writes.every((r) => ["PUT", "PATCH", "DELETE", "POST"].includes(r.method)));
    assert.ok(writes.some((r) => r.status === 409), "refused attempts count too");
    assert.ok(!h.server.requests.some((r) => r.write && r.method === "GET"));
    assert.ok(h.server.requests.filter((r) => r.service === "arm").every((r) => r.status === 400 || r.apiVersion !== undefined || r.status === 401));
  });
});

describe("Azure test server: permissions and faults", () => {
  it("a denied action shows in permissions and fails with 403 AuthorizationFailed", async () => {
    const h = await harness({ deniedActions: ["Microsoft.Authorization/roleAssignments/write"] });
    try {
      const perms = await h.call("GET", `${h.rg("rg")}/providers/Microsoft.Authorization/permissions?api-version=${AZURE_API.permissions}`);
      assert.deepEqual(perms.body!.value[0].notActions, ["Microsoft.Authorization/roleAssignments/write"]);
      const put = await h.call("PUT", `${h.rg("rg")}/providers/Microsoft.Authorization/roleAssignments/33333333-3333-4333-8333-333333333333?${v("Microsoft.Authorization/roleAssignments")}`, {
        properties: { roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3c48-4e46-bc6c-2d0aacf5ad54", principalId: "x" },
      });
      assert.deepEqual([put.status, code(put)], [403, "AuthorizationFailed"]);
    } finally {
      await h.server.close();
    }
  });

  it("request faults answer by count (429 with Retry-After, connection reset); provisioning faults end the operation Failed", async () => {
    const h = await harness({
      faults: [
        { match: { method: "GET", type: "Microsoft.Network/virtualNetworks" }, status: 429, retryAfter: 3 },
        { match: { path: "/virtualNetworks/reset" }, reset: true },
      ],
      provisioningFaults: [{ match: { type: "Microsoft.Network/virtualNetworks", name: "bad" }, code: "InternalServerError", message: "An unexpected error occured while processing the network profile." }],
    });
    try {
      const NET = v("Microsoft.Network/virtualNetworks");
      const path = (n: string) => `${h.rg("rg")}/providers/Microsoft.Network/virtualNetworks/${n}?${NET}`;
      const throttled = await h.call("GET", path("any"));
      assert.deepEqual([throttled.status, throttled.headers["retry-after"]], [429, "3"]);
      assert.equal((await h.call("GET", path("any"))).status, 404, "the fault was used up");
      await assert.rejects(h.call("GET", path("reset")), /socket hang up|ECONNRESET/);

      const put = await h.call("PUT", path("bad"), { location: "westeurope", properties: { addressSpace: { addressPrefixes: ["10.9.0.0/16"] } } });
      h.clock.advance(10_000);
      const status = new URL(String(put.headers["azure-asyncoperation"]));
      const op = await h.call("GET", status.pathname + status.search);
      assert.equal(op.body!.status, "Failed");
      assert.equal(op.body!.error.code, "InternalServerError");
      assert.equal((await h.call("GET", path("bad"))).body!.properties.provisioningState, "Failed");
    } finally {
      await h.server.close();
    }
  });

  it("on real time, latencies default to 0: a write is done when answered", async () => {
    const server = await startAzureApiServer({ realTime: true });
    try {
      const token = await armToken(server);
      const rg = `/subscriptions/${server.subscriptionId}/resourceGroups/rg`;
      await raw(server, "PUT", `${rg}?${RG_V}`, { token, body: { location: "westeurope" } });
      const put = await raw(server, "PUT", `${rg}/providers/Microsoft.Network/virtualNetworks/vnet?${v("Microsoft.Network/virtualNetworks")}`, { token, body: { location: "westeurope", properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] } } } });
      assert.equal(put.body!.properties.provisioningState, "Succeeded");
      assert.equal(put.headers["azure-asyncoperation"], undefined);
    } finally {
      await server.close();
    }
  });
});
