/** Liveness is not readiness (reliability.md #7). */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { podTemplates } from "../pod-security/pod-spec.ts";

export const probeIdentical = defineRule({
  id: "PROBE-IDENTICAL",
  severity: "warning",
  title: "Liveness differs from readiness",
  rationale: "The same check restarts pods that are only busy (kube-score pod-probes-identical).",
  fix: "probe a cheap liveness endpoint apart from readiness",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const { resource, pod } of podTemplates(input))
      (pod.spec.containers ?? []).forEach((c, i) => {
        if (c.livenessProbe && c.readinessProbe && JSON.stringify(c.livenessProbe) === JSON.stringify(c.readinessProbe))
          out.push(rule.problem(resource, `${pod.field}.containers[${i}].livenessProbe`, "liveness and readiness are the same probe: a slow dependency restarts the pod instead of taking it out of rotation"));
      });
    return out;
  },
});
