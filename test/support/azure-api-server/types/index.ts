/** Per-type behaviour, keyed by ARM type (lower-cased). Types not listed are stored generically (synchronous writes). */
import type { TypeBehaviour } from "../world.ts";
import { roleAssignments } from "./authorization.ts";
import { managedClusters } from "./containerservice.ts";
import { flexibleServers, postgresDatabases, sqlDatabases, sqlServers } from "./databases.ts";
import { workspaces } from "./databricks.ts";
import { privateDnsZones, virtualNetworkLinks } from "./dns.ts";
import { federatedIdentityCredentials, userAssignedIdentities } from "./identity.ts";
import { secrets, vaults } from "./keyvault.ts";
import { privateDnsZoneGroups, privateEndpoints, subnets, virtualNetworks } from "./network.ts";
import { registries } from "./registry.ts";

const TABLE: Readonly<Record<string, TypeBehaviour>> = {
  "Microsoft.Network/virtualNetworks": virtualNetworks,
  "Microsoft.Network/virtualNetworks/subnets": subnets,
  "Microsoft.Network/privateEndpoints": privateEndpoints,
  "Microsoft.Network/privateEndpoints/privateDnsZoneGroups": privateDnsZoneGroups,
  "Microsoft.Network/privateDnsZones": privateDnsZones,
  "Microsoft.Network/privateDnsZones/virtualNetworkLinks": virtualNetworkLinks,
  "Microsoft.ContainerService/managedClusters": managedClusters,
  "Microsoft.DBforPostgreSQL/flexibleServers": flexibleServers,
  "Microsoft.DBforPostgreSQL/flexibleServers/databases": postgresDatabases,
  "Microsoft.Sql/servers": sqlServers,
  "Microsoft.Sql/servers/databases": sqlDatabases,
  "Microsoft.KeyVault/vaults": vaults,
  "Microsoft.KeyVault/vaults/secrets": secrets,
  "Microsoft.ContainerRegistry/registries": registries,
  "Microsoft.Databricks/workspaces": workspaces,
  "Microsoft.ManagedIdentity/userAssignedIdentities": userAssignedIdentities,
  "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials": federatedIdentityCredentials,
  "Microsoft.Authorization/roleAssignments": roleAssignments,
};

const BY_LOWER = new Map(Object.entries(TABLE).map(([k, v]) => [k.toLowerCase(), v]));

export const behaviourOf = (type: string): TypeBehaviour => BY_LOWER.get(type.toLowerCase()) ?? {};
