/** Replicated workloads spread over nodes: topology spread or anti-affinity (reliability.md #23). */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";

export const spreadMissing = defineRule({
  id: "SPREAD-MISSING",
  severity: "warning",
  title: "Replicated workloads spread over nodes",
  rationale: "All replicas on one node fail together (kube-score deployment-has-host-podantiaffinity, Polaris topologySpreadConstraint).",
  fix: "add topologySpreadConstraints on kubernetes.io/hostname",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const r of input.resources) {
      if (r.object.kind !== "Deployment" && r.object.kind !== "StatefulSet") continue;
      const spec = r.object.spec as { replicas?: number; template?: { spec?: { topologySpreadConstraints?: unknown[]; affinity?: { podAntiAffinity?: unknown } } } };
      if ((spec.replicas ?? 1) < 2) continue;
      const pod = spec.template?.spec;
      if (!pod?.topologySpreadConstraints?.length && !pod?.affinity?.podAntiAffinity)
        out.push(rule.problem(r, ".spec.template.spec", `${spec.replicas} replicas may all land on one node`, "add topologySpreadConstraints on kubernetes.io/hostname (or pod anti-affinity)"));
    }
    return out;
  },
});
