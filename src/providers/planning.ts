/**
 * What the plan builder and the deploy commands need to know of a provider's resources, as data and pure functions:
 * no network, no client. Each provider brings one (src/providers/kubernetes/planning.ts; Azure's beside it) and the
 * registry (planning-registry.ts) lists them, so neither the plan builder nor deploy ever switches on a kind or an
 * ARM type, and the scheduler (engine/run-steps.ts) knows none of this.
 */
import type { Ordered, OrderingRule, Phase } from "../plan/ordering.ts";
import type { ObjectRef, StepAction } from "../plan/step.ts";
import type { DesiredResource } from "../resources/desired.ts";
import type { OwnedObject } from "./provider.ts";

export interface ProviderPlanning {
  readonly provider: string;
  /**
   * Whether its steps act inside the cluster the plan deploys to: then each needs the step that creates or reads
   * that cluster (PlanInput.clusterStep) when the plan has one.
   */
  readonly onCluster: boolean;
  /** The step that makes one of its desired resources as wanted; `instance` is the platform/env's owner mark. */
  stepFor(resource: DesiredResource, instance: string): { readonly title: string; readonly action: StepAction };
  /**
   * Needs a resource implies beyond its explicit `needs` and its output tokens (an Azure child needs its parent and
   * its resource group): keys, kept only when the plan has them.
   */
  impliedNeeds(resource: DesiredResource): readonly string[];
  /** Phase of a step creating or checking (not deleting) what `action` acts on. */
  phaseOf(action: StepAction): Phase;
  /** How long a step may take before it fails, ms. */
  timeoutMs(action: StepAction): number;
  /** Where its rules place a step: its phase and its container (a Kubernetes namespace), read by `orderingRules`. */
  ordered(action: StepAction): Ordered;
  /** Which of its steps come before which; deleting reads them reversed. Applied between its own steps only. */
  readonly orderingRules: readonly OrderingRule[];

  // What `owned()` (provider.ts) found live, for prune and down.
  /** The key of a live object: the step id of the step that would make it. */
  keyOf(owned: OwnedObject): string;
  /** `Deployment ns/web`: how a live object is named in messages. */
  describe(ref: ObjectRef): string;
  /** The action that deletes it: `delete` for Kubernetes objects, `remove` for Azure resources. */
  removal(owned: OwnedObject): StepAction;
  /**
   * The key of what contains it, when deleting that deletes it too (a Kubernetes namespace holds its objects):
   * an unlabelled object has left the spec only when its container has.
   */
  containerOf(owned: OwnedObject): string | undefined;
  /** Keys of the owned objects that hold data, their containers included: confirmed before they are deleted. */
  dataHolders(owned: readonly OwnedObject[]): Set<string>;
  /** What a data-holding container holds (`2 claims, 1 generated credential`); empty for others. */
  holds(ref: ObjectRef, owned: readonly OwnedObject[]): string;
}
