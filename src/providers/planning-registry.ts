/**
 * The planning modules of the providers berth knows, by name. Pure modules only (no client, no network): the plan
 * builder imports this, and `build`/`plan` must work without any provider's SDK loaded.
 */
import { azurePlanning } from "./azure/planning.ts";
import { databricksPlanning } from "./databricks/planning.ts";
import { kubernetesPlanning } from "./kubernetes/planning.ts";
import type { ProviderPlanning } from "./planning.ts";
import { workloadIdentityPlanning } from "./workload-identity/planning.ts";

const registry = new Map<string, ProviderPlanning>([kubernetesPlanning, azurePlanning, workloadIdentityPlanning, databricksPlanning].map((p) => [p.provider, p]));

export class UnknownProvider extends Error {
  constructor(readonly provider: string) {
    super(`no planning module for provider "${provider}" (known: ${[...registry.keys()].join(", ")})`);
  }
}

export function planningOf(provider: string): ProviderPlanning {
  const p = registry.get(provider);
  if (!p) throw new UnknownProvider(provider);
  return p;
}

export const knownProviders = (): string[] => [...registry.keys()];

/**
 * Adds a provider's planning module (or replaces one of the same name); returns what undoes it, so a test's fake
 * provider leaves the registry as it found it.
 */
export function registerPlanning(planning: ProviderPlanning): () => void {
  const before = registry.get(planning.provider);
  registry.set(planning.provider, planning);
  return () => {
    if (before) registry.set(planning.provider, before);
    else registry.delete(planning.provider);
  };
}
