import type { PodSecurityControl } from "../control.ts";
import { securityContextsOf } from "./pod-parts.ts";

export const seccompProfileBaseline: PodSecurityControl = {
  id: "seccompProfile_baseline",
  level: "baseline",
  fix: "use seccompProfile.type RuntimeDefault",
  check: (pod) =>
    securityContextsOf(pod).flatMap(({ sc, field }) =>
      sc?.seccompProfile?.type === "Unconfined" ? [{ field: `${field}.seccompProfile.type`, message: "seccomp must not be Unconfined" }] : [],
    ),
};
