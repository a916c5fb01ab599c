/** The target Kubernetes version is one berth can work at: render a spec for, or judge plain YAML at. */
import { defineRule } from "../rule.ts";
import { LINT_VERSIONS, SUPPORTED_VERSIONS } from "../schema-registry.ts";
import { targetMinor } from "./api.ts";

/**
 * A spec is rendered and deployed by berth, so its range is what berth's output is tested against; plain YAML is only
 * judged, so its range is what the Pod Security policy and the API tables cover.
 */
const RANGES = {
  spec: {
    range: SUPPORTED_VERSIONS,
    path: "spec.kubernetes.version",
    what: "berth renders specs for",
    hint: "set spec.kubernetes.version to a supported minor, the one your cluster runs",
  },
  flag: {
    range: LINT_VERSIONS,
    path: "--kubernetes-version",
    what: "berth judges YAML at (Pod Security policy and API tables)",
    hint: "pass --kubernetes-version with the minor your cluster runs",
  },
} as const;

export const k8sVersion = defineRule({
  id: "K8S-VERSION",
  severity: "error",
  title: "Kubernetes version is supported",
  rationale: "berth validates against schemas, API tables and Pod Security policies of a range of versions.",
  fix: "choose a version in the supported range",
  check: (input, rule) => {
    const { range, path, what, hint } = RANGES[input.facts.versionSource ?? "spec"];
    const minor = targetMinor(input);
    if (minor >= range.min && minor <= range.max) return [];
    const location = input.facts.versionLocation?.();
    return [
      {
        severity: rule.severity,
        code: rule.id,
        path,
        ...(location ? { location } : {}),
        message: `Kubernetes ${input.facts.kubernetesVersion} is outside the versions ${what} (1.${range.min}–1.${range.max})`,
        hint: `${hint} (1.${range.min} to 1.${range.max})`,
      },
    ];
  },
});
