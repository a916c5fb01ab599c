import type { PodSecurityControl } from "../control.ts";
import { perContainer } from "./pod-parts.ts";

export const seccompProfileRestricted: PodSecurityControl = {
  id: "seccompProfile_restricted",
  level: "restricted",
  fix: "set securityContext.seccompProfile.type: RuntimeDefault on the pod",
  check: (pod) => {
    const ok = (t?: string) => t === "RuntimeDefault" || t === "Localhost";
    const podType = pod.securityContext?.seccompProfile?.type;
    return perContainer(pod, ({ container, field }) => {
      const own = container.securityContext?.seccompProfile?.type;
      return ok(own) || (own === undefined && ok(podType)) ? undefined : { field: `${field}.securityContext.seccompProfile.type`, message: "must be RuntimeDefault or Localhost (here or at pod level)" };
    });
  },
};
