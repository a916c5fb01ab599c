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
  readonly instance: string;
  readonly adopt?: boolean;
  readonly env?: Env;
  readonly clock?: Clock;
}

export function connectAzure(options: AzureConnectOptions): AzureProvider {
  const cloud = resolveCloud(options.cloud);
  const { credential, sources } = azureCredential(cloud, options.env ?? process.env);
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
