/**
 * Which Azure cloud berth talks to: the Resource Manager endpoint every ARM request goes to and the Entra ID authority
 * tokens come from. The named clouds are Azure's own; a custom one (Azure Stack, a sovereign cloud not listed, a test
 * server) is given as both URLs.
 */
export interface AzureCloud {
  readonly name: string;
  /** ARM endpoint, without a trailing slash. */
  readonly resourceManager: string;
  /** Entra ID authority host, without a trailing slash. */
  readonly authorityHost: string;
  /**
   * The Key Vault data plane's resource (`https://vault.azure.net`): tokens for recovering and purging deleted
   * secrets are asked for `<keyVault>/.default`. A custom cloud may leave it out: then it is read from the vault's URI.
   */
  readonly keyVault?: string;
  /** Not one of Azure's clouds: MSAL cannot discover its instance metadata, so discovery is turned off. */
  readonly custom: boolean;
}

export const AZURE_CLOUDS: Readonly<Record<string, Omit<AzureCloud, "name" | "custom">>> = {
  AzureCloud: { resourceManager: "https://management.azure.com", authorityHost: "https://login.microsoftonline.com", keyVault: "https://vault.azure.net" },
  AzureChinaCloud: { resourceManager: "https://management.chinacloudapi.cn", authorityHost: "https://login.chinacloudapi.cn", keyVault: "https://vault.azure.cn" },
  AzureUSGovernment: { resourceManager: "https://management.usgovcloudapi.net", authorityHost: "https://login.microsoftonline.us", keyVault: "https://vault.usgovcloudapi.net" },
};

/** The host suffix of each named cloud's Blob endpoints: `https://<account>.blob.<suffix>`. */
export const BLOB_ENDPOINT_SUFFIX: Readonly<Record<string, string>> = {
  AzureCloud: "core.windows.net",
  AzureChinaCloud: "core.chinacloudapi.cn",
  AzureUSGovernment: "core.usgovcloudapi.net",
};

export type CloudSpec = string | { readonly resourceManager: string; readonly authorityHost: string; readonly keyVault?: string };

const trim = (url: string): string => url.replace(/\/+$/, "");

/** The cloud a spec names (default the public cloud); throws with the known names when the name is not one. */
export function resolveCloud(spec: CloudSpec | undefined = "AzureCloud"): AzureCloud {
  if (typeof spec !== "string") return { name: "custom", resourceManager: trim(spec.resourceManager), authorityHost: trim(spec.authorityHost), ...(spec.keyVault ? { keyVault: trim(spec.keyVault) } : {}), custom: true };
  const known = AZURE_CLOUDS[spec];
  if (!known) throw new Error(`unknown Azure cloud ${JSON.stringify(spec)}: one of ${Object.keys(AZURE_CLOUDS).join(", ")}, or { resourceManager, authorityHost }`);
  return { name: spec, ...known, custom: false };
}

/** The scope of an ARM token: the Resource Manager's own URL with `/.default` (public cloud `https://management.azure.com/.default`). */
export const armScope = (cloud: Pick<AzureCloud, "resourceManager">): string => `${trim(cloud.resourceManager)}/.default`;

/**
 * The scope of a Key Vault data-plane token. The cloud's own when it has one; otherwise the vault's DNS suffix, as Key
 * Vault's own challenge names it (`https://kv.vault.local.azurestack.external/` → `https://vault.local.azurestack.external`),
 * or the vault's origin when its host is no DNS name (an address, a test server).
 */
export function keyVaultScope(cloud: Pick<AzureCloud, "keyVault">, vaultUri: string): string {
  if (cloud.keyVault) return `${trim(cloud.keyVault)}/.default`;
  const url = new URL(vaultUri);
  const labels = url.hostname.split(".");
  const dns = labels.length >= 3 && !/^\d+$/.test(labels.at(-1)!);
  return `${dns ? `${url.protocol}//${labels.slice(1).join(".")}` : url.origin}/.default`;
}

/** The AKS server application (same id in every cloud): an Entra-integrated cluster's API server accepts its tokens. */
export const AKS_SERVER_SCOPE = "6dae42f8-4368-4678-94ff-3960e28e3630/.default";
