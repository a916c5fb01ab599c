/**
 * What the Databricks provider asks of Azure, through the Azure provider berth deploys with: its credential (Entra
 * tokens for the workspace and the management headers), its cloud's authority, ARM reads (a workspace's URL, a vault's
 * URI) and vault secret values (a service principal's secret, a PAT). One narrow interface, so tests can stand in for
 * Azure without ARM, and the Databricks side never builds an ARM client of its own.
 */
import type { TokenCredential } from "@azure/core-auth";
import type { HttpClient } from "@azure/core-rest-pipeline";
import { AZURE_TYPES } from "../../resources/azure-types.ts";
import type { VaultSecretRef } from "../../resources/databricks-resource.ts";
import type { Env } from "../azure/credential.ts";
import type { AzureCloud } from "../azure/cloud.ts";
import type { AzureProvider } from "../azure/provider.ts";
import { ProviderRequestFailed, type Progress } from "../provider.ts";
import { AzureRequestError } from "../azure/errors.ts";
import { formatWait } from "../azure/arm-client.ts";
import { DEFAULT_RETRY, withRetry } from "../../util/retry.ts";

export interface AzureAccess {
  readonly credential: TokenCredential;
  readonly cloud: AzureCloud;
  /** Where Entra tokens come from: AZURE_AUTHORITY_HOST when set, else the cloud's. */
  readonly authorityHost: string;
  /** The transport the Azure provider uses (tests: one trusting the test server's certificate). */
  readonly httpClient?: HttpClient;
  /** An ARM resource's properties; undefined when it does not exist (404). */
  properties(id: string, type: string, progress?: Progress): Promise<Record<string, any> | undefined>;
  /** properties.vaultUri of a vault. */
  vaultUri(vaultId: string, progress?: Progress): Promise<string>;
  /** A vault secret's value, added to `redactor` before it is returned. */
  vaultSecret(ref: VaultSecretRef, redactor: { add(value: string): void }, progress?: Progress): Promise<{ readonly value: string; readonly updatedOn?: number }>;
}

const VAULTS = "Microsoft.KeyVault/vaults";

/** How long a role assignment may take to reach Key Vault (Azure documents up to 10 minutes for RBAC changes). */
const RBAC_PROPAGATION_MS = 10 * 60_000;

/** The deploying credential may not read a vault's secrets (403): the fix is a role on the vault, not the sign-in's secrets. */
export class VaultReadForbidden extends Error {
  constructor(
    readonly vaultId: string,
    readonly secret: string,
    cause: unknown,
  ) {
    super(`the deploying credential may not read secret ${secret} of Key Vault ${nameOf(vaultId)} (403)`, { cause });
  }

  get fix(): string {
    return `give the principal berth deploys as Key Vault Secrets User on the vault — berth does so on vaults it makes; on an existing vault its owner runs \`az role assignment create --role "Key Vault Secrets User" --assignee <object id> --scope ${this.vaultId}\``;
  }
}
const nameOf = (id: string): string => decodeURIComponent(id.replace(/\/+$/, "").split("/").pop() ?? id);

export function azureAccess(azure: AzureProvider, env: Env = process.env): AzureAccess {
  const cloud = azure.options.cloud;
  const properties = async (id: string, type: string, progress?: Progress) => {
    const apiVersion = AZURE_TYPES[type]?.apiVersion;
    if (!apiVersion) throw new Error(`no API version known for ${type}`);
    const live = await azure.read({ id, type, apiVersion, name: nameOf(id) }, progress);
    return live ? ((live.properties ?? {}) as Record<string, any>) : undefined;
  };
  const vaultUri = async (vaultId: string, progress?: Progress): Promise<string> => {
    const uri = (await properties(vaultId, VAULTS, progress))?.vaultUri;
    if (typeof uri !== "string") throw new ProviderRequestFailed(`Key Vault ${nameOf(vaultId)} does not exist (or has no vaultUri yet): ${vaultId}`, 404);
    return uri;
  };
  return {
    credential: azure.options.credential,
    cloud,
    authorityHost: env.AZURE_AUTHORITY_HOST?.replace(/\/+$/, "") || cloud.authorityHost,
    ...(azure.options.httpClient ? { httpClient: azure.options.httpClient } : {}),
    properties,
    vaultUri,
    async vaultSecret(ref, redactor, progress) {
      const uri = await vaultUri(ref.vaultId, progress);
      // Into both redactors at once: Azure's messages (a failed secret write) must not show it either.
      const both = {
        add: (v: string) => {
          redactor.add(v);
          azure.redactor.add(v);
        },
      };
      const operation = `GET secret ${ref.secret} of Key Vault ${nameOf(ref.vaultId)}`;
      let secret;
      try {
        // A role this plan just granted takes a while to reach the vault: its 403 is waited out, within a bound.
        secret = await withRetry(
          () => azure.data.secretValue(uri, ref.secret, both, operation, progress),
          (error) => (ref.granted && error instanceof AzureRequestError && error.status === 403 ? { retry: true, why: "the role berth granted on the vault is still propagating (403)" } : { retry: false }),
          { ...DEFAULT_RETRY, deadlineMs: RBAC_PROPAGATION_MS },
          {
            clock: azure.client.clock,
            ...(progress?.signal ? { signal: progress.signal } : {}),
            ...(progress?.deadline !== undefined ? { until: Math.min(progress.deadline, azure.client.clock.now() + RBAC_PROPAGATION_MS) } : {}),
            onWait: (wait) => progress?.note(`${operation}: ${wait.why}; trying again in ${formatWait(wait.ms)}`),
          },
        );
      } catch (error) {
        if (error instanceof AzureRequestError && error.status === 403) throw new VaultReadForbidden(ref.vaultId, ref.secret, error);
        throw error;
      }
      if (!secret) throw new ProviderRequestFailed(`Key Vault ${nameOf(ref.vaultId)} has no secret ${ref.secret}: set it (az keyvault secret set --vault-name ${nameOf(ref.vaultId)} --name ${ref.secret} --file <file>)`, 404);
      return secret;
    },
  };
}
