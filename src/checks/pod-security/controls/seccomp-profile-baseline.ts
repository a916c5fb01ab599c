import type { PodSecurityControl } from "../control.ts";
import { securityContextsOf } from "./pod-parts.ts";

export const seccompProfileBaseline: PodSecurityControl = {
  id: "seccompProfile_baseline",
  level: "baseline",
  fix: "use seccompProfile.type RuntimeDefault or Localhost",
  // Policy versions before 1.19 judged the seccomp annotations instead; berth models from 1.25.
  versions: [
    {
      since: 19,
      check: ({ spec }) =>
        securityContextsOf(spec).flatMap(({ sc, field }) =>
          sc?.seccompProfile && !["RuntimeDefault", "Localhost"].includes(sc.seccompProfile.type ?? "") ? [{ field: `${field}.seccompProfile.type`, message: `seccomp profile "${sc.seccompProfile.type ?? ""}" is not allowed: use RuntimeDefault or Localhost` }] : [],
        ),
    },
  ],
};
