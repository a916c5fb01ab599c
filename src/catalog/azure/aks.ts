/**
 * AKS clusters. OIDC issuer and workload identity are always on (federated credentials need the issuer); with
 * Entra ID, Azure RBAC authorizes API calls and local accounts are off. The kubelet identity gets AcrPull on the
 * attached registries (role assignments are made in identity.ts). With Key Vault delivery by the CSI driver and
 * `installDriver`, the driver comes as the azureKeyvaultSecretsProvider add-on, rotating synced values every 2 minutes.
 */
import type { AzureDesired } from "../../resources/azure-resource.ts";
import { declared, make, subnetId, type AzureContext } from "./context.ts";

const PLUGIN = {
  azure: { networkPlugin: "azure" },
  kubenet: { networkPlugin: "kubenet" },
  overlay: { networkPlugin: "azure", networkPluginMode: "overlay" },
} as const;

/** The add-on that installs the Secrets Store CSI driver and its Azure provider (AKS's name and settings). */
export const SECRETS_STORE_ADD_ON = {
  azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "true", rotationPollInterval: "2m" } },
} as const;

export interface AksOptions {
  /** Turn on the Secrets Store CSI driver add-on (spec.azure.secrets: delivery csi, installDriver). */
  readonly secretsStoreDriver?: boolean;
}

export function synthAks(ctx: AzureContext, options: AksOptions = {}): AzureDesired[] {
  return Object.entries(ctx.azure.aks).map(([logical, aks]) => {
    const d = declared(ctx, "aks", logical, aks.location);
    const subnet = aks.subnet ? subnetId(ctx, aks.subnet) : undefined;
    const pools = (aks.nodePools ?? []).map((p) => ({
      name: p.name,
      mode: p.mode,
      vmSize: p.vmSize,
      type: "VirtualMachineScaleSets",
      osType: "Linux",
      ...(p.min !== undefined ? { enableAutoScaling: true, minCount: p.min, maxCount: p.max, count: p.min } : { enableAutoScaling: false, count: p.count }),
      ...(subnet ? { vnetSubnetID: subnet.id } : {}),
    }));
    return make(ctx, {
      ...d,
      existing: aks.existing,
      tags: aks.tags,
      needs: [subnet?.network.key],
      body: {
        location: d.location,
        identity: { type: "SystemAssigned" },
        sku: { name: "Base", tier: aks.tier },
        properties: {
          ...(aks.kubernetesVersion !== undefined ? { kubernetesVersion: aks.kubernetesVersion } : {}),
          dnsPrefix: d.place.name.replace(/[^A-Za-z0-9-]/g, "").slice(0, 54),
          agentPoolProfiles: pools,
          networkProfile: {
            ...PLUGIN[aks.networkPlugin],
            serviceCidr: aks.serviceCidr,
            dnsServiceIP: aks.dnsServiceIP,
            ...(aks.podCidr && aks.networkPlugin !== "azure" ? { podCidr: aks.podCidr } : {}),
          },
          oidcIssuerProfile: { enabled: true },
          securityProfile: { workloadIdentity: { enabled: true } },
          ...(options.secretsStoreDriver && !aks.existing ? { addonProfiles: SECRETS_STORE_ADD_ON } : {}),
          ...(aks.entraId ? { aadProfile: { managed: true, enableAzureRBAC: true, tenantID: ctx.azure.tenantId }, disableLocalAccounts: true } : {}),
        },
      },
    });
  });
}
