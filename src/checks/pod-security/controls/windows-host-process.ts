import type { PodSecurityControl } from "../control.ts";
import { perContainer } from "./pod-parts.ts";

export const windowsHostProcess: PodSecurityControl = {
  id: "windowsHostProcess",
  level: "baseline",
  fix: "remove windowsOptions.hostProcess",
  check: (pod) => perContainer(pod, ({ container, field }) => (container.securityContext?.windowsOptions?.hostProcess ? { field: `${field}.securityContext.windowsOptions.hostProcess`, message: "host process containers are not allowed" } : undefined)),
};
