/**
 * Deleting is ordering in reverse: whatever the ordering rules put first is deleted last (workloads before their
 * config, everything before its namespace). Used to prune what left the spec and by `down`.
 */
import { finish } from "./build-plan.ts";
import { ORDERING_RULES, orders, phaseOfKind, scopeOf } from "./ordering.ts";
import { describeRef, type ObjectRef, type PlanStep, refKey } from "./step.ts";

export const PRUNE_PREFIX = "delete:";

export function deletionSteps(refs: readonly ObjectRef[], after: readonly string[], group = "prune"): PlanStep[] {
  const items = refs.map((ref) => ({ ref, id: `${PRUNE_PREFIX}${refKey(ref)}`, phase: phaseOfKind(ref.kind), namespace: scopeOf(ref) }));
  return items.map((x) => {
    const needs = new Set(after);
    for (const y of items) if (y !== x && ORDERING_RULES.some((rule) => orders(rule, x, y))) needs.add(y.id);
    return finish({ id: x.id, title: `delete ${describeRef(x.ref)}`, phase: "prune", group, needs: [...needs], action: { type: "delete", ref: x.ref }, kind: x.ref.kind });
  });
}
