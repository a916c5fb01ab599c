/**
 * Pod Security Standards "restricted" (which includes "baseline"): one control per check of
 * kubernetes/pod-security-admission policy/check_*.go, each in a file of its own under controls/. A control returns
 * the fields of a pod spec that violate it; as a lint rule it is PSS-<ID>, applied to every pod template.
 */
import { defineRule, type Rule } from "../rule.ts";
import { type PodSpecLike, podTemplates } from "./pod-spec.ts";

export interface Violation {
  readonly field: string;
  readonly message: string;
}

export interface PodSecurityControl {
  /** The control's name in pod-security-admission: `runAsNonRoot`, `capabilities_restricted`. */
  readonly id: string;
  readonly level: "baseline" | "restricted";
  readonly fix: string;
  readonly check: (pod: PodSpecLike) => Violation[];
}

export const pssRuleId = (control: string) => `PSS-${control.toUpperCase().replace(/_/g, "-")}`;

/** A control as a lint rule: title and rationale say which profile forbids what, so they follow from level and id. */
export const controlRule = (control: PodSecurityControl): Rule =>
  defineRule({
    id: pssRuleId(control.id),
    // Admission rejects a pod that breaks its namespace's enforced level.
    severity: "error",
    title: `Pod Security Standards ${control.level}: ${control.id}`,
    rationale: `The ${control.level} profile forbids this (kubernetes/pod-security-admission check ${control.id}).`,
    fix: control.fix,
    check: (input, rule) => {
      // Baseline holds pods to the baseline controls only.
      if (input.level === "baseline" && control.level !== "baseline") return [];
      return podTemplates(input).flatMap(({ resource, pod }) =>
        control.check(pod.spec).map((v) => rule.problem(resource, `${pod.field}${v.field}`, `Pod Security "${control.level}" (${control.id}): ${v.message}`)),
      );
    },
  });
