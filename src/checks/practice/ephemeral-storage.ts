/** EPHEMERAL-STORAGE (reliability.md #4): containers request and bound the local disk they use. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { type ObjectCheck, objectProblem } from "../check.ts";
import { containersOf, podSpecOf } from "../pod-security/pod-spec.ts";

export const ephemeralStorage: ObjectCheck = (input) => {
  const out: Diagnostic[] = [];
  for (const r of input.resources) {
    const pod = podSpecOf(r.object);
    if (!pod) continue;
    for (const { container, field } of containersOf(pod.spec)) {
      const res = container.resources;
      if (!res?.requests?.["ephemeral-storage"] || !res.limits?.["ephemeral-storage"])
        out.push(objectProblem(input, r, "EPHEMERAL-STORAGE", `${pod.field}${field}.resources`, "no ephemeral-storage request and limit: logs or temp files can fill the node's disk", "set resources.requests and resources.limits for ephemeral-storage", "warning"));
    }
  }
  return out;
};
