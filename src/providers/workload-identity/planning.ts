/**
 * Planning data of workload identity checks (resources/identity-check.ts): a check is a step of the verification
 * phase, after everything it names in its needs (its ServiceAccount, the workloads running as it, the federated
 * credential, the role grants) and after the output tokens it carries (the cluster's issuer, the vault's URI). It
 * leaves nothing behind, so it owns nothing to prune or delete. Pure: no client is loaded here.
 */
import type { Ordered } from "../../plan/ordering.ts";
import { describeRef, type StepAction } from "../../plan/step.ts";
import { IDENTITY_CHECK_PROVIDER, type IdentityCheck } from "../../resources/identity-check.ts";
import type { KubeObject } from "../../resources/kube-object.ts";
import { withInstanceLabel } from "../kubernetes/planning.ts";
import type { ProviderPlanning } from "../planning.ts";

/** The Job runs at most 2 minutes; retries while a credential or a role propagates add up to 10 (see checks.ts). */
export const CHECK_TIMEOUT_MS = 15 * 60_000;

const checkOf = (action: StepAction): IdentityCheck => {
  if (action.type === "verify-identity") return action.check;
  throw new Error(`a workload identity step cannot ${action.type}`);
};

const labelled = (o: KubeObject, instance: string): KubeObject => withInstanceLabel(o, instance);

export const workloadIdentityPlanning: ProviderPlanning = {
  provider: IDENTITY_CHECK_PROVIDER,
  onCluster: true,
  stepFor(resource, instance) {
    if (resource.provider !== IDENTITY_CHECK_PROVIDER) throw new Error(`${resource.key} is not a workload identity check`);
    const c = resource.check;
    // Labelled like every object berth applies: one left behind by an interrupted run is found and pruned.
    const objects = { configMap: labelled(c.objects.configMap, instance), networkPolicy: labelled(c.objects.networkPolicy, instance), job: labelled(c.objects.job, instance) };
    return { title: `verify workload identity ${c.identity.name} of ServiceAccount ${c.namespace}/${c.serviceAccount}`, action: { type: "verify-identity", check: { ...c, objects } } };
  },
  impliedNeeds: () => [],
  phaseOf: () => "verification",
  timeoutMs: () => CHECK_TIMEOUT_MS,
  ordered: (action): Ordered => ({ phase: "verification", namespace: checkOf(action).namespace }),
  orderingRules: [],
  keyOf: (owned) => `${IDENTITY_CHECK_PROVIDER}:${owned.ref.namespace ?? ""}:${owned.ref.name}`,
  describe: describeRef,
  removal: () => {
    throw new Error("a workload identity check leaves nothing to remove");
  },
  containerOf: () => undefined,
  dataHolders: () => new Set(),
  holds: () => "",
};
