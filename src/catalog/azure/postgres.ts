/**
 * PostgreSQL flexible servers and their databases. With a subnet the server is VNet-integrated: public access off,
 * and the private DNS zone `<name>.private.postgres.database.azure.com` linked to the VNet, as Azure requires.
 */
import type { AzureDesired } from "../../resources/azure-resource.ts";
import { adminPassword } from "./admin-password.ts";
import { childOf, declared, groupOf, make, subnetId, type AzureContext } from "./context.ts";
import { privateZone } from "./private-dns.ts";

export function synthPostgres(ctx: AzureContext): AzureDesired[] {
  return Object.entries(ctx.azure.postgres).flatMap(([logical, pg]) => {
    const d = declared(ctx, "postgres", logical, pg.location);
    const out: AzureDesired[] = [];
    const subnet = pg.subnet ? subnetId(ctx, pg.subnet) : undefined;
    const dns = subnet ? privateZone(ctx, `${d.place.name}.private.postgres.database.azure.com`, groupOf(ctx, pg.resourceGroup), subnet.network, d.origin, d.group) : undefined;
    if (dns && !pg.existing) out.push(...dns.resources);
    const password = pg.existing ? undefined : adminPassword(ctx, pg, "postgres", logical);
    out.push(
      make(ctx, {
        ...d,
        existing: pg.existing,
        tags: pg.tags,
        needs: pg.existing ? [] : [subnet?.network.key, ...(dns?.resources.map((r) => r.key) ?? []), password?.vaultKey],
        ...(password ? { generatedSecrets: password.secrets } : {}),
        body: {
          location: d.location,
          sku: { name: pg.sku.name, tier: pg.sku.tier },
          properties: {
            version: pg.version,
            administratorLogin: pg.adminLogin,
            storage: { storageSizeGB: pg.storageGB },
            network: subnet ? { delegatedSubnetResourceId: subnet.id, privateDnsZoneArmResourceId: dns!.zone.id, publicNetworkAccess: "Disabled" } : { publicNetworkAccess: "Enabled" },
          },
        },
      }),
    );
    for (const db of pg.databases)
      out.push(make(ctx, { place: childOf(ctx, d.place, "Microsoft.DBforPostgreSQL/flexibleServers/databases", db), origin: [...d.origin, "databases"], group: d.group, body: { properties: { charset: "UTF8", collation: "en_US.utf8" } } }));
    return out;
  });
}
