/**
 * Key Vault's soft delete: a deleted vault keeps its (global) name for its retention period. Creating a vault of that
 * name fails until the deleted one is recovered (`createMode: recover`) or purged; which one berth may do is the
 * resource's policy (AzureResource.softDelete), and without one berth stops and says what holds the name.
 */
import { AZURE_API } from "../../resources/azure-types.ts";
import type { AzureResource } from "../../resources/azure-resource.ts";
import type { Progress } from "../provider.ts";
import type { ArmClient, Json } from "./arm-client.ts";
import { canonicalLocation } from "./diff.ts";

export type NameHeldPolicy = NonNullable<AzureResource["softDelete"]>["onNameHeld"];

export const policyOf = (resource: AzureResource): NonNullable<AzureResource["softDelete"]> => resource.softDelete ?? { onNameHeld: "fail", purgeOnRemove: false };

const vaultName = (resource: AzureResource): string => resource.name.split("/").pop()!;

const deletedPath = (client: ArmClient, location: string, name: string): string =>
  `${client.subscriptionPath}/providers/Microsoft.KeyVault/locations/${encodeURIComponent(canonicalLocation(location))}/deletedVaults/${encodeURIComponent(name)}`;

/** The soft-deleted vault holding this vault's name in its location, if any. */
export async function deletedVaultHolding(client: ArmClient, resource: AzureResource): Promise<Json | undefined> {
  const location = resource.body.location;
  if (typeof location !== "string") return undefined;
  return client.get(deletedPath(client, location, vaultName(resource)), AZURE_API.deletedVaults, `GET deleted vault ${vaultName(resource)}`);
}

/** Purges a deleted vault for good and waits until the name is free. */
export async function purgeDeletedVault(client: ArmClient, name: string, location: string, progress?: Progress): Promise<void> {
  await client.post(`${deletedPath(client, location, name)}/purge`, AZURE_API.deletedVaults, undefined, `purge deleted vault ${name}`, progress, true);
}

export const describeNameHeld = (resource: AzureResource, deleted: Json): string => {
  const p = (deleted.properties ?? {}) as { deletionDate?: string; scheduledPurgeDate?: string; purgeProtectionEnabled?: boolean };
  return `the name of Key Vault ${vaultName(resource)} is held by a deleted vault${p.deletionDate ? ` (deleted ${p.deletionDate}` : " ("}${p.scheduledPurgeDate ? `, purged by Azure on ${p.scheduledPurgeDate}` : ""})${p.purgeProtectionEnabled ? "; purge protection is on, so it can only be recovered" : ""}`;
};
