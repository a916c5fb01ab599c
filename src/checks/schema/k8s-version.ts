/** The target Kubernetes version is one berth has schemas and API tables for. */
import { defineRule } from "../rule.ts";
import { SUPPORTED_VERSIONS } from "../schema-registry.ts";
import { targetMinor } from "./api.ts";

export const k8sVersion = defineRule({
  id: "K8S-VERSION",
  severity: "error",
  title: "Kubernetes version is supported",
  rationale: "berth validates against schemas of a range of versions.",
  fix: "choose a version in the supported range",
  check: (input, rule) => {
    const minor = targetMinor(input);
    if (!(minor < SUPPORTED_VERSIONS.min || minor > SUPPORTED_VERSIONS.max)) return [];
    return [
      {
        severity: rule.severity,
        code: rule.id,
        path: "spec.kubernetes.version",
        location: input.facts.versionLocation?.(),
        message: `Kubernetes ${input.facts.kubernetesVersion} is outside the versions berth renders for (1.${SUPPORTED_VERSIONS.min}–1.${SUPPORTED_VERSIONS.max})`,
        hint: "choose a supported version; AKS supports the three most recent minors",
      },
    ];
  },
});
