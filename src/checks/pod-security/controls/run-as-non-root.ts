import type { PodSecurityControl, Violation } from "../control.ts";
import { containersOf } from "../pod-spec.ts";

export const runAsNonRoot: PodSecurityControl = {
  id: "runAsNonRoot",
  level: "restricted",
  fix: "set securityContext.runAsNonRoot: true on the pod (or every container)",
  check: (pod) => {
    if (pod.hostUsers === false) return [];
    const podLevel = pod.securityContext?.runAsNonRoot;
    const out: Violation[] = [];
    if (podLevel === false) out.push({ field: ".securityContext.runAsNonRoot", message: "must not be false" });
    for (const { container, field } of containersOf(pod)) {
      const own = container.securityContext?.runAsNonRoot;
      if (own === false || (own === undefined && podLevel !== true)) out.push({ field: `${field}.securityContext.runAsNonRoot`, message: "must be true (here or at pod level)" });
    }
    return out;
  },
};
