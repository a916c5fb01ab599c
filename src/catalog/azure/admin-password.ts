/**
 * Where a server's generated admin password is kept: a secret of the platform's Key Vault (docs/design/0010,
 * "Generated admin passwords"; names per spec.azure.secrets.naming, docs/design/0011). The spec rules made sure there
 * is exactly one vault to choose, or a named one.
 */
import type { AzureResource } from "../../resources/azure-resource.ts";
import { armOf } from "./ids.ts";
import type { AzureContext } from "./context.ts";
import { adminSecretNames, namingVars } from "./vault-names.ts";
import { vaultSecretName } from "../../resources/vault-secrets.ts";

interface Server {
  readonly adminLogin: string;
  readonly adminPassword?: { keyVault: string };
  readonly adminCredentials?: { secret: string; userField: string; passwordField: string };
}

export function adminPassword(ctx: AzureContext, server: Server, family: "postgres" | "sql", logical: string): { secrets: NonNullable<AzureResource["generatedSecrets"]>; vaultKey: string } {
  const logicalVault = server.adminPassword?.keyVault ?? Object.keys(ctx.azure.keyVaults)[0]!;
  const vault = armOf(ctx.azure, "keyVaults", logicalVault)!;
  // A deleted secret holding either name is dealt with as the vault's deleted vaults are (docs/design/0011).
  const onNameHeld = ctx.azure.keyVaults[logicalVault]?.onNameHeld;
  const names = adminSecretNames(ctx, family, logical);
  const json = server.adminCredentials;
  return {
    secrets: {
      "properties.administratorLoginPassword": {
        keepIn: vault.key,
        secretName: names.password,
        ...(onNameHeld ? { softDelete: { onNameHeld, purgeOnRemove: false } } : {}),
        ...(json ? { alsoJson: { secretName: vaultSecretName(json.secret, namingVars(ctx)), fields: { user: json.userField, password: json.passwordField }, login: server.adminLogin } } : {}),
      },
    },
    vaultKey: vault.key,
  };
}
