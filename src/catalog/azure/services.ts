/**
 * Key Vaults (RBAC authorization always), container registries (admin user always off) and Databricks workspaces:
 * single resources whose bodies follow the spec directly.
 */
import type { AzureDesired } from "../../resources/azure-resource.ts";
import { declared, make, type AzureContext } from "./context.ts";
import { groupId } from "./ids.ts";

export function synthKeyVaults(ctx: AzureContext): AzureDesired[] {
  return Object.entries(ctx.azure.keyVaults).map(([logical, kv]) => {
    const d = declared(ctx, "keyVaults", logical, kv.location);
    return make(ctx, {
      ...d,
      existing: kv.existing,
      tags: kv.tags,
      // The schema's rule keeps purgeOnDelete and purgeProtection apart; Azure would refuse the purge anyway.
      softDelete: { onNameHeld: kv.onNameHeld, purgeOnRemove: kv.purgeOnDelete && !kv.purgeProtection },
      body: {
        location: d.location,
        properties: {
          tenantId: ctx.azure.tenantId,
          sku: { family: "A", name: kv.sku },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: kv.softDeleteRetentionDays,
          // ARM refuses enablePurgeProtection: false; leaving it out is how it stays off.
          ...(kv.purgeProtection ? { enablePurgeProtection: true } : {}),
        },
      },
    });
  });
}

export function synthRegistries(ctx: AzureContext): AzureDesired[] {
  return Object.entries(ctx.azure.registries).map(([logical, r]) => {
    const d = declared(ctx, "registries", logical, r.location);
    return make(ctx, { ...d, existing: r.existing, tags: r.tags, body: { location: d.location, sku: { name: r.sku }, properties: { adminUserEnabled: false } } });
  });
}

export function synthDatabricks(ctx: AzureContext): AzureDesired[] {
  return Object.entries(ctx.azure.databricksWorkspaces).map(([logical, w]) => {
    const d = declared(ctx, "databricksWorkspaces", logical, w.location);
    const managed = w.managedResourceGroup ?? `${d.place.name}-managed`;
    return make(ctx, { ...d, existing: w.existing, tags: w.tags, body: { location: d.location, sku: { name: w.sku }, properties: { managedResourceGroupId: groupId(ctx.azure.subscriptionId, managed) } } });
  });
}
