/** Every image names a version — a tag other than latest, or a digest (reliability.md #15). */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { pinnedImage } from "../../spec/formats.ts";
import { defineRule } from "../rule.ts";
import { containersOf, podTemplates } from "../pod-security/pod-spec.ts";

export const imageTag = defineRule({
  id: "IMAGE-TAG",
  severity: "error",
  title: "Images name a version",
  rationale: "A missing or latest tag changes under you (kube-score container-image-tag, CKV_K8S_14).",
  fix: "pin a version tag or a digest",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const { resource, pod } of podTemplates(input))
      for (const { container, field } of containersOf(pod.spec)) {
        const problem = pinnedImage((container as { image?: string }).image ?? "");
        if (problem) out.push(rule.problem(resource, `${pod.field}${field}.image`, problem.message, problem.hint));
      }
    return out;
  },
});
