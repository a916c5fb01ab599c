/**
 * The Key Vault data plane of the Azure test server over raw HTTPS: bearer tokens for the vault audience, RBAC and
 * access-policy authorisation with Key Vault's error bodies, values only to who may read them; and federated
 * credentials that Entra sees only once they have propagated (F17).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AZURE_TYPES } from "../../../src/resources/azure-types.ts";
import { VirtualClock } from "../clock.ts";
import { startAzureApiServer, type AzureApiServer } from "./index.ts";
import { armToken, raw, serviceAccountToken } from "./testing.ts";

const v = (type: string): string => `api-version=${AZURE_TYPES[type]!.apiVersion}`;
const SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
const READER = "acdd72a7-3c48-4e46-bc6c-2d0aacf5ad54";
const CANARY = "kv-data-canary-7f3";

async function vaultToken(server: AzureApiServer, client = { id: server.clientId, secret: server.clientSecret }): Promise<string> {
  const r = await raw(server, "POST", `/${server.tenantId}/oauth2/v2.0/token`, { form: { grant_type: "client_credentials", client_id: client.id, client_secret: client.secret, scope: "https://vault.azure.net/.default" } });
  return String(r.body!.access_token);
}

describe("Azure test server: Key Vault data plane", () => {
  const clock = new VirtualClock({ auto: false });
  const objectId = "0b5e7f2a-1111-4c8b-9a51-2d6f0e8b7c41";
  let server: AzureApiServer;
  let arm: string;
  const rg = () => `/subscriptions/${server.subscriptionId}/resourceGroups/rg`;
  const vaultId = (name: string) => `${rg()}/providers/Microsoft.KeyVault/vaults/${name}`;
  const secretPath = (vault: string, name: string) => `/keyvault/${vault}/secrets/${name}?api-version=7.4`;
  const assign = async (scope: string, role: string, name: string) => {
    const r = await raw(server, "PUT", `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?${v("Microsoft.Authorization/roleAssignments")}`, {
      token: arm,
      body: { properties: { roleDefinitionId: `/subscriptions/${server.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`, principalId: objectId, principalType: "ServicePrincipal" } },
    });
    assert.ok(r.status < 300, JSON.stringify(r.body));
  };

  before(async () => {
    server = await startAzureApiServer({ clock, clients: [{ clientId: "app-kv", clientSecret: "s3cret", objectId }, { clientId: "app-2", clientSecret: "x", objectId: "obj-2" }] });
    arm = await armToken(server);
    await raw(server, "PUT", `${rg()}?${v("Microsoft.Resources/resourceGroups")}`, { token: arm, body: { location: "westeurope" } });
    for (const [name, rbac] of [["kvrbac", true], ["kvpolicy", false]] as const) {
      const policies = rbac ? {} : { accessPolicies: [{ tenantId: server.tenantId, objectId, permissions: { secrets: ["Get", "List"] } }] };
      await raw(server, "PUT", `${vaultId(name)}?${v("Microsoft.KeyVault/vaults")}`, { token: arm, body: { location: "westeurope", properties: { tenantId: server.tenantId, sku: { family: "A", name: "standard" }, enableRbacAuthorization: rbac, ...policies } } });
    }
    clock.advance(20_000);
    for (const vault of ["kvrbac", "kvpolicy"])
      await raw(server, "PUT", `${vaultId(vault)}/secrets/db-password?${v("Microsoft.KeyVault/vaults/secrets")}`, { token: arm, body: { properties: { value: CANARY } } });
  });
  after(() => server.close());

  it("wants a bearer token for https://vault.azure.net, and says where to get one", async () => {
    const none = await raw(server, "GET", secretPath("kvrbac", "db-password"));
    assert.deepEqual([none.status, none.body?.error?.code], [401, "Unauthorized"]);
    assert.match(String(none.headers["www-authenticate"]), /^Bearer authorization=".*", resource="https:\/\/vault\.azure\.net"$/);
    const armAudience = await raw(server, "GET", secretPath("kvrbac", "db-password"), { token: arm });
    assert.match(String(armAudience.body?.error?.message), /^AKV10022: Invalid audience\. Expected https:\/\/vault\.azure\.net, found: /);
  });

  it("RBAC vault: 403 ForbiddenByRbac until a role with the secret-read data action is assigned at the vault or above", async () => {
    const token = await vaultToken(server);
    const denied = await raw(server, "GET", secretPath("kvrbac", "db-password"), { token });
    assert.equal(denied.status, 403);
    assert.equal(denied.body!.error.code, "Forbidden");
    assert.equal(denied.body!.error.innererror.code, "ForbiddenByRbac");
    assert.match(denied.body!.error.message, /^Caller is not authorized to perform action on resource\.\r\nIf role assignments/);
    assert.match(denied.body!.error.message, new RegExp(`Caller: appid=app-kv;oid=${objectId}`));
    assert.match(denied.body!.error.message, /Vault: kvrbac;location=westeurope/);
    assert.ok(!JSON.stringify(denied.body).includes(CANARY));
    // Reader is an ARM role: no data actions, still denied.
    await assign(vaultId("kvrbac"), READER, "00000000-0000-4000-8000-000000000001");
    assert.equal((await raw(server, "GET", secretPath("kvrbac", "db-password"), { token })).status, 403);
    // Key Vault Secrets User on the resource group covers the vault below it.
    await assign(rg(), SECRETS_USER, "00000000-0000-4000-8000-000000000002");
    const got = await raw(server, "GET", secretPath("kvrbac", "db-password"), { token });
    assert.equal(got.status, 200);
    assert.equal(got.body!.value, CANARY);
    assert.match(String(got.body!.id), new RegExp(`^${server.url}/keyvault/kvrbac/secrets/db-password/[0-9a-f]{32}$`));
    assert.equal(got.body!.attributes.enabled, true);
    const missing = await raw(server, "GET", secretPath("kvrbac", "nope"), { token });
    assert.deepEqual([missing.status, missing.body!.error.code], [404, "SecretNotFound"]);
    assert.equal((await raw(server, "GET", "/keyvault/kvrbac/secrets/db-password", { token })).status, 400, "api-version required");
  });

  it("access-policy vault: the policy's secret permissions decide", async () => {
    const token = await vaultToken(server);
    assert.equal((await raw(server, "GET", secretPath("kvpolicy", "db-password"), { token })).body!.value, CANARY);
    const stranger = await raw(server, "GET", secretPath("kvpolicy", "db-password"), { token: await vaultToken(server, { id: "app-2", secret: "x" }) });
    assert.deepEqual([stranger.status, stranger.body!.error.innererror.code], [403, "AccessDenied"]);
    assert.match(stranger.body!.error.message, /does not have secrets get permission on key vault 'kvpolicy;location=westeurope'/);
    const records = server.requests.filter((r) => r.service === "keyvault");
    assert.ok(records.length > 0 && records.every((r) => r.path.startsWith("/keyvault/")), "data-plane requests are recorded as keyvault");
  });
});

describe("Azure test server: federated credentials propagate before Entra accepts them", () => {
  it("answers AADSTS70021 for federationPropagationMs after the credential's write, then exchanges the token", async () => {
    const clock = new VirtualClock({ auto: false });
    const server = await startAzureApiServer({ clock, federationPropagationMs: 10_000, latency: { "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials": 0 } });
    try {
      const arm = await armToken(server);
      const rg = `/subscriptions/${server.subscriptionId}/resourceGroups/rg`;
      await raw(server, "PUT", `${rg}?${v("Microsoft.Resources/resourceGroups")}`, { token: arm, body: { location: "westeurope" } });
      const id = `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app`;
      const identity = await raw(server, "PUT", `${id}?${v("Microsoft.ManagedIdentity/userAssignedIdentities")}`, { token: arm, body: { location: "westeurope" } });
      const fic = { issuer: "https://oidc.example/cluster/", subject: "system:serviceaccount:ns:sa", audiences: ["api://AzureADTokenExchange"] };
      await raw(server, "PUT", `${id}/federatedIdentityCredentials/ns-sa?${v("Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials")}`, { token: arm, body: { properties: fic } });
      const exchange = () =>
        raw(server, "POST", `/${server.tenantId}/oauth2/v2.0/token`, {
          form: {
            grant_type: "client_credentials",
            client_id: String(identity.body!.properties.clientId),
            client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            client_assertion: serviceAccountToken({ iss: fic.issuer, sub: fic.subject, aud: "api://AzureADTokenExchange" }),
            scope: "https://vault.azure.net/.default",
          },
        });
      const early = await exchange();
      assert.equal(early.status, 400);
      assert.match(String(early.body!.error_description), /^AADSTS70021: No matching federated identity record found/);
      clock.advance(10_000);
      assert.equal((await exchange()).status, 200);
    } finally {
      await server.close();
    }
  });
});
