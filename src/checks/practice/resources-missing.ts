/** A secure default beyond Pod Security: every container has CPU and memory requests and limits. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { podTemplates } from "../pod-security/pod-spec.ts";

export const resourcesMissing = defineRule({
  id: "RESOURCES-MISSING",
  severity: "error",
  title: "CPU and memory requests and limits are set",
  rationale: "Without them the scheduler cannot place pods well and one pod can starve a node (kube-score container-resources, CKV_K8S_10–13).",
  fix: "set resources.requests and resources.limits for cpu and memory",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const { resource, pod } of podTemplates(input))
      (pod.spec.containers ?? []).forEach((c, i) => {
        for (const [kind, name] of [["requests", "cpu"], ["requests", "memory"], ["limits", "cpu"], ["limits", "memory"]] as const)
          if (!c.resources?.[kind]?.[name]) out.push(rule.problem(resource, `${pod.field}.containers[${i}].resources.${kind}.${name}`, `${kind}.${name} must be set`));
      });
    return out;
  },
});
