import type { PodSecurityControl } from "../control.ts";
import { perContainer } from "./pod-parts.ts";

export const allowPrivilegeEscalation: PodSecurityControl = {
  id: "allowPrivilegeEscalation",
  level: "restricted",
  fix: "set securityContext.allowPrivilegeEscalation: false on every container",
  check: (pod) =>
    perContainer(pod, ({ container, field }) =>
      container.securityContext?.allowPrivilegeEscalation === false ? undefined : { field: `${field}.securityContext.allowPrivilegeEscalation`, message: "must be set to false explicitly" },
    ),
};
