/** A plan for people (steps by wave with their needs and field diffs) and for machines (--json). */
import { directNeeds } from "../plan/graph.ts";
import type { Plan, PlanStep } from "../plan/step.ts";
import type { Inspection } from "../deploy/inspect.ts";
import type { LiveState } from "../providers/provider.ts";
import { type OutputRef, outputRefsIn, showUnknown, substituteOutputs } from "../resources/outputs.ts";
import { shownChange } from "./masked-output.ts";

export type Change = "create" | "update" | "unchanged" | "delete" | "check" | "unknown";

export function changeOf(step: PlanStep, live: LiveState | undefined): Change {
  if (step.action.type === "delete") return "delete";
  if (step.action.type === "require-secret" || step.action.type === "verify" || step.action.type === "verify-identity") return "check";
  if (!live) return "unknown";
  if (!live.exists) return "create";
  return live.changes.length || live.drift?.length || live.intentChanged ? "update" : "unchanged";
}

const MARK: Record<Change, string> = { create: "+", update: "~", unchanged: "=", delete: "-", check: "?", unknown: " " };

/** A change as shown: secrets masked, outputs not known yet as `(known after apply)`. */
const shown = (step: PlanStep, change: Parameters<typeof shownChange>[0]) => showUnknown(shownChange(change, desiredOf(step)));

/** The object a step applies, against which a change's field is read (for the names of env entries). */
const desiredOf = (step: PlanStep): unknown => (step.action.type === "apply" ? step.action.object : undefined);

const show = (v: unknown): string => (v === undefined ? "(none)" : typeof v === "string" ? v : JSON.stringify(v));

export interface PlanSummary {
  readonly create: number;
  readonly update: number;
  readonly unchanged: number;
  readonly delete: number;
  readonly pending: boolean;
}

export function summarize(plan: Plan, inspection: Inspection | undefined): PlanSummary {
  const changes = plan.steps.map((s) => changeOf(s, inspection?.live.get(s.id)));
  const count = (c: Change) => changes.filter((x) => x === c).length;
  const deletes = inspection?.prune.length ?? 0;
  const pending = !inspection || count("create") + count("update") + deletes > 0;
  return { create: count("create"), update: count("update"), unchanged: count("unchanged"), delete: deletes, pending };
}

/** Fields of a step's action that hold output tokens, at their dotted paths. */
function tokenFields(value: unknown, path = ""): [string, string][] {
  if (typeof value === "string") return outputRefsIn(value).length ? [[path, value]] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => tokenFields(v, `${path}[${i}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => tokenFields(v, path ? `${path}.${k}` : k));
  return [];
}

/** `body.properties.host: (known after apply)`: each field waiting for an output, filled in where inspection knows it. */
function outputLines(step: PlanStep, inspection: Inspection | undefined): string[] {
  const known = (ref: OutputRef) => inspection?.live.get(ref.resource)?.outputs?.[ref.output];
  return tokenFields(step.action).map(([path, value]) => `${path}: ${showUnknown(substituteOutputs(value, known).value)}`);
}

export function planText(plan: Plan, inspection: Inspection | undefined, unreachable?: string): string {
  const out: string[] = [];
  out.push(`plan ${plan.platform} (${plan.env}): ${plan.steps.length} steps${inspection ? ` against ${inspection.endpoint}${inspection.version ? `, Kubernetes ${inspection.version}` : ""}` : ""}`);
  // With an Azure side, what failed may be the sign-in to Azure as well as the cluster: the reason in brackets says which.
  if (unreachable) out.push(`  ${plan.azure ? "Azure or the cluster" : "cluster"} not reachable (${unreachable}): showing order only, no diff`);
  const titles = new Map(plan.steps.map((s) => [s.id, showUnknown(s.title).replace(/^(apply|generate|require|copy) /, "")]));
  const needs = directNeeds(plan.steps);
  let wave = -1;
  for (const s of plan.steps.slice().sort((a, b) => a.wave - b.wave)) {
    if (s.wave !== wave) {
      wave = s.wave;
      out.push(`wave ${wave}`);
    }
    const live = inspection?.live.get(s.id);
    const change = changeOf(s, live);
    const direct = needs.get(s.id) ?? [];
    const named = direct.slice(0, 4).map((n) => titles.get(n) ?? n);
    out.push(`  ${MARK[change]} ${showUnknown(s.title)}${inspection ? `  [${change}]` : ""}${named.length ? `  needs: ${named.join(", ")}${direct.length > named.length ? `, +${direct.length - named.length}` : ""}` : ""}`);
    if (change !== "unchanged") for (const line of outputLines(s, inspection)) out.push(`      ${line}`);
    // What a provider says about a create beyond "created": a value made for it (generated), what is missing and who sets it.
    if (change === "create") for (const c of live!.changes) if (typeof c.to === "string" && c.to !== "created") out.push(`      ${c.to}`);
    if (change === "update") {
      for (const c of live!.changes.slice(0, 20).map((x) => shown(s, x))) out.push(`      ${c.field}: ${show(c.from)} → ${show(c.to)}`);
      if (live!.changes.length > 20) out.push(`      … ${live!.changes.length - 20} more`);
      if (!live!.changes.length && !live!.drift?.length) out.push("      fields berth set before are no longer in the spec");
      if (live!.drift?.length) {
        out.push("      changed remotely since berth wrote it (put back as the spec says):");
        for (const c of live!.drift.slice(0, 20).map((x) => shown(s, x))) out.push(`        ${c.field}: ${show(c.from)} → ${show(c.to)}`);
      }
    }
    // What the change does beyond itself: a running cluster that restarts.
    if (change === "update" || change === "create") for (const e of live!.effects ?? []) out.push(`      ! ${e}`);
  }
  if (inspection?.prune.length) {
    out.push("after verification, delete (left the spec):");
    for (const s of inspection.prune) out.push(`  - ${s.title}`);
  }
  for (const k of inspection?.keptData ?? []) out.push(`  kept (holds data): ${k.kind} ${k.namespace ? `${k.namespace}/` : ""}${k.name}`);
  for (const b of inspection?.blockers ?? []) out.push(`✗ ${b.message}\n    hint: ${b.hint}`);
  const sum = summarize(plan, inspection);
  out.push(inspection ? `${sum.create} to create, ${sum.update} to update, ${sum.delete} to delete, ${sum.unchanged} unchanged` : "changes unknown: no cluster");
  return out.join("\n");
}

export function planJson(plan: Plan, inspection: Inspection | undefined, unreachable?: string): unknown {
  return {
    platform: plan.platform,
    env: plan.env,
    instance: plan.instance,
    cluster: inspection ? { endpoint: inspection.endpoint, version: inspection.version } : null,
    ...(unreachable ? { unreachable } : {}),
    steps: plan.steps.map((s) => {
      const live = inspection?.live.get(s.id);
      const fromOutputs = outputLines(s, inspection);
      return { id: s.id, title: showUnknown(s.title), phase: s.phase, wave: s.wave, group: s.group, needs: s.needs, action: s.action.type, change: changeOf(s, live), ...(live?.changes.length ? { changes: live.changes.map((x) => shown(s, x)) } : {}), ...(live?.drift?.length ? { drift: live.drift.map((x) => shown(s, x)) } : {}), ...(live?.effects?.length ? { effects: live.effects } : {}), ...(fromOutputs.length ? { fromOutputs } : {}) };
    }),
    prune: inspection?.prune.map((s) => ({ id: s.id, title: s.title })) ?? [],
    blockers: inspection?.blockers ?? [],
    summary: summarize(plan, inspection),
  };
}
