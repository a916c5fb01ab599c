/** A secure default beyond Pod Security: long-running containers have liveness and readiness probes. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { podTemplates } from "../pod-security/pod-spec.ts";

export const probeMissing = defineRule({
  id: "PROBE-MISSING",
  severity: "error",
  title: "Liveness and readiness probes are set",
  rationale: "Without probes traffic reaches pods that are not ready and hung pods are never restarted (CKV_K8S_8/9).",
  fix: "add livenessProbe and readinessProbe",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const { resource, pod } of podTemplates(input)) {
      if (resource.object.kind === "Job" || resource.object.kind === "CronJob") continue;
      (pod.spec.containers ?? []).forEach((c, i) => {
        const field = `${pod.field}.containers[${i}]`;
        if (!c.livenessProbe) out.push(rule.problem(resource, `${field}.livenessProbe`, "a long-running container needs a liveness probe"));
        if (!c.readinessProbe) out.push(rule.problem(resource, `${field}.readinessProbe`, "a long-running container needs a readiness probe"));
      });
    }
    return out;
  },
});
