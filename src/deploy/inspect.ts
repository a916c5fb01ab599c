/**
 * Reading what is live before changing it: each step's live state and diff, what would be pruned, and what blocks
 * the run outright (objects owned by someone else, secrets the user must provide) — all of it found before any
 * change, through each step's own provider.
 */
import { type Doomed, deletionSteps } from "../plan/delete-plan.ts";
import { type ObjectRef, type Plan, type PlanStep, stepRef } from "../plan/step.ts";
import { planningOf } from "../providers/planning-registry.ts";
import type { LiveState, OwnedObject } from "../providers/provider.ts";
import { FAILURE_HINTS } from "../readiness/hints.ts";
import { type Outputs, outputRefsIn, substituteOutputs } from "../resources/outputs.ts";
import { mapLimited } from "../util/map-limited.ts";
import { type DataItem, dataHolders, dataItem, type OwnedBy } from "./data-holders.ts";
import { type Connected, preflight, reached } from "./target.ts";
import type { Revision } from "../engine/revisions.ts";

export interface Blocker {
  readonly step: string;
  /** NotOwned, SecretMissing, or the code of a provider's preflight problem (VaultNameHeld, RoleAssignmentNotAllowed…). */
  readonly reason: string;
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
  /**
   * The history: what earlier runs may have made (Provider.remember). A function is called once the providers are
   * known to be reachable (`plan` reads it without the lock; an unreachable state must not delay "unreachable").
   */
  readonly history?: readonly Revision[] | (() => Promise<readonly Revision[]>);
}

/**
 * Tells each provider that can use it what the plans deployed before held, oldest first (a `down` takes nothing down
 * again): what it may have made that no tag finds (Databricks workspace files, secret scopes).
 */
export function rememberEarlier(connected: Connected, history: readonly Revision[]): void {
  const plans = [...history].sort((a, b) => a.revision - b.revision).filter((r) => r.action !== "down").map((r) => r.plan);
  for (const name of reached(connected)) {
    const provider = connected.providers[name]!;
    if (provider.remember) provider.remember(plans.flatMap((p) => p.steps.filter((s) => s.provider === name)));
  }
}

/** Kinds a provider should list besides its own (its steps' objects): what `owned` is given. */
export const alsoKindsOf = (steps: readonly PlanStep[], provider: string): ObjectRef[] =>
  steps
    .filter((s) => s.provider === provider)
    .map(stepRef)
    .filter((r): r is ObjectRef => r !== undefined);

/** What each provider reached owns live for the instance. */
export const ownedByProvider = (plan: Plan, connected: Connected, steps: readonly PlanStep[]): Promise<OwnedBy[]> =>
  Promise.all(reached(connected).map(async (provider) => ({ provider, owned: await connected.providers[provider]!.owned(plan.instance, alsoKindsOf(steps, provider)) })));

export async function inspectPlan(plan: Plan, connected: Connected, concurrency = 16, options: InspectOptions = {}): Promise<Inspection> {
  const { endpoint, version } = await preflight(connected);
  const steps = plan.steps.filter((s) => s.action.type !== "verify");
  const live = await inspectSteps(steps, connected, concurrency);
  const blockers: Blocker[] = [];
  for (const s of steps) {
    const state = live.get(s.id)!;
    if (state.ownership === "foreign") {
      const ref = stepRef(s);
      blockers.push({ step: s.id, reason: "NotOwned", message: `${ref ? planningOf(s.provider).describe(ref) : s.title} exists and is ${state.owner}`, hint: FAILURE_HINTS.NotOwned! });
    }
    if (s.action.type === "require-secret") {
      const check = await connected.providers[s.provider]!.check(s, "step");
      // Only a definite answer blocks: while the plan's cluster does not exist yet, the step itself checks later.
      if (check.done && !check.ok) blockers.push({ step: s.id, reason: "SecretMissing", message: check.message, hint: FAILURE_HINTS.SecretMissing! });
    }
  }
  for (const provider of connected.used) {
    const problems = (await connected.providers[provider]!.preflightProblems?.(steps.filter((s) => s.provider === provider))) ?? [];
    for (const p of problems) if (p.blocking) blockers.push({ step: p.step ?? provider, reason: p.code, message: p.message, hint: p.hint ?? FAILURE_HINTS[p.code] ?? "" });
  }
  if (options.history) rememberEarlier(connected, typeof options.history === "function" ? await options.history() : options.history);
  const found = await ownedByProvider(plan, connected, steps);
  const wanted = new Set(steps.map((s) => s.id));
  const holders = dataHolders(found);
  const gone: { provider: string; owned: OwnedObject; key: string }[] = [];
  for (const { provider, owned } of found) {
    const planning = planningOf(provider);
    const keys = new Set(owned.map((o) => planning.keyOf(o)));
    // An unlabelled object (a StatefulSet's claim) is in no step: it has left the spec only when its container has.
    const containerGone = (o: OwnedObject) => {
      const c = planning.containerOf(o);
      return c !== undefined && keys.has(c) && !wanted.has(c);
    };
    for (const o of owned) {
      const key = planning.keyOf(o);
      if (!wanted.has(key) && (o.labelled || containerGone(o))) gone.push({ provider, owned: o, key });
    }
  }
  const candidates = gone.filter((g) => g.owned.labelled && !g.owned.adopted);
  const data = candidates.filter((g) => holders.has(g.key));
  const pruned = options.pruneData ? candidates : candidates.filter((g) => !holders.has(g.key));
  const ownedOf = (provider: string) => found.find((f) => f.provider === provider)!.owned;
  return {
    endpoint,
    version,
    live,
    prune: deletionSteps(pruned.map((g): Doomed => ({ provider: g.provider, owned: g.owned })), ["verify"], "prune", plan),
    keptData: options.pruneData ? [] : data.map((g) => g.owned.ref),
    prunedData: options.pruneData ? data.map((g) => dataItem(g.provider, g.owned.ref, ownedOf(g.provider))) : [],
    blockers,
  };
}

/**
 * Each step's live state through its provider. Steps without output tokens are read at once; those with tokens
 * after the steps assigning them, with what those reported substituted (an existing server's FQDN), so their diff is
 * against values where values are known; the rest stay tokens, shown as `(known after apply)`.
 */
export async function inspectSteps(steps: readonly PlanStep[], connected: Connected, concurrency: number): Promise<Map<string, LiveState>> {
  const live = new Map<string, LiveState>();
  const inspect = (s: PlanStep) => connected.providers[s.provider]!.inspect(s);
  const plain = steps.filter((s) => !outputRefsIn(s.action).length);
  const states = await mapLimited(plain, concurrency, inspect);
  plain.forEach((s, i) => live.set(s.id, states[i]!));
  const outputs = (id: string): Outputs | undefined => live.get(id)?.outputs;
  // Waves order producers before consumers (a token implies a need).
  const tokened = steps.filter((s) => outputRefsIn(s.action).length).sort((a, b) => a.wave - b.wave);
  for (const wave of new Set(tokened.map((s) => s.wave))) {
    const batch = tokened.filter((s) => s.wave === wave);
    const read = await mapLimited(batch, concurrency, (s) => inspect({ ...s, action: substituteOutputs(s.action, (ref) => outputs(ref.resource)?.[ref.output]).value }));
    batch.forEach((s, i) => live.set(s.id, read[i]!));
  }
  return new Map(steps.map((s) => [s.id, live.get(s.id)!]));
}
