/** NodePort and LoadBalancer Services open the workload outside the cluster (reliability.md #35). */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";

export const serviceExposed = defineRule({
  id: "SERVICE-EXPOSED",
  severity: "warning",
  title: "No NodePort or LoadBalancer unless intended",
  rationale: "They are reachable from outside the cluster (kube-score service-type).",
  fix: "use ClusterIP behind an Ingress",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const r of input.resources) {
      const type = (r.object.spec as { type?: string } | undefined)?.type;
      if (r.object.kind === "Service" && (type === "NodePort" || type === "LoadBalancer"))
        out.push(rule.problem(r, ".spec.type", `a ${type} Service is reachable from outside the cluster`, "use ClusterIP behind an Ingress, or suppress with a reason if exposure is intended"));
    }
    return out;
  },
});
