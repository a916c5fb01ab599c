/**
 * A Pod Security control as a lint rule. Which rule of the control applies, and whether the control applies at all,
 * follows from the profile (`--level`) and the policy version of the target Kubernetes version, as in the admission
 * controller; every finding names the profile and version it was judged at (`restricted:v1.31`).
 */
import type { KubeDesired } from "../../resources/kube-object.ts";
import { oncePerInput } from "../check.ts";
import { defineRule, type Rule } from "../rule.ts";
import { controlsAt, type PodSecurityControl, pssRuleId } from "./control.ts";
import { POD_SECURITY_CONTROLS } from "./controls/index.ts";
import { type PodView, podViewOf } from "./pod-spec.ts";
import { formatPolicyVersion, policyVersionOf } from "./policy-version.ts";

const podsOf = oncePerInput((input): { resource: KubeDesired; pod: PodView }[] =>
  input.resources.flatMap((resource) => {
    const pod = podViewOf(resource.object);
    return pod ? [{ resource, pod }] : [];
  }),
);

/** The controls in force for an input, with the version they are judged at: computed once however many rules ask. */
const inForce = oncePerInput((input) => {
  const level = input.level ?? "restricted";
  const version = policyVersionOf(input.facts.kubernetesVersion);
  return { level, version, rules: new Map(controlsAt(POD_SECURITY_CONTROLS, level, version).map(({ control, rule }) => [control.id, rule])) };
});

export const controlRule = (control: PodSecurityControl): Rule =>
  defineRule({
    id: pssRuleId(control.id),
    // Admission rejects a pod that breaks its namespace's enforced level.
    severity: "error",
    title: `Pod Security Standards ${control.level}: ${control.id}`,
    rationale: `The ${control.level} profile forbids this (kubernetes/pod-security-admission check ${control.id}).`,
    fix: control.fix,
    check: (input, rule) => {
      const { level, version, rules } = inForce(input);
      const applied = rules.get(control.id);
      if (!applied) return [];
      const judged = `${level}:${formatPolicyVersion(version)}`;
      return podsOf(input).flatMap(({ resource, pod }) =>
        applied.check(pod).map((v) => rule.problem(resource, `${v.inMetadata ? pod.metadataField : pod.specField}${v.field}`, `Pod Security "${judged}" (${control.id}): ${v.message}`)),
      );
    },
  });
