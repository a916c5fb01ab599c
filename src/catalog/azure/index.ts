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
import type { GeneratedSecret } from "../../resources/secrets.ts";
import type { VaultDelivery } from "../../resources/vault-secrets.ts";

export interface AzureSynthesized {
  readonly azure: AzureDesired[];
  /** The Kubernetes resources, as given: workload identity annotations already hold client id tokens. */
  readonly kubernetes: KubeDesired[];
  readonly diagnostics: Diagnostic[];
  /** Vault mode: which Secret keys the vault holds and how pods get them (docs/design/0011). */
  readonly vault?: VaultDelivery;
}

export function synthAzure(spec: ResolvedSpec, kubernetes: readonly KubeDesired[], generated: readonly GeneratedSecret[] = []): AzureSynthesized {
  if (!spec.platform.spec.azure) return { azure: [], kubernetes: [...kubernetes], diagnostics: [] };
  const ctx = azureContext(spec);
  const vault = synthVaultSecrets(ctx, spec, generated);
  const federated = synthFederatedCredentials(ctx, spec, kubernetes);
  const all = [
    ...synthResourceGroups(ctx),
    ...synthNetworks(ctx),
    ...synthKeyVaults(ctx),
    ...vault.resources,
    ...synthRegistries(ctx),
    ...synthIdentities(ctx),
    ...synthAks(ctx),
    ...synthRegistryPulls(ctx),
    ...synthPostgres(ctx),
    ...synthSql(ctx),
    ...synthDatabricks(ctx),
    ...federated.resources,
  ];
  // Shared private DNS zones (one privatelink zone for several servers) come out once.
  const seen = new Set<string>();
  const unique = all.filter((r) => !seen.has(r.key) && seen.add(r.key));
  const azure = [...synthRegistrations(ctx, unique), ...unique];
  return { azure, kubernetes: [...kubernetes], diagnostics: [...vault.diagnostics, ...federated.diagnostics], ...(vault.delivery ? { vault: vault.delivery } : {}) };
}
