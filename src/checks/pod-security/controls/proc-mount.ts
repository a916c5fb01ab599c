import type { PodSecurityControl } from "../control.ts";
import { perContainer } from "./pod-parts.ts";

export const procMount: PodSecurityControl = {
  id: "procMount",
  level: "baseline",
  fix: "leave procMount unset (Default)",
  check: (pod) => perContainer(pod, ({ container, field }) => (container.securityContext?.procMount && container.securityContext.procMount !== "Default" ? { field: `${field}.securityContext.procMount`, message: "procMount must be Default" } : undefined)),
};
