/**
 * Deleting is ordering in reverse: whatever a provider's ordering rules put first is deleted last (workloads before
 * their config, everything before its namespace). Used to prune what left the spec and by `down`. What deletes an
 * object (`delete` for Kubernetes, `remove` for Azure) is its provider's planning module's to say.
 */
import { planningOf } from "../providers/planning-registry.ts";
import type { OwnedObject } from "../providers/provider.ts";
import { finish } from "./build-plan.ts";
import { orders } from "./ordering.ts";
import type { ObjectRef, Plan, PlanStep } from "./step.ts";

export const PRUNE_PREFIX = "delete:";

/** A live object to delete, and the provider that found it. */
export interface Doomed {
  readonly provider: string;
  readonly owned: OwnedObject;
}

/** Kubernetes objects by reference (what `down` and prune had before providers were many). */
export const kubernetesDoomed = (refs: readonly ObjectRef[]): Doomed[] => refs.map((ref) => ({ provider: "kubernetes", owned: { ref, holdsData: false, adopted: false, labelled: true } }));

/**
 * `plan` (the plan taken down, or the one being deployed when pruning) adds what the rules cannot know: whatever a
 * step needed is deleted after it (a subnet after the server in it), and the plan's cluster after everything in it.
 */
export function deletionSteps(items: readonly ObjectRef[] | readonly Doomed[], after: readonly string[], group = "prune", plan?: Plan): PlanStep[] {
  const doomed: readonly Doomed[] = items.length && !("owned" in items[0]!) ? kubernetesDoomed(items as readonly ObjectRef[]) : (items as readonly Doomed[]);
  const drafts = doomed.map((d) => {
    const planning = planningOf(d.provider);
    const action = planning.removal(d.owned);
    return { d, planning, action, id: `${PRUNE_PREFIX}${planning.keyOf(d.owned)}`, ordered: planning.ordered(action) };
  });
  const planned = new Map((plan?.steps ?? []).map((s) => [s.id, new Set(s.needs)]));
  const keyOf = (x: (typeof drafts)[number]) => x.id.slice(PRUNE_PREFIX.length);
  return drafts.map((x) => {
    const needs = new Set(after);
    for (const y of drafts) {
      if (y === x) continue;
      if (y.d.provider === x.d.provider && x.planning.orderingRules.some((rule) => orders(rule, x.ordered, y.ordered))) needs.add(y.id);
      else if (planned.get(keyOf(y))?.has(keyOf(x))) needs.add(y.id);
      else if (plan?.cluster?.step === keyOf(x) && y.planning.onCluster) needs.add(y.id);
    }
    return finish({ id: x.id, title: `delete ${x.planning.describe(x.d.owned.ref)}`, provider: x.d.provider, phase: "prune", group, needs: [...needs], action: x.action, timeoutMs: x.planning.timeoutMs(x.action) });
  });
}
