/** Names of vault secrets berth writes, from spec.azure.secrets.naming (docs/design/0011, "Vault mode"). */
import { vaultSecretName } from "../../resources/vault-secrets.ts";
import type { AzureContext } from "./context.ts";

export const namingVars = (ctx: AzureContext): Record<string, string> => ({ platform: ctx.platform, env: ctx.env, namespace: ctx.namespace });

/** The vault secret of one key of a generated Kubernetes Secret. */
export const generatedSecretName = (ctx: AzureContext, secret: string, key: string): string =>
  vaultSecretName(ctx.azure.secrets.naming, { ...namingVars(ctx), secret, key });

/** The vault secrets of a server's admin login and password: `{secret}` = `<family>-<logical>` (`sql-merge`). */
export const adminSecretNames = (ctx: AzureContext, family: "postgres" | "sql", logical: string) => ({
  password: generatedSecretName(ctx, `${family}-${logical}`, "admin-password"),
  login: generatedSecretName(ctx, `${family}-${logical}`, "admin-login"),
});
