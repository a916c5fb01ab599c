import { exceptUserNamespace, type PodRule, type PodSecurityControl, type Violation } from "../control.ts";
import { containersOf } from "../pod-spec.ts";

const nonRoot: PodRule = ({ spec }) => {
  const podLevel = spec.securityContext?.runAsNonRoot;
  const out: Violation[] = [];
  if (podLevel === false) out.push({ field: ".securityContext.runAsNonRoot", message: "must not be false" });
  for (const { container, field } of containersOf(spec)) {
    const own = container.securityContext?.runAsNonRoot;
    if (own === false) out.push({ field: `${field}.securityContext.runAsNonRoot`, message: "must not be false" });
    else if (own === undefined && podLevel !== true) out.push({ field: `${field}.securityContext.runAsNonRoot`, message: "must be true (here or at pod level)" });
  }
  return out;
};

export const runAsNonRoot: PodSecurityControl = {
  id: "runAsNonRoot",
  level: "restricted",
  fix: "set securityContext.runAsNonRoot: true on the pod (or every container)",
  versions: [
    { since: 0, check: nonRoot },
    { since: 35, check: exceptUserNamespace(nonRoot) },
  ],
};
