/**
 * Deleting is ordering in reverse: whatever a provider's ordering rules put first is deleted last (workloads before
 * their config, everything before its namespace). Used to prune what left the spec and by `down`. What deletes an
 * object (`delete` for Kubernetes, `remove` for Azure) is its provider's planning module's to say.
 */
import { planningOf } from "../providers/planning-registry.ts";
import type { OwnedObject } from "../providers/provider.ts";
import { finish } from "./build-plan.ts";
import { orders } from "./ordering.ts";
import type { ObjectRef, PlanStep } from "./step.ts";

export const PRUNE_PREFIX = "delete:";

/** A live object to delete, and the provider that found it. */
export interface Doomed {
  readonly provider: string;
  readonly owned: OwnedObject;
}

/** Kubernetes objects by reference (what `down` and prune had before providers were many). */
export const kubernetesDoomed = (refs: readonly ObjectRef[]): Doomed[] => refs.map((ref) => ({ provider: "kubernetes", owned: { ref, holdsData: false, adopted: false, labelled: true } }));

export function deletionSteps(items: readonly ObjectRef[] | readonly Doomed[], after: readonly string[], group = "prune"): PlanStep[] {
  const doomed: readonly Doomed[] = items.length && !("owned" in items[0]!) ? kubernetesDoomed(items as readonly ObjectRef[]) : (items as readonly Doomed[]);
  const drafts = doomed.map((d) => {
    const planning = planningOf(d.provider);
    const action = planning.removal(d.owned);
    return { d, planning, action, id: `${PRUNE_PREFIX}${planning.keyOf(d.owned)}`, ordered: planning.ordered(action) };
  });
  return drafts.map((x) => {
    const needs = new Set(after);
    for (const y of drafts) if (y !== x && y.d.provider === x.d.provider && x.planning.orderingRules.some((rule) => orders(rule, x.ordered, y.ordered))) needs.add(y.id);
    return finish({ id: x.id, title: `delete ${x.planning.describe(x.d.owned.ref)}`, provider: x.d.provider, phase: "prune", group, needs: [...needs], action: x.action, timeoutMs: x.planning.timeoutMs(x.action) });
  });
}
