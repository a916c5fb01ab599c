/**
 * A lint rule: everything about one rule ID in one file — its severity, what it asks for, why, how to fix it, and the
 * check that finds it. A check reports through its rule, so every finding carries the rule's own ID and severity.
 */
import type { Diagnostic, Severity } from "../diagnostics/diagnostic.ts";
import type { KubeDesired } from "../resources/kube-object.ts";
import { type CheckInput, type ObjectCheck, objectProblem } from "./check.ts";

export const RULE_GROUPS = ["pss", "practice", "reference", "schema"] as const;
export type RuleGroup = (typeof RULE_GROUPS)[number];

/** Which group a rule ID belongs to, by its prefix: data, so new rules join by naming. */
const GROUP_BY_PREFIX: readonly [RegExp, RuleGroup][] = [
  [/^PSS-/, "pss"],
  [/^(REF|STORAGE)-/, "reference"],
  [/^(K8S|NAME|POD)-/, "schema"],
  [/./, "practice"],
];

export const groupOf = (code: string): RuleGroup => GROUP_BY_PREFIX.find(([re]) => re.test(code))![1];

/** What a rule is, apart from its check: SARIF's rule list and the fix line of text output come from here. */
export interface RuleInfo {
  readonly id: string;
  readonly group: RuleGroup;
  /** Every finding of the rule has this severity. */
  readonly severity: Severity;
  readonly title: string;
  readonly rationale: string;
  readonly fix: string;
}

/** What a check reports through. */
export interface RuleContext {
  readonly id: string;
  readonly severity: Severity;
  /** A problem in one object, located where the object came from. */
  readonly problem: (resource: KubeDesired, field: string, message: string, hint?: string) => Diagnostic;
}

export type RuleCheck = (input: CheckInput, rule: RuleContext) => Diagnostic[];

export interface Rule extends RuleInfo {
  readonly check: RuleCheck;
}

export const defineRule = (rule: Omit<Rule, "group">): Rule => ({ ...rule, group: groupOf(rule.id) });

/** For an ID reported outside the rules (the lint runner's own findings): described, with no check of its own. */
export const describeRule = (info: Omit<RuleInfo, "group">): RuleInfo => ({ ...info, group: groupOf(info.id) });

export const runRule =
  (rule: Rule): ObjectCheck =>
  (input) =>
    rule.check(input, {
      id: rule.id,
      severity: rule.severity,
      problem: (resource, field, message, hint) => objectProblem(input, resource, rule.id, field, message, hint, rule.severity),
    });
