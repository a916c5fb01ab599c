/**
 * The Azure provider as the CLI makes it: the cloud the spec names, the credential chain from the environment, the
 * subscription and the platform instance. Tests build AzureProvider directly with their own transport.
 */
import type { Clock } from "../../util/clock.ts";
import { type CloudSpec, resolveCloud } from "./cloud.ts";
import { azureCredential, type Env } from "./credential.ts";
import { AzureProvider } from "./provider.ts";

export interface AzureConnectOptions {
  readonly cloud?: CloudSpec;
  readonly subscriptionId: string;
  /** The spec's tenant: used when the environment names none. */
  readonly tenantId?: string;
  readonly instance: string;
  readonly adopt?: boolean;
  readonly env?: Env;
  readonly clock?: Clock;
}

export function connectAzure(options: AzureConnectOptions): AzureProvider {
  const cloud = resolveCloud(options.cloud);
  const { credential, sources } = azureCredential(cloud, withTenant(options.env ?? process.env, options.tenantId));
  return new AzureProvider({
    cloud,
    credential,
    credentialSources: sources,
    subscriptionId: options.subscriptionId,
    instance: options.instance,
    ...(options.adopt ? { adopt: true } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

/** The spec's tenant fills in AZURE_TENANT_ID when the environment names none. */
export const withTenant = (env: Env, tenantId: string | undefined): Env => (tenantId && !env.AZURE_TENANT_ID ? { ...env, AZURE_TENANT_ID: tenantId } : env);
