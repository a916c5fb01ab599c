/**
 * The vault secrets a Databricks deploy reads — the sign-in's credentials (seed 001's four secrets) and the values of
 * Databricks-backed scopes — are the user's to set: each is planned as a provided vault secret (existing, never
 * written), so preflight names every missing one with the `az keyvault secret set` to run before anything changes,
 * and the Databricks steps that read it follow it.
 */
import type { AzureDesired } from "../../resources/azure-resource.ts";
import type { VaultSecretRef } from "../../resources/databricks-resource.ts";
import type { ResolvedSpec } from "../../spec/resolve.ts";
import { azureContext, childOf, make } from "../azure/context.ts";
import { armOf } from "../azure/ids.ts";
import { deployerRoleAssignment } from "../azure/role-assignment.ts";

const SECRET_TYPE = "Microsoft.KeyVault/vaults/secrets";

export interface ReadSecret {
  readonly ref: VaultSecretRef;
  readonly origin: readonly (string | number)[];
}

/**
 * One provided vault secret per name read (several readers share it); their keys by vault id + name. Reading values
 * takes a data-plane role the deploying principal does not have on a vault it just made (RBAC vaults give nobody
 * access by default): on each of berth's vaults read, it is granted Key Vault Secrets User — seed 001's "add an
 * access policy for the pipeline's service principal" step — and every reader of the vault follows the grant.
 */
export function providedVaultSecrets(spec: ResolvedSpec, read: readonly ReadSecret[]): { readonly azure: AzureDesired[]; readonly keyOf: (ref: VaultSecretRef) => string | undefined; readonly grantOf: (ref: VaultSecretRef) => string | undefined } {
  const azure = spec.platform.spec.azure;
  if (!azure) return { azure: [], keyOf: () => undefined, grantOf: () => undefined };
  const ctx = azureContext(spec);
  const vaults = new Map(Object.keys(azure.keyVaults).map((logical) => [armOf(azure, "keyVaults", logical)!.id.toLowerCase(), { logical, place: armOf(azure, "keyVaults", logical)! }]));
  const made = new Map<string, AzureDesired>();
  const grants = new Map<string, AzureDesired>();
  for (const r of read) {
    const found = vaults.get(r.ref.vaultId.toLowerCase());
    if (!found) continue;
    const vault = found.place;
    if (!azure.keyVaults[found.logical]!.existing && !grants.has(vault.id.toLowerCase()))
      grants.set(vault.id.toLowerCase(), deployerRoleAssignment(ctx, { role: "Key Vault Secrets User", scope: vault, origin: r.origin, group: ["azure", "keyVaults", found.logical] }));
    const id = `${vault.id}|${r.ref.secret}`.toLowerCase();
    if (made.has(id)) continue;
    const d = make(ctx, { place: childOf(ctx, vault, SECRET_TYPE, r.ref.secret), origin: r.origin, group: ["azure", "keyVaults", found.logical], existing: true, needs: [vault.key], body: {} });
    made.set(id, { ...d, resource: { ...d.resource, vaultSecret: { provided: {} } } });
  }
  return { azure: [...made.values(), ...grants.values()], keyOf: (ref) => made.get(`${ref.vaultId}|${ref.secret}`.toLowerCase())?.key, grantOf: (ref) => grants.get(ref.vaultId.toLowerCase())?.key };
}
