/**
 * Azure synth: the resolved spec (and the Kubernetes objects synthPlatform made from it) → the Azure resources the
 * platform needs. Pure: names and ids come from the spec; what Azure assigns is referred to by output token.
 */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import type { AzureDesired } from "../../resources/azure-resource.ts";
import type { KubeDesired } from "../../resources/kube-object.ts";
import type { ResolvedSpec } from "../../spec/resolve.ts";
import { synthAks } from "./aks.ts";
import { azureContext } from "./context.ts";
import { synthFederatedCredentials, synthIdentities, synthRegistryPulls } from "./identity.ts";
import { synthNetworks, synthResourceGroups } from "./network.ts";
import { synthPostgres } from "./postgres.ts";
import { synthDatabricks, synthKeyVaults, synthRegistries } from "./services.ts";
import { synthSql } from "./sql.ts";
import { synthRegistrations } from "./registration.ts";
import { synthVaultSecrets } from "./vault-secrets.ts";
import { synthIdentityChecks } from "./identity-checks.ts";
import type { IdentityCheckDesired } from "../../resources/identity-check.ts";
import type { GeneratedSecret } from "../../resources/secrets.ts";
import type { VaultDelivery } from "../../resources/vault-secrets.ts";
import { deliverVaultSecrets } from "./vault-delivery/index.ts";

export interface AzureSynthesized {
  readonly azure: AzureDesired[];
  /**
   * The Kubernetes resources: as given (workload identity annotations already hold client id tokens), plus in vault
   * mode what delivers the vault's secrets to the pods that read them (vault-delivery/).
   */
  readonly kubernetes: KubeDesired[];
  readonly diagnostics: Diagnostic[];
  /** Vault mode: which Secret keys the vault holds and how pods get them (docs/design/0011). */
  readonly vault?: VaultDelivery;
  /** Workload identity checks run after deploying (identity-checks.ts). */
  readonly checks: IdentityCheckDesired[];
}

export function synthAzure(spec: ResolvedSpec, kubernetes: readonly KubeDesired[], generated: readonly GeneratedSecret[] = []): AzureSynthesized {
  if (!spec.platform.spec.azure) return { azure: [], kubernetes: [...kubernetes], diagnostics: [], checks: [] };
  const ctx = azureContext(spec);
  const vault = synthVaultSecrets(ctx, spec, generated);
  const delivered = vault.delivery ? deliverVaultSecrets({ ctx, spec, delivery: vault.delivery, kubernetes }) : { kubernetes: [...kubernetes], azure: [], diagnostics: [] };
  // After delivery: it annotates the ServiceAccounts of workloads that read the vault as spec.azure.secrets.identity.
  const federated = synthFederatedCredentials(ctx, spec, delivered.kubernetes);
  const all = [
    ...synthResourceGroups(ctx),
    ...synthNetworks(ctx),
    ...synthKeyVaults(ctx),
    ...vault.resources,
    ...synthRegistries(ctx),
    ...synthIdentities(ctx),
    ...synthAks(ctx, { secretsStoreDriver: vault.delivery?.delivery === "csi" && vault.delivery.installDriver }),
    ...synthRegistryPulls(ctx),
    ...synthPostgres(ctx),
    ...synthSql(ctx),
    ...synthDatabricks(ctx),
    ...federated.resources,
    ...delivered.azure,
  ];
  // Shared private DNS zones (one privatelink zone for several servers) come out once.
  const seen = new Set<string>();
  const unique = all.filter((r) => !seen.has(r.key) && seen.add(r.key));
  const azure = [...synthRegistrations(ctx, unique), ...unique];
  const checks = synthIdentityChecks(ctx, spec, delivered.kubernetes, azure, vault.delivery);
  return { azure, kubernetes: delivered.kubernetes, diagnostics: [...vault.diagnostics, ...delivered.diagnostics, ...federated.diagnostics], ...(vault.delivery ? { vault: vault.delivery } : {}), checks };
}
