import type { PodSecurityControl, Violation } from "../control.ts";
import { containersOf } from "../pod-spec.ts";

export const runAsUser: PodSecurityControl = {
  id: "runAsUser",
  level: "restricted",
  fix: "run as a non-zero UID",
  check: (pod) => {
    const out: Violation[] = [];
    if (pod.securityContext?.runAsUser === 0) out.push({ field: ".securityContext.runAsUser", message: "must not be 0 (root)" });
    for (const { container, field } of containersOf(pod)) if (container.securityContext?.runAsUser === 0) out.push({ field: `${field}.securityContext.runAsUser`, message: "must not be 0 (root)" });
    return out;
  },
};
