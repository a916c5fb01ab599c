/**
 * Azure SQL logical servers and databases. Public network access is always disabled; a private endpoint in the
 * named subnet, the privatelink.database.windows.net zone, its VNet link and the endpoint's zone group make the
 * server reachable by name from the VNet.
 */
import type { AzureDesired } from "../../resources/azure-resource.ts";
import { adminPassword } from "./admin-password.ts";
import { childOf, declared, groupOf, make, subnetId, type AzureContext } from "./context.ts";
import { placeOf } from "./ids.ts";
import { privateZone } from "./private-dns.ts";

export function synthSql(ctx: AzureContext): AzureDesired[] {
  return Object.entries(ctx.azure.sql).flatMap(([logical, sql]) => {
    const d = declared(ctx, "sql", logical, sql.location);
    const password = sql.existing ? undefined : adminPassword(ctx, sql, "sql", logical);
    const out: AzureDesired[] = [
      make(ctx, {
        ...d,
        existing: sql.existing,
        tags: sql.tags,
        needs: [password?.vaultKey],
        ...(password ? { generatedSecrets: password.secrets } : {}),
        body: { location: d.location, properties: { administratorLogin: sql.adminLogin, version: "12.0", minimalTlsVersion: "1.2", publicNetworkAccess: "Disabled" } },
      }),
    ];
    for (const [db, spec] of Object.entries(sql.databases))
      out.push(
        make(ctx, {
          place: childOf(ctx, d.place, "Microsoft.Sql/servers/databases", db),
          origin: [...d.origin, "databases", db],
          group: d.group,
          tags: sql.tags,
          body: { location: d.location, sku: { name: spec.sku.name, ...(spec.sku.tier ? { tier: spec.sku.tier } : {}) }, properties: spec.maxSizeGB ? { maxSizeBytes: spec.maxSizeGB * 1024 ** 3 } : {} },
        }),
      );
    const pe = sql.privateEndpoint;
    if (pe && !sql.existing) {
      const subnet = subnetId(ctx, pe.subnet);
      const group = groupOf(ctx, sql.resourceGroup);
      const origin = [...d.origin, "privateEndpoint"];
      const dns = privateZone(ctx, "privatelink.database.windows.net", group, subnet.network, origin, d.group);
      const endpoint = placeOf(ctx.azure.subscriptionId, "Microsoft.Network/privateEndpoints", group, `${d.place.name}-pe`);
      out.push(
        ...dns.resources,
        make(ctx, {
          place: endpoint,
          origin,
          group: d.group,
          tags: sql.tags,
          needs: [subnet.network.key, d.place.key],
          body: {
            location: d.location,
            properties: {
              subnet: { id: subnet.id },
              privateLinkServiceConnections: [{ name: `${d.place.name}-sql`, properties: { privateLinkServiceId: d.place.id, groupIds: ["sqlServer"] } }],
            },
          },
        }),
        make(ctx, {
          place: childOf(ctx, endpoint, "Microsoft.Network/privateEndpoints/privateDnsZoneGroups", "default"),
          origin,
          group: d.group,
          needs: [dns.zone.key],
          body: { properties: { privateDnsZoneConfigs: [{ name: "privatelink-database-windows-net", properties: { privateDnsZoneId: dns.zone.id } }] } },
        }),
      );
    }
    return out;
  });
}
