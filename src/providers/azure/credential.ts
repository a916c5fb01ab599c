/**
 * The Azure credential berth signs in with, as a fixed chain: a service principal or workload identity from the
 * environment (CI, pods), then the Azure CLI's signed-in user. DefaultAzureCredential is never used: unconfigured it
 * asks the instance metadata endpoint (169.254.169.254), which hangs or answers for the wrong machine outside Azure.
 */
import { AzureCliCredential, ChainedTokenCredential, ClientSecretCredential, type TokenCredential, WorkloadIdentityCredential } from "@azure/identity";
import type { AzureCloud } from "./cloud.ts";

export type Env = Readonly<Record<string, string | undefined>>;

export interface CredentialChoice {
  readonly credential: TokenCredential;
  /** Which sources are tried, in order, for messages ("service principal from AZURE_CLIENT_SECRET, Azure CLI"). */
  readonly sources: readonly string[];
}

/**
 * AZURE_AUTHORITY_HOST wins over the cloud's authority (it is how the SDKs and az are pointed elsewhere); a custom
 * authority has no instance metadata to discover.
 */
export function azureCredential(cloud: AzureCloud, env: Env = process.env): CredentialChoice {
  const authorityHost = env.AZURE_AUTHORITY_HOST?.replace(/\/+$/, "") || cloud.authorityHost;
  const custom = cloud.custom || !!env.AZURE_AUTHORITY_HOST;
  const options = { authorityHost, ...(custom ? { disableInstanceDiscovery: true } : {}) };
  const chain: TokenCredential[] = [];
  const sources: string[] = [];
  const { AZURE_CLIENT_ID: clientId, AZURE_TENANT_ID: tenantId, AZURE_CLIENT_SECRET: secret, AZURE_FEDERATED_TOKEN_FILE: tokenFile } = env;
  if (clientId && tenantId && tokenFile) {
    chain.push(new WorkloadIdentityCredential({ ...options, clientId, tenantId, tokenFilePath: tokenFile }));
    sources.push("workload identity (AZURE_FEDERATED_TOKEN_FILE)");
  } else if (clientId && tenantId && secret) {
    chain.push(new ClientSecretCredential(tenantId, clientId, secret, options));
    sources.push("service principal (AZURE_CLIENT_SECRET)");
  }
  chain.push(new AzureCliCredential(tenantId ? { tenantId } : {}));
  sources.push("Azure CLI (az login)");
  return { credential: chain.length === 1 ? chain[0]! : new ChainedTokenCredential(...chain), sources };
}
