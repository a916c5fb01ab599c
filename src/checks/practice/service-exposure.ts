/** SERVICE-EXPOSED (reliability.md #35): NodePort and LoadBalancer Services open the workload outside the cluster. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { type ObjectCheck, objectProblem } from "../check.ts";

export const serviceExposure: ObjectCheck = (input) => {
  const out: Diagnostic[] = [];
  for (const r of input.resources) {
    const type = (r.object.spec as { type?: string } | undefined)?.type;
    if (r.object.kind === "Service" && (type === "NodePort" || type === "LoadBalancer"))
      out.push(objectProblem(input, r, "SERVICE-EXPOSED", ".spec.type", `a ${type} Service is reachable from outside the cluster`, "use ClusterIP behind an Ingress, or suppress with a reason if exposure is intended", "warning"));
  }
  return out;
};
