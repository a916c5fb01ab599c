import { exceptUserNamespace, type PodRule, type PodSecurityControl, type Violation } from "../control.ts";
import { containersOf } from "../pod-spec.ts";

const notRoot: PodRule = ({ spec }) => {
  const out: Violation[] = [];
  if (spec.securityContext?.runAsUser === 0) out.push({ field: ".securityContext.runAsUser", message: "must not be 0 (root)" });
  for (const { container, field } of containersOf(spec)) if (container.securityContext?.runAsUser === 0) out.push({ field: `${field}.securityContext.runAsUser`, message: "must not be 0 (root)" });
  return out;
};

export const runAsUser: PodSecurityControl = {
  id: "runAsUser",
  level: "restricted",
  fix: "run as a non-zero UID",
  versions: [
    { since: 23, check: notRoot },
    { since: 35, check: exceptUserNamespace(notRoot) },
  ],
};
