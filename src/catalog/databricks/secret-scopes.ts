/**
 * Secret scopes with values kept in Key Vault: backed by the vault itself when berth signs in with Entra ID (the
 * only sign-in Databricks accepts for that), else a Databricks-backed scope whose values berth copies from the vault.
 * The plan names the backend and, when berth chose it, why.
 */
import { DATABRICKS_PROVIDER, type DatabricksDesired, type SecretScopeResource } from "../../resources/databricks-resource.ts";
import { databricksKey } from "../../providers/databricks/planning.ts";
import { type DatabricksContext, signsInWithEntra, vaultOf } from "./context.ts";

/** The vault a scope reads: its own, spec.azure.secrets' vault, or the only one. */
export function scopeVaultName(ctx: DatabricksContext, given: string | undefined): string | undefined {
  if (given) return given;
  const vaults = Object.keys(ctx.azure?.keyVaults ?? {});
  return ctx.azure?.secrets.keyVault ?? (vaults.length === 1 ? vaults[0] : undefined);
}

export function synthSecretScopes(ctx: DatabricksContext): DatabricksDesired[] {
  const out: DatabricksDesired[] = [];
  const entra = signsInWithEntra(ctx.workspace.auth);
  for (const [key, s] of Object.entries(ctx.spec.secretScopes)) {
    const origin = ["spec", "databricks", "secretScopes", key];
    const vaultName = scopeVaultName(ctx, s.keyVault);
    const vault = vaultName ? vaultOf(ctx.azure, vaultName) : undefined;
    // The rules report a missing vault; synth still makes a resource so every problem shows at once.
    const vaultId = vault?.id ?? `(unknown vault ${vaultName ?? ""})`;
    const keyVaultBacked = s.backend === "keyVault" || (s.backend === "auto" && entra && Object.keys(s.secrets).length === 0);
    // Said in the plan when berth fell back from a Key Vault-backed scope.
    const why =
      s.backend !== "auto" || keyVaultBacked
        ? undefined
        : !entra
          ? `a Key Vault-backed scope needs an Entra ID sign-in, and this workspace is reached with ${ctx.workspace.auth.type}`
          : "the scope maps its keys to vault secrets of other names";
    const backend: SecretScopeResource["backend"] = keyVaultBacked ? { type: "AZURE_KEYVAULT", vaultId } : { type: "DATABRICKS", secrets: Object.fromEntries(Object.entries(s.secrets).map(([k, secret]) => [k, { vaultId, secret }])) };
    const resource: SecretScopeResource = { kind: "secretScope", key, workspace: ctx.workspace, name: s.name ?? `${ctx.prefix}${key}`, backend, ...(why ? { why } : {}), ...(Object.keys(s.acls).length ? { acls: s.acls } : {}), ...(s.retain ? { retain: true } : {}) };
    out.push({ key: databricksKey(resource), provider: DATABRICKS_PROVIDER, resource, origin, group: ["databricks", "secretScopes", key], needs: [...ctx.needs, ...(vault ? [vault.key] : [])] });
  }
  return out;
}
