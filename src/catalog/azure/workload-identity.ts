/**
 * The client id (and tenant) a workload identity's ServiceAccount is annotated with. An identity of
 * spec.azure.identities is made by berth, so its client id is an output token, known after it is created; one of
 * spec.identities is made outside berth and given by value.
 */
import { outputToken } from "../../resources/outputs.ts";
import type { Platform } from "../../spec/schema.ts";
import { armOf } from "./ids.ts";

export interface WorkloadIdentity {
  readonly clientId: string;
  readonly tenantId?: string;
}

export function workloadIdentity(platform: Platform, name: string | undefined): WorkloadIdentity | undefined {
  if (name === undefined) return undefined;
  const azure = platform.spec.azure;
  const made = azure ? armOf(azure, "identities", name) : undefined;
  if (made) return { clientId: outputToken({ resource: made.key, output: "clientId" }), tenantId: azure!.tenantId };
  return platform.spec.identities[name]?.azure;
}
