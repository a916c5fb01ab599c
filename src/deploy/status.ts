/** `berth status`: one look at every object of the plan, grouped by the spec entry it came from. No lock, no change. */
import { type Connected, connect, type DeployTarget, preflight } from "./target.ts";
import { inspectSteps } from "./inspect.ts";
import { outputRefsIn, substituteOutputs } from "../resources/outputs.ts";
import { mapLimited } from "../util/map-limited.ts";
import type { Plan, PlanStep } from "../plan/step.ts";
import type { Revision } from "../engine/revisions.ts";

/** The last revision in the cluster, without its plan: what was deployed last, by whom, from any machine. */
export type LastRevision = Omit<Revision, "plan">;

export interface ObjectHealth {
  readonly step: string;
  readonly title: string;
  readonly state: "ready" | "waiting" | "failed" | "missing";
  readonly message: string;
  readonly reason?: string;
}

export interface ComponentHealth {
  readonly group: string;
  readonly ready: number;
  readonly total: number;
  readonly objects: readonly ObjectHealth[];
}

/**
 * A step as its provider can check it: output tokens (a job's cluster id, the object permissions are on) replaced by
 * what the steps assigning them find live now. Only those steps and the ones using them are read.
 */
async function outputsOf(steps: readonly PlanStep[], connected: Connected, concurrency: number): Promise<(s: PlanStep) => PlanStep> {
  const tokened = steps.filter((s) => outputRefsIn(s.action).length);
  if (!tokened.length) return (s) => s;
  const producers = new Set(tokened.flatMap((s) => outputRefsIn(s.action).map((r) => r.resource)));
  const live = await inspectSteps(steps.filter((s) => producers.has(s.id) || tokened.includes(s)), connected, concurrency);
  return (s) => ({ ...s, action: substituteOutputs(s.action, (ref) => live.get(ref.resource)?.outputs?.[ref.output]).value });
}

export async function status(plan: Plan, target: DeployTarget): Promise<{ readonly endpoint: string; readonly components: readonly ComponentHealth[]; readonly revision?: LastRevision }> {
  const connected = connect(plan, target);
  const { endpoint } = await preflight(connected);
  const steps = plan.steps.filter((s) => s.action.type === "apply" || s.action.type === "ensure" || s.action.type === "deploy" || s.action.type === "generate-secret" || s.action.type === "require-secret");
  const resolve = await outputsOf(steps, connected, target.concurrency ?? 16);
  const health = await mapLimited(steps, target.concurrency ?? 16, async (s): Promise<ObjectHealth> => {
    const v = await connected.providers[s.provider]!.check(resolve(s), "settled");
    const state = v.done ? (v.ok ? "ready" : "failed") : v.reason === "NotFound" ? "missing" : "waiting";
    return { step: s.id, title: s.title.replace(/^(apply|generate|require) /, ""), state, message: v.message, ...(v.reason ? { reason: v.reason } : {}) };
  });
  // Health does not depend on the history: without the right to read it, status still answers.
  const last = (await connected.revisions.list().catch(() => [])).at(-1);
  const revision = last ? (({ plan: _plan, ...r }) => r)(last) : undefined;
  const groups = new Map<string, ObjectHealth[]>();
  steps.forEach((s, i) => groups.set(s.group, [...(groups.get(s.group) ?? []), health[i]!]));
  return { endpoint, components: [...groups].map(([group, objects]) => ({ group, ready: objects.filter((o) => o.state === "ready").length, total: objects.length, objects })), ...(revision ? { revision } : {}) };
}
