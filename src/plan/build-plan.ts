/**
 * Turns what a build produced into an ordered plan: one step per object, one per generated Secret copy, one per
 * declared Secret that must already exist, then a verification step. Pure: no cluster is consulted here.
 */
import { createHash } from "node:crypto";
import type { DesiredResource, KubeObject } from "../resources/kube-object.ts";
import { LABEL } from "../resources/labels.ts";
import type { GeneratedSecret } from "../resources/secrets.ts";
import { findCycle, wavesOf } from "./graph.ts";
import { DEFAULT_TIMEOUT_MS, ORDERING_RULES, orders, PHASES, type Phase, phaseOfKind, scopeOf, TIMEOUT_MS } from "./ordering.ts";
import { secretsReadBy } from "./secret-uses.ts";
import { describeRef, type Plan, type PlanStep, refKey, refOf, type StepAction } from "./step.ts";

export interface PlanInput {
  readonly platform: string;
  readonly env: string;
  readonly resources: readonly DesiredResource[];
  readonly secrets: readonly GeneratedSecret[];
  /** Secrets the user provides, with the keys the spec says they hold. */
  readonly declaredSecrets: Readonly<Record<string, readonly string[]>>;
}

export class PlanCycleError extends Error {
  constructor(readonly cycle: readonly string[]) {
    super(`the plan has a cycle: ${cycle.join(" → ")}`);
  }
}

export const instanceOf = (platform: string, env: string): string => `${platform}.${env}`;

/** Every object carries the instance label: it is how `up` finds what to prune and `down` what to remove. */
export function withInstanceLabel(object: KubeObject, instance: string): KubeObject {
  return { ...object, metadata: { ...object.metadata, labels: { ...object.metadata.labels, [LABEL.instance]: instance } } };
}

const groupName = (group: readonly string[] | undefined): string => (group?.length ? group.join(".") : "platform");

const digestOf = (action: StepAction): string => createHash("sha256").update(JSON.stringify(action)).digest("hex").slice(0, 16);

interface Draft {
  readonly id: string;
  readonly title: string;
  readonly phase: Phase;
  readonly namespace: string | undefined;
  readonly kind: string;
  readonly group: string;
  readonly explicitNeeds: readonly string[];
  readonly action: StepAction;
}

export function buildPlan(input: PlanInput): Plan {
  const instance = instanceOf(input.platform, input.env);
  const drafts: Draft[] = [];
  for (const r of input.resources) {
    const object = withInstanceLabel(r.object, instance);
    drafts.push({
      id: r.key,
      title: `apply ${describeRef(refOf(object))}`,
      phase: phaseOfKind(object.kind),
      namespace: scopeOf({ kind: object.kind, ...object.metadata }),
      kind: object.kind,
      group: groupName(r.group),
      explicitNeeds: r.needs ?? [],
      action: { type: "apply", object },
    });
  }
  for (const s of input.secrets) {
    const owner = s.namespaces[0]!;
    for (const namespace of s.namespaces) {
      const ref = { apiVersion: "v1", kind: "Secret", namespace, name: s.name };
      const id = refKey(ref);
      drafts.push({
        id,
        title: namespace === owner ? `generate Secret ${namespace}/${s.name}` : `copy Secret ${s.name} from ${owner} to ${namespace}`,
        phase: "config",
        namespace,
        kind: "Secret",
        group: groupName(s.group),
        explicitNeeds: namespace === owner ? [] : [refKey({ ...ref, namespace: owner })],
        action: { type: "generate-secret", ref, keys: s.keys, length: s.length, ...(s.formats ? { formats: s.formats } : {}), ...(namespace === owner ? {} : { copyFrom: owner }) },
      });
    }
  }
  drafts.push(...requiredSecrets(input));
  const steps = orderedSteps(drafts);
  const verify: PlanStep = finish({
    id: "verify",
    title: "verify every object is still ready",
    phase: "verification",
    group: "platform",
    needs: steps.map((s) => s.id),
    action: { type: "verify", steps: steps.filter((s) => s.action.type === "apply").map((s) => s.id) },
  });
  const all = [...steps, verify];
  const waves = wavesOf(all);
  return { version: 1, platform: input.platform, env: input.env, instance, steps: all.map((s) => ({ ...s, wave: waves.get(s.id)! })) };
}

/** One check per namespace that reads a declared Secret: it must exist with its keys before anything reads it. */
function requiredSecrets(input: PlanInput): Draft[] {
  const out = new Map<string, Draft>();
  for (const r of input.resources) {
    const namespace = r.object.metadata.namespace;
    if (!namespace) continue;
    for (const name of secretsReadBy(r.object)) {
      const keys = input.declaredSecrets[name];
      if (!keys) continue;
      const ref = { apiVersion: "v1", kind: "Secret", namespace, name };
      const id = refKey(ref);
      if (!out.has(id)) out.set(id, { id, title: `require Secret ${namespace}/${name}`, phase: "config", namespace, kind: "Secret", group: `secrets.${name}`, explicitNeeds: [], action: { type: "require-secret", ref, keys } });
    }
  }
  return [...out.values()];
}

function orderedSteps(drafts: readonly Draft[]): PlanStep[] {
  const ids = new Set(drafts.map((d) => d.id));
  const phaseIndex = (p: Phase) => PHASES.indexOf(p);
  const steps = drafts.map((d) => {
    const needs = new Set(d.explicitNeeds.filter((n) => ids.has(n)));
    for (const other of drafts) if (other !== d && ORDERING_RULES.some((rule) => orders(rule, other, d))) needs.add(other.id);
    return finish({ id: d.id, title: d.title, phase: d.phase, group: d.group, needs: [...needs], action: d.action, kind: d.kind });
  });
  const cycle = findCycle(steps);
  if (cycle) throw new PlanCycleError(cycle);
  return steps.sort((a, b) => phaseIndex(a.phase) - phaseIndex(b.phase));
}

export function finish(s: { id: string; title: string; phase: Phase; group: string; needs: string[]; action: StepAction; kind?: string }): PlanStep {
  return {
    id: s.id,
    title: s.title,
    provider: "kubernetes",
    phase: s.phase,
    group: s.group,
    needs: s.needs,
    wave: 0,
    timeoutMs: (s.kind && TIMEOUT_MS[s.kind]) || DEFAULT_TIMEOUT_MS,
    action: s.action,
    digest: digestOf(s.action),
  };
}
