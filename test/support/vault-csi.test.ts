/** The CSI provider the test cluster reads vaults with: Azure's answers for each thing that can be missing, in the order Azure meets them. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { AZURE_TYPES } from "../../src/resources/azure-types.ts";
import { startAzureApiServer, type AzureApiServer } from "./azure-api-server/index.ts";
import { armToken, raw } from "./azure-api-server/testing.ts";
import { vaultCsiProvider } from "./vault-csi.ts";

let azure: AzureApiServer;
let token: string;
let rg: string;
const put = async (path: string, type: string, body: unknown) => {
  const r = await raw(azure, "PUT", `${path}?api-version=${AZURE_TYPES[type]?.apiVersion ?? "2022-04-01"}`, { token, body });
  assert.ok(r.status === 200 || r.status === 201, `${type}: ${r.status} ${JSON.stringify(r.body)}`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return r.body as Record<string, any>;
};

before(async () => {
  azure = await startAzureApiServer({ realTime: true });
  token = await armToken(azure);
  rg = `/subscriptions/${azure.subscriptionId}/resourceGroups/shop`;
  await put(rg, "Microsoft.Resources/resourceGroups", { location: "westeurope" });
  await put(`${rg}/providers/Microsoft.KeyVault/vaults/kv-shop`, "Microsoft.KeyVault/vaults", { location: "westeurope", properties: { tenantId: azure.tenantId, sku: { family: "A", name: "standard" }, enableRbacAuthorization: true } });
  await put(`${rg}/providers/Microsoft.KeyVault/vaults/kv-shop/secrets/db-password`, "Microsoft.KeyVault/vaults/secrets", { properties: { value: "CANARY-csi-value" } });
});
after(() => azure.close());

test("the provider signs in as the class's clientID through the pod's ServiceAccount, and reads only what the identity's role allows", async () => {
  const csi = vaultCsiProvider(() => azure);
  const identityPath = `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/reader`;
  const identity = await put(identityPath, "Microsoft.ManagedIdentity/userAssignedIdentities", { location: "westeurope" });
  const spc = (clientID: string, keyvaultName = "kv-shop") => ({ spec: { provider: "azure", parameters: { clientID, keyvaultName } } });
  const pod = { metadata: { namespace: "shop" }, spec: { serviceAccountName: "api" } };
  const error = (x: string | { error: string }) => (typeof x === "string" ? "(a value)" : x.error);

  assert.match(error(csi.fetch(spc(identity.properties.clientId, "kv-elsewhere"), "db-password", pod)), /lookup kv-elsewhere\.vault\.azure\.net: no such host/);
  assert.match(error(csi.fetch(spc("00000000-0000-0000-0000-00000000beef"), "db-password", pod)), /AADSTS700016: Application with identifier '00000000-0000-0000-0000-00000000beef' was not found/);
  assert.match(error(csi.fetch(spc(identity.properties.clientId), "db-password", pod)), /AADSTS70021: No matching federated identity record found for presented assertion\. Assertion Subject: 'system:serviceaccount:shop:api'/);

  await put(`${identityPath}/federatedIdentityCredentials/shop-api`, "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials", {
    properties: { issuer: "https://issuer.test/", subject: "system:serviceaccount:shop:api", audiences: ["api://AzureADTokenExchange"] },
  });
  const forbidden = error(csi.fetch(spc(identity.properties.clientId), "db-password", pod));
  assert.match(forbidden, /RESPONSE 403: 403 Forbidden ERROR CODE: Forbidden/);
  assert.match(forbidden, /Action: 'Microsoft\.KeyVault\/vaults\/secrets\/getSecret\/action'.*ForbiddenByRbac/);

  const vault = `${rg}/providers/Microsoft.KeyVault/vaults/kv-shop`;
  await put(`${vault}/providers/Microsoft.Authorization/roleAssignments/0b1a6f0e-9f0a-4b8e-9c52-5d6a3f7e8a01`, "Microsoft.Authorization/roleAssignments", {
    properties: { roleDefinitionId: `/subscriptions/${azure.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`, principalId: identity.properties.principalId, principalType: "ServicePrincipal" },
  });
  assert.equal(csi.fetch(spc(identity.properties.clientId), "db-password", pod), "CANARY-csi-value");
  assert.match(error(csi.fetch(spc(identity.properties.clientId), "db-user", pod)), /RESPONSE 404: 404 Not Found ERROR CODE: SecretNotFound .*A secret with \(name\/id\) db-user was not found in this key vault/);
  assert.match(error(csi.fetch(spc(identity.properties.clientId), "db-password", { ...pod, spec: { serviceAccountName: "other" } })), /AADSTS70021/, "federated for its ServiceAccount only");
});
