/**
 * Resource groups and virtual networks. Subnets are written inside the VNet body: a PUT of a VNet without its
 * subnets would try to delete them, so they travel with it rather than as separate resources.
 */
import type { AzureDesired } from "../../resources/azure-resource.ts";
import { declared, make, type AzureContext } from "./context.ts";

export function synthResourceGroups(ctx: AzureContext): AzureDesired[] {
  return Object.entries(ctx.azure.resourceGroups).map(([logical, rg]) => {
    const d = declared(ctx, "resourceGroups", logical, rg.location);
    return make(ctx, { ...d, existing: rg.existing, tags: rg.tags, body: { location: d.location } });
  });
}

export function synthNetworks(ctx: AzureContext): AzureDesired[] {
  return Object.entries(ctx.azure.networks).map(([logical, n]) => {
    const d = declared(ctx, "networks", logical, n.location);
    const subnets = Object.entries(n.subnets).map(([key, s]) => ({
      name: s.name ?? key,
      properties: {
        ...(s.addressPrefix !== undefined ? { addressPrefix: s.addressPrefix } : {}),
        ...(s.delegations.length ? { delegations: s.delegations.map((service) => ({ name: service.replace(/[^A-Za-z0-9]/g, "-"), properties: { serviceName: service } })) } : {}),
        ...(s.serviceEndpoints.length ? { serviceEndpoints: s.serviceEndpoints.map((service) => ({ service })) } : {}),
      },
    }));
    return make(ctx, { ...d, existing: n.existing, tags: n.tags, body: { location: d.location, properties: { ...(n.addressSpace ? { addressSpace: { addressPrefixes: n.addressSpace } } : {}), subnets } } });
  });
}
