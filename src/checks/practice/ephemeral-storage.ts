/** Containers request and bound the local disk they use (reliability.md #4). */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { containersOf, podTemplates } from "../pod-security/pod-spec.ts";

export const ephemeralStorage = defineRule({
  id: "EPHEMERAL-STORAGE",
  severity: "warning",
  title: "Containers bound their local disk",
  rationale: "Unbounded logs and temp files can fill a node and evict its pods (kube-score container-ephemeral-storage-request-and-limit).",
  fix: "set requests and limits for ephemeral-storage",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const { resource, pod } of podTemplates(input))
      for (const { container, field } of containersOf(pod.spec)) {
        const res = container.resources;
        if (!res?.requests?.["ephemeral-storage"] || !res.limits?.["ephemeral-storage"])
          out.push(rule.problem(resource, `${pod.field}${field}.resources`, "no ephemeral-storage request and limit: logs or temp files can fill the node's disk", "set resources.requests and resources.limits for ephemeral-storage"));
      }
    return out;
  },
});
