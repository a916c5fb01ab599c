/** SPREAD-MISSING (reliability.md #23): replicated workloads spread over nodes (topology spread or anti-affinity). */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { type ObjectCheck, objectProblem } from "../check.ts";

export const spread: ObjectCheck = (input) => {
  const out: Diagnostic[] = [];
  for (const r of input.resources) {
    if (r.object.kind !== "Deployment" && r.object.kind !== "StatefulSet") continue;
    const spec = r.object.spec as { replicas?: number; template?: { spec?: { topologySpreadConstraints?: unknown[]; affinity?: { podAntiAffinity?: unknown } } } };
    if ((spec.replicas ?? 1) < 2) continue;
    const pod = spec.template?.spec;
    if (!pod?.topologySpreadConstraints?.length && !pod?.affinity?.podAntiAffinity)
      out.push(objectProblem(input, r, "SPREAD-MISSING", ".spec.template.spec", `${spec.replicas} replicas may all land on one node`, "add topologySpreadConstraints on kubernetes.io/hostname (or pod anti-affinity)", "warning"));
  }
  return out;
};
