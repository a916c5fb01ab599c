/**
 * Runs the checks as lint: choose rule groups and the Pod Security level, then apply per-object suppressions
 * (`berth.dev/ignore: RULE-ID — reason`, several separated by ";" or new lines). A suppression without a reason is
 * itself a finding, so every silenced rule says why.
 */
import type { Diagnostic, Severity, SourceLocation } from "../diagnostics/diagnostic.ts";
import { BUILD_CHECKS } from "../checks/index.ts";
import type { CheckInput } from "../checks/check.ts";
import { groupOf, type RuleGroup } from "../checks/rule.ts";
import { describeObject } from "../resources/kube-object.ts";
import { suppressionReason, unusedSuppression } from "./suppression-rules.ts";

export { groupOf, RULE_GROUPS, type RuleGroup } from "../checks/rule.ts";

export const IGNORE_ANNOTATION = "berth.dev/ignore";

export interface SpecSuppression {
  readonly rule: string;
  readonly object?: string;
  readonly reason: string;
}

export interface LintOptions {
  readonly level?: "baseline" | "restricted";
  readonly only?: RuleGroup;
  /** Suppressions from the spec (spec.lint.ignore); their reasons are required by the schema. */
  readonly ignore?: readonly SpecSuppression[];
  /** Where a spec suppression was written, for a warning when it matches nothing. */
  readonly ignoreLocation?: (index: number) => { path: string; location?: SourceLocation };
}

interface Suppression {
  readonly rule: string;
  readonly reason: string;
}

export function parseSuppressions(value: string): Suppression[] {
  return value
    .split(/[;\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^([A-Z0-9][A-Z0-9-]*)\s*(?:[—:-]+\s*(.*))?$/.exec(entry);
      return { rule: m?.[1] ?? entry, reason: (m?.[2] ?? "").trim() };
    });
}

export function lint(input: CheckInput, options: LintOptions = {}): Diagnostic[] {
  // One input for every check, so what several rules need (an index of all objects) is built once per run.
  const leveled: CheckInput = { ...input, level: options.level ?? "restricted" };
  const all = BUILD_CHECKS.flatMap((check) => check(leveled));
  const chosen = options.only ? all.filter((d) => groupOf(d.code) === options.only) : all;
  const byObject = new Map(input.resources.map((r) => [describeObject(r.object), r]));
  const out: Diagnostic[] = [];
  const reported = new Set<string>();
  const used = new Set<number>();
  for (const d of chosen) {
    const bySpec = (options.ignore ?? []).findIndex((s) => s.rule === d.code && (!s.object || s.object === d.object));
    if (bySpec >= 0) {
      used.add(bySpec);
      continue;
    }
    const resource = d.object ? byObject.get(d.object) : undefined;
    const ignore = resource?.object.metadata.annotations?.[IGNORE_ANNOTATION];
    const match = ignore ? parseSuppressions(ignore).find((s) => s.rule === d.code) : undefined;
    if (!match) {
      out.push(d);
      continue;
    }
    if (!match.reason && resource && !reported.has(`${d.object}/${d.code}`)) {
      reported.add(`${d.object}/${d.code}`);
      const where = input.locate(resource);
      out.push({
        severity: suppressionReason.severity,
        code: suppressionReason.id,
        path: where.path,
        ...(where.location ? { location: where.location } : {}),
        object: d.object,
        field: `.metadata.annotations["${IGNORE_ANNOTATION}"]`,
        message: `${d.code} is suppressed without a reason`,
        hint: `write "${d.code} — why it does not apply here"`,
      });
    }
  }
  (options.ignore ?? []).forEach((s, i) => {
    if (used.has(i) || (options.only && groupOf(s.rule) !== options.only)) return;
    const where = options.ignoreLocation?.(i) ?? { path: `spec.lint.ignore[${i}]` };
    out.push({ severity: unusedSuppression.severity, code: unusedSuppression.id, path: where.path, ...(where.location ? { location: where.location } : {}), message: `${s.rule}${s.object ? ` on ${s.object}` : ""} is suppressed but nothing reports it`, hint: "remove the suppression" });
  });
  return out;
}

const RANK: Record<Severity | "info", number> = { info: 0, warning: 1, error: 2 };
export const atOrAbove = (d: Diagnostic, threshold: Severity): boolean => RANK[d.severity] >= RANK[threshold];
