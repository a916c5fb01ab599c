/** Microsoft.Network private DNS zones and their virtual network links (global resources; links need a real VNet). */
import { badRequest } from "../errors.ts";
import type { TypeBehaviour, WriteContext } from "../world.ts";
import { referenced } from "./common.ts";

const globalOnly = (ctx: WriteContext): void => {
  if (String(ctx.body.location ?? "").toLowerCase() !== "global")
    throw badRequest("LocationNotAvailableForResourceType", `The provided location '${String(ctx.body.location)}' is not available for resource type '${ctx.type}'. List of available regions for the resource type is 'global'.`);
};

export const privateDnsZones: TypeBehaviour = {
  asyncPut: true,
  asyncDelete: true,
  latencyMs: 30_000,
  validate: globalOnly,
  assign(_ctx, res) {
    res.properties.maxNumberOfRecordSets = 25_000;
    res.properties.numberOfRecordSets = 1;
    res.properties.maxNumberOfVirtualNetworkLinks = 1000;
  },
};

export const virtualNetworkLinks: TypeBehaviour = {
  tracked: true,
  asyncPut: true,
  asyncDelete: true,
  latencyMs: 30_000,
  validate(ctx) {
    globalOnly(ctx);
    referenced(ctx, ctx.body.properties?.virtualNetwork?.id, "properties.virtualNetwork.id");
  },
  assign(_ctx, res) {
    res.properties.registrationEnabled = res.properties.registrationEnabled ?? false;
    res.properties.virtualNetworkLinkState = "Completed";
  },
};
