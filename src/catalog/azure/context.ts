/**
 * What every Azure synth module shares: the resolved spec's azure section, the instance tag, and how to make one
 * AzureDesired from a place and a body (tags and location added where the type takes them).
 */
import type { AzureDesired } from "../../resources/azure-resource.ts";
import { AZURE_TYPES } from "../../resources/azure-types.ts";
import type { AzureFamily, AzureSpec } from "../../spec/azure-schema.ts";
import type { ResolvedSpec } from "../../spec/resolve.ts";
import { namespaceOf } from "../../spec/kubernetes-of.ts";
import { armOf, groupNameOf, placeOf, type ArmPlace } from "./ids.ts";

export const INSTANCE_TAG = "berth.instance";

export interface AzureContext {
  readonly azure: AzureSpec;
  readonly platform: string;
  /** `<platform>.<env>`: the value of the berth.instance tag. */
  readonly instance: string;
  /** The environment (`base` without --env) and the default Kubernetes namespace: placeholders of vault secret names. */
  readonly env: string;
  readonly namespace: string;
}

export const azureContext = (spec: ResolvedSpec): AzureContext => ({
  azure: spec.platform.spec.azure!,
  platform: spec.platform.metadata.name,
  instance: `${spec.platform.metadata.name}.${spec.env ?? "base"}`,
  env: spec.env ?? "base",
  namespace: namespaceOf(spec.platform, undefined),
});

/** Types that take no tags: children that are plain sub-objects in ARM, and extension resources. */
const UNTAGGED = new Set([
  "Microsoft.DBforPostgreSQL/flexibleServers/databases",
  "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
  "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
  "Microsoft.Authorization/roleAssignments",
  "Microsoft.Network/virtualNetworks/subnets",
  "Microsoft.KeyVault/vaults/secrets",
]);

export interface Make {
  readonly place: ArmPlace;
  readonly body: Record<string, unknown>;
  readonly origin: readonly (string | number)[];
  readonly group?: readonly string[];
  readonly existing?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
  readonly needs?: readonly (string | undefined)[];
  readonly generatedSecrets?: AzureDesired["resource"]["generatedSecrets"];
  readonly softDelete?: AzureDesired["resource"]["softDelete"];
}

export function make(ctx: AzureContext, m: Make): AzureDesired {
  const tagged = !UNTAGGED.has(m.place.type) && !m.existing;
  const body = tagged ? { ...m.body, tags: { ...m.tags, [INSTANCE_TAG]: ctx.instance } } : m.body;
  const needs = [...new Set(m.needs?.filter((n): n is string => n !== undefined && n !== m.place.key))];
  return {
    key: m.place.key,
    provider: "azure",
    resource: {
      type: m.place.type,
      apiVersion: AZURE_TYPES[m.place.type]!.apiVersion,
      id: m.place.id,
      ...(m.place.resourceGroup !== undefined ? { resourceGroup: m.place.resourceGroup } : {}),
      name: m.place.name,
      body,
      ...(m.existing ? { existing: true } : {}),
      ...(m.generatedSecrets ? { generatedSecrets: m.generatedSecrets } : {}),
      ...(m.softDelete ? { softDelete: m.softDelete } : {}),
    },
    origin: m.origin,
    ...(m.group ? { group: m.group } : {}),
    ...(needs.length ? { needs } : {}),
  };
}

/** A resource of spec.azure: its place, origin, status group and region. */
export function declared(ctx: AzureContext, family: AzureFamily, logical: string, location?: string) {
  return {
    place: armOf(ctx.azure, family, logical)!,
    origin: ["spec", "azure", family, logical] as const,
    group: ["azure", family, logical] as const,
    location: location ?? ctx.azure.location,
  };
}

/** A child below a declared parent: type spelled whole, name `parent/child`, same group. */
export const childOf = (ctx: AzureContext, parent: ArmPlace, childType: string, childName: string): ArmPlace =>
  placeOf(ctx.azure.subscriptionId, childType, parent.resourceGroup, `${parent.name}/${childName}`);

/** The id of a subnet of a declared network (ids are built from names; no lookup). */
export function subnetId(ctx: AzureContext, ref: { network: string; subnet: string }): { id: string; network: ArmPlace } {
  const network = armOf(ctx.azure, "networks", ref.network)!;
  const sub = ctx.azure.networks[ref.network]!.subnets[ref.subnet]!;
  return { id: `${network.id}/subnets/${sub.name ?? ref.subnet}`, network };
}

export const groupOf = (ctx: AzureContext, logicalGroup: string | undefined) => groupNameOf(ctx.azure, logicalGroup)!;
