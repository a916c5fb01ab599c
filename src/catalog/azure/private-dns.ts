/**
 * A private DNS zone and its link to a VNet, so names of private servers resolve from inside it. Zones are global
 * resources; two servers that share a zone (privatelink.database.windows.net) produce the same keys, and synthAzure
 * keeps one of each.
 */
import type { AzureDesired } from "../../resources/azure-resource.ts";
import type { ArmPlace } from "./ids.ts";
import { placeOf } from "./ids.ts";
import { childOf, make, type AzureContext } from "./context.ts";

export function privateZone(ctx: AzureContext, zoneName: string, resourceGroup: string, network: ArmPlace, origin: readonly (string | number)[], group: readonly string[]): { zone: ArmPlace; resources: AzureDesired[] } {
  const zone = placeOf(ctx.azure.subscriptionId, "Microsoft.Network/privateDnsZones", resourceGroup, zoneName);
  const link = childOf(ctx, zone, "Microsoft.Network/privateDnsZones/virtualNetworkLinks", `${network.name}-link`);
  return {
    zone,
    resources: [
      make(ctx, { place: zone, origin, group, body: { location: "global", properties: {} } }),
      make(ctx, { place: link, origin, group, needs: [network.key], body: { location: "global", properties: { virtualNetwork: { id: network.id }, registrationEnabled: false } } }),
    ],
  };
}
