/** Microsoft.Databricks workspaces: the service assigns workspace id (16 digits) and URL and owns a managed resource group. */
import { randomInt } from "node:crypto";
import { badRequest } from "../errors.ts";
import { parsePath } from "../ids.ts";
import type { TypeBehaviour } from "../world.ts";
import { kept } from "./common.ts";

export const workspaces: TypeBehaviour = {
  asyncPut: true,
  asyncDelete: true,
  creatingState: "Accepted",
  latencyMs: 6 * 60_000,
  validate(ctx) {
    const mrg = ctx.body.properties?.managedResourceGroupId;
    if (typeof mrg !== "string" || !parsePath(mrg).resourceGroup) throw badRequest("InvalidParameter", "The parameter properties.managedResourceGroupId is required and must be a resource group id.");
    if (ctx.w.store.get(mrg) && !ctx.prev) throw badRequest("InvalidManagedResourceGroup", `The managed resource group '${mrg}' already exists; it must not exist before the workspace is created.`);
  },
  assign(ctx, res) {
    const id = kept(ctx.prev, "properties.workspaceId", () => `${randomInt(1e6, 9e6)}${randomInt(1e8, 9e8)}`);
    res.properties.workspaceId = id;
    // A Databricks test server given in the scenario serves the workspace; otherwise the real URL shape.
    const hook = ctx.w.scenario.databricks;
    res.properties.workspaceUrl = kept(ctx.prev, "properties.workspaceUrl", () => hook?.workspaceUrl(id, ctx.id) ?? `adb-${id}.${randomInt(1, 20)}.azuredatabricks.net`);
  },
  provisioned(w, res) {
    const mrg = String(res.properties.managedResourceGroupId);
    if (!w.store.get(mrg)) w.store.put({ id: mrg, name: mrg.split("/").pop(), type: "Microsoft.Resources/resourceGroups", location: res.location, managedBy: res.id, tags: {}, properties: { provisioningState: "Succeeded" } });
  },
  removed(w, res) {
    if (res.properties?.managedResourceGroupId) w.store.remove(String(res.properties.managedResourceGroupId));
  },
};
