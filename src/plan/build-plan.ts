/**
 * Turns what a build produced into an ordered plan: one step per desired resource (of any provider), one per
 * generated Secret copy, one per declared Secret that must already exist, then a verification step. What a step's
 * phase, timeout, title and ordering are comes from its provider's planning module (providers/planning-registry.ts);
 * needs across providers come from data: explicit needs, output tokens, and the step providing the cluster.
 * Pure: nothing remote is consulted here.
 */
import { createHash } from "node:crypto";
import { planningOf } from "../providers/planning-registry.ts";
import type { ProviderPlanning } from "../providers/planning.ts";
import type { DesiredResource } from "../resources/desired.ts";
import { isKubernetes } from "../resources/desired.ts";
import { outputRefsIn } from "../resources/outputs.ts";
import type { GeneratedSecret } from "../resources/secrets.ts";
import { findCycle, wavesOf } from "./graph.ts";
import { DEFAULT_TIMEOUT_MS, type Ordered, orders, PHASES, type Phase } from "./ordering.ts";
import { secretsReadBy } from "./secret-uses.ts";
import type { Plan, PlanAzure, PlanCluster, PlanState, PlanStep, StepAction } from "./step.ts";
import { refKey } from "./step.ts";

export { withInstanceLabel } from "../providers/kubernetes/planning.ts";

export interface PlanInput {
  readonly platform: string;
  readonly env: string;
  readonly resources: readonly DesiredResource[];
  readonly secrets: readonly GeneratedSecret[];
  /** Secrets the user provides, with the keys the spec says they hold. */
  readonly declaredSecrets: Readonly<Record<string, readonly string[]>>;
  /**
   * Key of the step that creates or reads the cluster the plan deploys to (an AKS cluster of the plan): every step
   * of a provider acting on the cluster (ProviderPlanning.onCluster) needs it. Absent: the cluster is just there.
   */
  readonly clusterStep?: string;
  /** Carried into the plan as they are (see Plan). */
  readonly azure?: PlanAzure;
  readonly cluster?: PlanCluster;
  readonly state?: PlanState;
}

export class PlanCycleError extends Error {
  constructor(readonly cycle: readonly string[]) {
    super(`the plan has a cycle: ${cycle.join(" → ")}`);
  }
}

/** A resource refers to an output of a resource the plan does not have: nothing could ever assign it. */
export class UnknownOutputSource extends Error {
  constructor(
    readonly step: string,
    readonly resource: string,
    readonly output: string,
  ) {
    super(`${step} uses output "${output}" of ${resource}, which is not in the plan`);
  }
}

/** The final verification is the engine's own step: it asks each verified step's provider, so it belongs to none. */
export const ENGINE_PROVIDER = "berth";

export const instanceOf = (platform: string, env: string): string => `${platform}.${env}`;

const groupName = (group: readonly string[] | undefined): string => (group?.length ? group.join(".") : "platform");

const digestOf = (action: StepAction): string => createHash("sha256").update(JSON.stringify(action)).digest("hex").slice(0, 16);

interface Draft {
  readonly id: string;
  readonly title: string;
  readonly provider: string;
  readonly phase: Phase;
  /** Where the provider's ordering rules place it. */
  readonly ordered: Ordered;
  readonly group: string;
  readonly explicitNeeds: readonly string[];
  readonly action: StepAction;
}

const draftOf = (planning: ProviderPlanning, d: Omit<Draft, "provider" | "phase" | "ordered">): Draft => ({
  ...d,
  provider: planning.provider,
  phase: planning.phaseOf(d.action),
  ordered: planning.ordered(d.action),
});

export function buildPlan(input: PlanInput): Plan {
  const instance = instanceOf(input.platform, input.env);
  const drafts: Draft[] = [];
  for (const r of input.resources) {
    const planning = planningOf(r.provider);
    const { title, action } = planning.stepFor(r, instance);
    drafts.push(draftOf(planning, { id: r.key, title, group: groupName(r.group), explicitNeeds: [...(r.needs ?? []), ...planning.impliedNeeds(r)], action }));
  }
  const kubernetes = planningOf("kubernetes");
  for (const s of input.secrets) {
    const owner = s.namespaces[0]!;
    for (const namespace of s.namespaces) {
      const ref = { apiVersion: "v1", kind: "Secret", namespace, name: s.name };
      drafts.push(
        draftOf(kubernetes, {
          id: refKey(ref),
          title: namespace === owner ? `generate Secret ${namespace}/${s.name}` : `copy Secret ${s.name} from ${owner} to ${namespace}`,
          group: groupName(s.group),
          explicitNeeds: namespace === owner ? [] : [refKey({ ...ref, namespace: owner })],
          action: { type: "generate-secret", ref, keys: s.keys, length: s.length, ...(s.formats ? { formats: s.formats } : {}), ...(namespace === owner ? {} : { copyFrom: owner }) },
        }),
      );
    }
  }
  drafts.push(...requiredSecrets(input, kubernetes));
  const steps = orderedSteps(drafts, input.clusterStep);
  const verify: PlanStep = finish({
    id: "verify",
    title: "verify every object is still ready",
    provider: ENGINE_PROVIDER,
    phase: "verification",
    group: "platform",
    needs: steps.map((s) => s.id),
    action: { type: "verify", steps: steps.filter((s) => s.action.type === "apply" || s.action.type === "ensure" || s.action.type === "deploy").map((s) => s.id) },
  });
  const all = [...steps, verify];
  const waves = wavesOf(all);
  return {
    version: 1,
    platform: input.platform,
    env: input.env,
    instance,
    steps: all.map((s) => ({ ...s, wave: waves.get(s.id)! })),
    ...(input.azure ? { azure: input.azure } : {}),
    ...(input.cluster ? { cluster: input.cluster } : {}),
    ...(input.state ? { state: input.state } : {}),
  };
}

/** One check per namespace that reads a declared Secret: it must exist with its keys before anything reads it. */
function requiredSecrets(input: PlanInput, kubernetes: ProviderPlanning): Draft[] {
  const out = new Map<string, Draft>();
  for (const r of input.resources) {
    if (!isKubernetes(r)) continue;
    const namespace = r.object.metadata.namespace;
    if (!namespace) continue;
    for (const name of secretsReadBy(r.object)) {
      const keys = input.declaredSecrets[name];
      if (!keys) continue;
      const ref = { apiVersion: "v1", kind: "Secret", namespace, name };
      const id = refKey(ref);
      if (!out.has(id)) out.set(id, draftOf(kubernetes, { id, title: `require Secret ${namespace}/${name}`, group: `secrets.${name}`, explicitNeeds: [], action: { type: "require-secret", ref, keys } }));
    }
  }
  return [...out.values()];
}

function orderedSteps(drafts: readonly Draft[], clusterStep: string | undefined): PlanStep[] {
  const ids = new Set(drafts.map((d) => d.id));
  const phaseIndex = (p: Phase) => PHASES.indexOf(p);
  const onCluster = clusterStep !== undefined && ids.has(clusterStep) ? new Map<string, boolean>() : undefined;
  // Rules read only a step's provider, phase and container: decide them once per pair of such classes, not per pair
  // of steps (a plan of thousands of steps has a few dozen classes).
  const classOf = new Map<string, number>();
  const members: Draft[] = [];
  const cls = drafts.map((d) => {
    const key = `${d.provider}\u0000${d.ordered.phase}\u0000${d.ordered.namespace ?? "\u0001"}`;
    let i = classOf.get(key);
    if (i === undefined) classOf.set(key, (i = members.push(d) - 1));
    return i;
  });
  const precedes = members.map((first) => members.map((then) => first.provider === then.provider && planningOf(then.provider).orderingRules.some((rule) => orders(rule, first.ordered, then.ordered))));
  const steps = drafts.map((d, di) => {
    const planning = planningOf(d.provider);
    const needs = new Set(d.explicitNeeds.filter((n) => ids.has(n)));
    for (const ref of outputRefsIn(d.action)) {
      if (!ids.has(ref.resource)) throw new UnknownOutputSource(d.id, ref.resource, ref.output);
      needs.add(ref.resource);
    }
    if (onCluster && planning.onCluster && d.id !== clusterStep) needs.add(clusterStep!);
    const before = precedes.map((row) => row[cls[di]!]!);
    for (const [oi, other] of drafts.entries()) if (oi !== di && before[cls[oi]!]) needs.add(other.id);
    return finish({ id: d.id, title: d.title, provider: d.provider, phase: d.phase, group: d.group, needs: [...needs], action: d.action, timeoutMs: planning.timeoutMs(d.action) });
  });
  const cycle = findCycle(steps);
  if (cycle) throw new PlanCycleError(cycle);
  return steps.sort((a, b) => phaseIndex(a.phase) - phaseIndex(b.phase));
}

export function finish(s: { id: string; title: string; provider: string; phase: Phase; group: string; needs: string[]; action: StepAction; timeoutMs?: number }): PlanStep {
  return {
    id: s.id,
    title: s.title,
    provider: s.provider,
    phase: s.phase,
    group: s.group,
    needs: s.needs,
    wave: 0,
    timeoutMs: s.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    action: s.action,
    digest: digestOf(s.action),
  };
}
