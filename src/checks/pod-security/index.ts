import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { type ObjectCheck, objectProblem } from "../check.ts";
import { podSpecOf } from "./pod-spec.ts";
import { POD_SECURITY_CONTROLS } from "./restricted.ts";

/** Every pod template passes Pod Security Standards "restricted"; every namespace enforces it. */
export const podSecurity: ObjectCheck = (input) => {
  const out: Diagnostic[] = [];
  for (const r of input.resources) {
    if (r.object.kind === "Namespace" && input.level !== "baseline" && r.object.metadata.labels?.["pod-security.kubernetes.io/enforce"] !== "restricted")
      out.push(objectProblem(input, r, "PSS-NAMESPACE-LABEL", ".metadata.labels", 'namespace must be labelled pod-security.kubernetes.io/enforce: "restricted"'));
    const pod = podSpecOf(r.object);
    if (!pod) continue;
    for (const control of POD_SECURITY_CONTROLS.filter((c) => input.level !== "baseline" || c.level === "baseline"))
      for (const v of control.check(pod.spec))
        out.push(objectProblem(input, r, `PSS-${control.id.toUpperCase().replace(/_/g, "-")}`, `${pod.field}${v.field}`, `Pod Security "${control.level}" (${control.id}): ${v.message}`));
  }
  return out;
};
