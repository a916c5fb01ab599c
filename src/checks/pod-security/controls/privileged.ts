import type { PodSecurityControl } from "../control.ts";
import { perContainer } from "./pod-parts.ts";

export const privileged: PodSecurityControl = {
  id: "privileged",
  level: "baseline",
  fix: "set securityContext.privileged: false or leave it unset",
  versions: [
    {
      since: 0,
      check: ({ spec }) => perContainer(spec, ({ container, field }) => (container.securityContext?.privileged ? { field: `${field}.securityContext.privileged`, message: "privileged containers are not allowed" } : undefined)),
    },
  ],
};
