/**
 * Reading the cluster before changing it: each step's live state and diff, what would be pruned, and what blocks the
 * run outright (objects owned by someone else, secrets the user must provide) — all of it found before any change.
 */
import { deletionSteps } from "../plan/delete-plan.ts";
import { describeRef, type ObjectRef, type Plan, type PlanStep, refKey, stepRef } from "../plan/step.ts";
import type { LiveState, OwnedObject } from "../providers/provider.ts";
import { FAILURE_HINTS } from "../readiness/hints.ts";
import { mapLimited } from "../util/map-limited.ts";
import type { Connected } from "./target.ts";

export interface Blocker {
  readonly step: string;
  readonly reason: "NotOwned" | "SecretMissing";
  readonly message: string;
  readonly hint: string;
}

export interface Inspection {
  readonly endpoint: string;
  readonly version: string;
  readonly live: ReadonlyMap<string, LiveState>;
  readonly prune: readonly PlanStep[];
  /** Live objects kept although they left the spec: they hold data. */
  readonly keptData: readonly ObjectRef[];
  readonly blockers: readonly Blocker[];
}

export async function inspectPlan(plan: Plan, connected: Connected, concurrency = 16): Promise<Inspection> {
  const { endpoint, version } = await connected.kubernetes.preflight();
  const steps = plan.steps.filter((s) => s.action.type !== "verify");
  const states = await mapLimited(steps, concurrency, (s) => connected.providers[s.provider]!.inspect(s));
  const live = new Map(steps.map((s, i) => [s.id, states[i]!]));
  const blockers: Blocker[] = [];
  for (const [i, s] of steps.entries()) {
    const state = states[i]!;
    if (state.ownership === "foreign") blockers.push({ step: s.id, reason: "NotOwned", message: `${describeRef(stepRef(s)!)} exists and is ${state.owner}`, hint: FAILURE_HINTS.NotOwned! });
    if (s.action.type === "require-secret") {
      const check = await connected.providers[s.provider]!.check(s, "step");
      if (!check.ok) blockers.push({ step: s.id, reason: "SecretMissing", message: check.message, hint: FAILURE_HINTS.SecretMissing! });
    }
  }
  const owned = await connected.kubernetes.owned(plan.instance, steps.map(stepRef).filter((r): r is ObjectRef => r !== undefined));
  const wanted = new Set(steps.map((s) => s.id));
  const gone = owned.filter((o) => !wanted.has(refKey(o.ref)));
  const prune = deletionSteps(gone.filter(removable).map((o) => o.ref), ["verify"]);
  return { endpoint, version, live, prune, keptData: gone.filter((o) => o.holdsData && o.labelled).map((o) => o.ref), blockers };
}

const removable = (o: OwnedObject): boolean => !o.holdsData && !o.adopted && o.labelled;
