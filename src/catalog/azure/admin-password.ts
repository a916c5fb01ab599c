/**
 * Where a server's generated admin password is kept: a secret of the platform's Key Vault (docs/design/0010,
 * "Generated admin passwords"). The spec rules made sure there is exactly one vault to choose, or a named one.
 */
import type { AzureResource } from "../../resources/azure-resource.ts";
import { armOf } from "./ids.ts";
import type { AzureContext } from "./context.ts";

export function adminPassword(ctx: AzureContext, server: { adminPassword?: { keyVault: string } }, serverName: string): { secrets: NonNullable<AzureResource["generatedSecrets"]>; vaultKey: string } {
  const vault = armOf(ctx.azure, "keyVaults", server.adminPassword?.keyVault ?? Object.keys(ctx.azure.keyVaults)[0]!)!;
  return {
    secrets: { "properties.administratorLoginPassword": { keepIn: vault.key, secretName: `${serverName}-admin-password` } },
    vaultKey: vault.key,
  };
}
