/**
 * Deleting is ordering in reverse: whatever the ordering rules put first is deleted last (workloads before their
 * config, everything before its namespace). Used to prune what left the spec and by `down`.
 */
import { finish } from "./build-plan.ts";
import { ORDERING_RULES, PHASES, type Phase, phaseOfKind } from "./ordering.ts";
import { describeRef, type ObjectRef, type PlanStep, refKey } from "./step.ts";

export const PRUNE_PREFIX = "delete:";

export function deletionSteps(refs: readonly ObjectRef[], after: readonly string[], group = "prune"): PlanStep[] {
  const items = refs.map((ref) => ({ ref, id: `${PRUNE_PREFIX}${refKey(ref)}`, phase: phaseOfKind(ref.kind), namespace: ref.kind === "Namespace" ? ref.name : ref.namespace }));
  const index = (p: Phase) => PHASES.indexOf(p);
  return items.map((x) => {
    const needs = new Set(after);
    for (const rule of ORDERING_RULES) {
      if (!rule.first.includes(x.phase)) continue;
      for (const y of items) {
        const later = rule.then === "*" ? index(y.phase) > Math.max(...rule.first.map(index)) : rule.then.includes(y.phase);
        if (y !== x && later && (rule.scope === "platform" || x.namespace === undefined || y.namespace === undefined || x.namespace === y.namespace)) needs.add(y.id);
      }
    }
    return finish({ id: x.id, title: `delete ${describeRef(x.ref)}`, phase: "prune", group, needs: [...needs], action: { type: "delete", ref: x.ref }, kind: x.ref.kind });
  });
}
