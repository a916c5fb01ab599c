/**
 * Where a resource of spec.azure lives in ARM: its type, name, resource group, id and key, from the names the
 * resolved spec carries (azure-naming.ts fills them in). Ids are built from names; everything Azure assigns is an
 * output, referred to by token.
 */
import { AZURE_TYPES } from "../../resources/azure-types.ts";
import { keyOfId, SUBSCRIPTION_SCOPE } from "../../resources/identity.ts";
import { outputToken } from "../../resources/outputs.ts";
import type { AzureFamily, AzureRefSpec, AzureSpec } from "../../spec/azure-schema.ts";

export const FAMILY_TYPES: Readonly<Record<AzureFamily, string>> = {
  resourceGroups: "Microsoft.Resources/resourceGroups",
  networks: "Microsoft.Network/virtualNetworks",
  aks: "Microsoft.ContainerService/managedClusters",
  postgres: "Microsoft.DBforPostgreSQL/flexibleServers",
  sql: "Microsoft.Sql/servers",
  keyVaults: "Microsoft.KeyVault/vaults",
  registries: "Microsoft.ContainerRegistry/registries",
  databricksWorkspaces: "Microsoft.Databricks/workspaces",
  identities: "Microsoft.ManagedIdentity/userAssignedIdentities",
};

export interface ArmPlace {
  readonly type: string;
  readonly name: string;
  /** Resource group name; undefined for resource groups themselves. */
  readonly resourceGroup?: string;
  readonly id: string;
  readonly key: string;
}

export const groupId = (subscriptionId: string, group: string) => `/subscriptions/${subscriptionId}/resourceGroups/${group}`;

/** The ARM place of any resource given its type, group and name (children: `parent/child`, type spelled whole). */
export function placeOf(subscriptionId: string, type: string, resourceGroup: string | undefined, name: string): ArmPlace {
  if (resourceGroup === undefined) {
    return { type, name, id: groupId(subscriptionId, name), key: keyOfId({ provider: "azure", type, scope: SUBSCRIPTION_SCOPE, name }) };
  }
  // Children: Microsoft.Sql/servers/databases + a/b → .../providers/Microsoft.Sql/servers/a/databases/b.
  const [ns, ...segments] = type.split("/");
  const names = name.split("/");
  const path = segments.map((seg, i) => `${seg}/${names[i]}`).join("/");
  return { type, name, resourceGroup, id: `${groupId(subscriptionId, resourceGroup)}/providers/${ns}/${path}`, key: keyOfId({ provider: "azure", type, scope: resourceGroup, name }) };
}

/** The resource group name of a resource that names its logical group (the resolved spec fills in the default). */
export function groupNameOf(azure: AzureSpec, logicalGroup: string | undefined): string | undefined {
  return logicalGroup === undefined ? undefined : (azure.resourceGroups[logicalGroup]?.name ?? logicalGroup);
}

/** The ARM place of a resource of spec.azure, by family and logical name; undefined when it is not declared. */
export function armOf(azure: AzureSpec, family: AzureFamily, logical: string): ArmPlace | undefined {
  const r = (azure[family] as Record<string, { name?: string; resourceGroup?: string }>)[logical];
  if (!r) return undefined;
  const name = r.name ?? logical;
  if (family === "resourceGroups") return placeOf(azure.subscriptionId, FAMILY_TYPES[family], undefined, name);
  return placeOf(azure.subscriptionId, FAMILY_TYPES[family], groupNameOf(azure, r.resourceGroup) ?? "", name);
}

/** Outputs a family offers: the ones its ARM type assigns, plus `id` and `name` (both known from the spec). */
export const outputsOf = (family: AzureFamily): string[] => [...Object.keys(AZURE_TYPES[FAMILY_TYPES[family]]!.outputs), "id", "name"];

/**
 * The string a reference stands for: `name` and `id` are known from the spec; other outputs are tokens the engine
 * fills in once Azure has assigned them. The spec rules have checked the reference, so it resolves.
 */
export function azureRefValue(azure: AzureSpec, ref: AzureRefSpec): string {
  const [, family, logical] = ref.from.split(".") as [string, AzureFamily, string];
  const place = armOf(azure, family, logical)!;
  if (ref.value === "name") return place.name;
  if (ref.value === "id") return place.id;
  return outputToken({ resource: place.key, output: ref.value });
}
