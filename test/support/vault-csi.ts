/**
 * The Secrets Store CSI driver's Azure provider for the Kubernetes test server (Scenario.csi), reading the Azure test
 * server's vaults as Azure would let it: the SecretProviderClass's clientID must be a user-assigned identity with a
 * federated credential for the pod's ServiceAccount (else Entra's AADSTS70021), holding a role that may read secret
 * values on the vault or above it (else Key Vault's 403), and the secret must exist (else 404). The errors carry the
 * texts the provider reports, so a FailedMount event reads as in a cluster.
 */
import type { AzureApiServer } from "./azure-api-server/index.ts";
import { matchesAction, ROLE_DEFINITIONS } from "./azure-api-server/types/authorization.ts";
import type { CsiProvider } from "./kube-api-server/index.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const GET_SECRET = "Microsoft.KeyVault/vaults/secrets/getSecret/action";

/** The built-in roles (as the Azure test server defines them) whose data actions cover reading a secret's value. */
const READS_SECRETS = new Set(ROLE_DEFINITIONS.filter((r) => r.dataActions.some((pattern) => matchesAction(pattern, GET_SECRET))).map((r) => r.id.toLowerCase()));

const lower = (s: unknown) => String(s ?? "").toLowerCase();

/** `azure` is asked at each fetch: the Azure test server may start after the Kubernetes one. */
export function vaultCsiProvider(azure: () => AzureApiServer | undefined): CsiProvider {
  return {
    fetch(spc: Json, objectName: string, pod: Json) {
      const a = azure();
      const p = spc.spec?.parameters ?? {};
      const vaultName = String(p.keyvaultName ?? "");
      const vault = a?.resources("Microsoft.KeyVault/vaults").find((v) => lower(v.name) === lower(vaultName));
      if (!a || !vault) return { error: `Get "https://${lower(vaultName)}.vault.azure.net/secrets/${objectName}/?api-version=7.4": dial tcp: lookup ${lower(vaultName)}.vault.azure.net: no such host` };
      const url = `${vault.properties?.vaultUri ?? `https://${lower(vaultName)}.vault.azure.net/`}secrets/${objectName}/`;
      const identity = a.resources("Microsoft.ManagedIdentity/userAssignedIdentities").find((i) => lower(i.properties?.clientId) === lower(p.clientID));
      const subject = `system:serviceaccount:${pod.metadata?.namespace}:${pod.spec?.serviceAccountName ?? "default"}`;
      if (!identity)
        return { error: `failed to acquire a token: AADSTS700016: Application with identifier '${p.clientID}' was not found in the directory '${a.tenantId}'.` };
      const federated = a.resources("Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials").some((f) => lower(f.id).startsWith(`${lower(identity.id)}/`) && f.properties?.subject === subject);
      if (!federated)
        return { error: `failed to acquire a token: AADSTS70021: No matching federated identity record found for presented assertion. Assertion Subject: '${subject}'. Assertion Audience: 'api://AzureADTokenExchange'.` };
      const principal = String(identity.properties?.principalId);
      const granted = a
        .resources("Microsoft.Authorization/roleAssignments")
        .some((r) => String(r.properties?.principalId) === principal && READS_SECRETS.has(lower(String(r.properties?.roleDefinitionId).split("/").pop())) && lower(vault.id).startsWith(lower(r.properties?.scope)));
      const resource = `${vault.id}/secrets/${objectName}`;
      if (!granted)
        return {
          error: `GET ${url} RESPONSE 403: 403 Forbidden ERROR CODE: Forbidden { "error": { "code": "Forbidden", "message": "Caller is not authorized to perform action on resource. If role assignments, deny assignments or role definitions were changed recently, please observe propagation time. Caller: appid=${p.clientID};oid=${principal} Action: '${GET_SECRET}' Resource: '${lower(resource)}' Assignment: (not found) Vault: ${vaultName};location=${vault.location}", "innererror": { "code": "ForbiddenByRbac" } } }`,
        };
      const value = a.writeOnly(resource, "properties.value");
      if (typeof value !== "string")
        return { error: `GET ${url} RESPONSE 404: 404 Not Found ERROR CODE: SecretNotFound { "error": { "code": "SecretNotFound", "message": "A secret with (name/id) ${objectName} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182" } }` };
      return value;
    },
  };
}
