/** Microsoft.ContainerRegistry registries: the service assigns the login server. */
import { badRequest } from "../errors.ts";
import type { TypeBehaviour } from "../world.ts";

export const registries: TypeBehaviour = {
  asyncPut: true,
  asyncDelete: true,
  latencyMs: 30_000,
  validate(ctx) {
    if (!ctx.body.sku?.name) throw badRequest("InvalidParameter", "The parameter sku.name is required.");
  },
  assign(ctx, res) {
    res.properties.loginServer = `${ctx.name.toLowerCase()}.azurecr.io`;
    res.properties.adminUserEnabled ??= false;
    res.properties.creationDate = ctx.prev?.properties?.creationDate ?? new Date(ctx.w.clock.now()).toISOString();
  },
};
