/**
 * Reading the cluster before changing it: each step's live state and diff, what would be pruned, and what blocks the
 * run outright (objects owned by someone else, secrets the user must provide) — all of it found before any change.
 */
import { deletionSteps } from "../plan/delete-plan.ts";
import { describeRef, type ObjectRef, type Plan, type PlanStep, refKey, stepRef } from "../plan/step.ts";
import type { LiveState, OwnedObject } from "../providers/provider.ts";
import { FAILURE_HINTS } from "../readiness/hints.ts";
import { mapLimited } from "../util/map-limited.ts";
import { type DataItem, dataHolders, dataItem } from "./data-holders.ts";
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
  /** Live objects kept although they left the spec: they hold data (claims, generated credentials, their namespaces). */
  readonly keptData: readonly ObjectRef[];
  /** Data-holding objects that left the spec and are in `prune` because pruning data was asked for: to be confirmed. */
  readonly prunedData: readonly DataItem[];
  readonly blockers: readonly Blocker[];
}

export interface InspectOptions {
  /** Prune data-holding objects that left the spec too (`up --prune-data`); they are kept otherwise. */
  readonly pruneData?: boolean;
}

export async function inspectPlan(plan: Plan, connected: Connected, concurrency = 16, options: InspectOptions = {}): Promise<Inspection> {
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
  const holders = dataHolders(owned);
  const holds = (o: OwnedObject) => holders.has(refKey(o.ref));
  const goneNamespaces = new Set(owned.filter((o) => o.ref.kind === "Namespace" && !wanted.has(refKey(o.ref))).map((o) => o.ref.name));
  // A StatefulSet's claims carry no label and are in no step: they have left the spec only when their namespace has.
  const gone = owned.filter((o) => !wanted.has(refKey(o.ref)) && (o.labelled || goneNamespaces.has(o.ref.namespace!)));
  const candidates = gone.filter((o) => o.labelled && !o.adopted);
  const data = candidates.filter(holds);
  const pruned = options.pruneData ? candidates : candidates.filter((o) => !holds(o));
  return {
    endpoint,
    version,
    live,
    prune: deletionSteps(pruned.map((o) => o.ref), ["verify"]),
    keptData: options.pruneData ? [] : data.map((o) => o.ref),
    prunedData: options.pruneData ? data.map((o) => dataItem(o.ref, owned)) : [],
    blockers,
  };
}
