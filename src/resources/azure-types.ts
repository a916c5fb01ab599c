/**
 * The ARM resource types berth manages, as data shared by synth (which writes bodies for these API versions) and the
 * Azure provider (which reads outputs at these paths). One row per type; children spelled whole.
 * Output paths are dotted paths into the GET response; `id` is every resource's output too.
 */
export interface AzureTypeInfo {
  readonly apiVersion: string;
  /** Output name → dotted path in the resource as ARM returns it. */
  readonly outputs: Readonly<Record<string, string>>;
}

export const AZURE_TYPES: Readonly<Record<string, AzureTypeInfo>> = {
  "Microsoft.Resources/resourceGroups": { apiVersion: "2021-04-01", outputs: {} },
  "Microsoft.Network/virtualNetworks": { apiVersion: "2024-05-01", outputs: {} },
  "Microsoft.Network/virtualNetworks/subnets": { apiVersion: "2024-05-01", outputs: {} },
  "Microsoft.ContainerService/managedClusters": {
    apiVersion: "2024-09-01",
    outputs: { oidcIssuer: "properties.oidcIssuerProfile.issuerURL", fqdn: "properties.fqdn", kubeletObjectId: "properties.identityProfile.kubeletidentity.objectId", nodeResourceGroup: "properties.nodeResourceGroup" },
  },
  "Microsoft.DBforPostgreSQL/flexibleServers": { apiVersion: "2024-08-01", outputs: { fqdn: "properties.fullyQualifiedDomainName" } },
  "Microsoft.DBforPostgreSQL/flexibleServers/databases": { apiVersion: "2024-08-01", outputs: {} },
  "Microsoft.Network/privateDnsZones": { apiVersion: "2024-06-01", outputs: {} },
  "Microsoft.Network/privateDnsZones/virtualNetworkLinks": { apiVersion: "2024-06-01", outputs: {} },
  "Microsoft.Sql/servers": { apiVersion: "2023-08-01", outputs: { fqdn: "properties.fullyQualifiedDomainName" } },
  "Microsoft.Sql/servers/databases": { apiVersion: "2023-08-01", outputs: {} },
  "Microsoft.Network/privateEndpoints": { apiVersion: "2024-05-01", outputs: {} },
  "Microsoft.Network/privateEndpoints/privateDnsZoneGroups": { apiVersion: "2024-05-01", outputs: {} },
  "Microsoft.KeyVault/vaults": { apiVersion: "2023-07-01", outputs: { vaultUri: "properties.vaultUri" } },
  "Microsoft.KeyVault/vaults/secrets": { apiVersion: "2023-07-01", outputs: { secretUri: "properties.secretUri" } },
  "Microsoft.ContainerRegistry/registries": { apiVersion: "2023-07-01", outputs: { loginServer: "properties.loginServer" } },
  "Microsoft.Databricks/workspaces": { apiVersion: "2024-05-01", outputs: { workspaceUrl: "properties.workspaceUrl", workspaceId: "properties.workspaceId" } },
  "Microsoft.ManagedIdentity/userAssignedIdentities": { apiVersion: "2023-01-31", outputs: { clientId: "properties.clientId", principalId: "properties.principalId", tenantId: "properties.tenantId" } },
  "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials": { apiVersion: "2023-01-31", outputs: {} },
  "Microsoft.Authorization/roleAssignments": { apiVersion: "2022-04-01", outputs: {} },
};

/** Read-only ARM endpoints berth calls besides the types above. */
export const AZURE_API = {
  providers: "2021-04-01",
  roleDefinitions: "2022-04-01",
  permissions: "2022-04-01",
  deletedVaults: "2023-07-01",
  /** The Key Vault data plane (`{vaultUri}deletedsecrets/…`), not ARM: recovering and purging deleted secrets. */
  keyVaultData: "7.4",
} as const;
