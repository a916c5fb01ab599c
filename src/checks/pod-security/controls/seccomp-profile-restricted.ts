import { exceptWindows, type PodRule, type PodSecurityControl, type Violation } from "../control.ts";
import { containersOf } from "../pod-spec.ts";

const ok = (t?: string) => t === "RuntimeDefault" || t === "Localhost";

const confined: PodRule = ({ spec }) => {
  const out: Violation[] = [];
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile && !ok(podProfile.type)) out.push({ field: ".securityContext.seccompProfile.type", message: `seccomp profile "${podProfile.type ?? ""}" is not allowed: use RuntimeDefault or Localhost` });
  const podSet = podProfile !== undefined && ok(podProfile.type);
  for (const { container, field } of containersOf(spec)) {
    const own = container.securityContext?.seccompProfile;
    if (own ? !ok(own.type) : !podSet) out.push({ field: `${field}.securityContext.seccompProfile.type`, message: "must be RuntimeDefault or Localhost (here or at pod level)" });
  }
  return out;
};

export const seccompProfileRestricted: PodSecurityControl = {
  id: "seccompProfile_restricted",
  level: "restricted",
  fix: "set securityContext.seccompProfile.type: RuntimeDefault on the pod",
  versions: [
    { since: 19, check: confined, overrides: ["seccompProfile_baseline"] },
    { since: 25, check: exceptWindows(confined), overrides: ["seccompProfile_baseline"] },
  ],
};
