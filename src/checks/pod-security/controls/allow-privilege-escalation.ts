import { exceptWindows, type PodRule, type PodSecurityControl } from "../control.ts";
import { perContainer } from "./pod-parts.ts";

const mustBeFalse: PodRule = ({ spec }) =>
  perContainer(spec, ({ container, field }) =>
    container.securityContext?.allowPrivilegeEscalation === false ? undefined : { field: `${field}.securityContext.allowPrivilegeEscalation`, message: "must be set to false explicitly" },
  );

export const allowPrivilegeEscalation: PodSecurityControl = {
  id: "allowPrivilegeEscalation",
  level: "restricted",
  fix: "set securityContext.allowPrivilegeEscalation: false on every container",
  versions: [
    { since: 8, check: mustBeFalse },
    // The API server forbids the field on Windows pods, so restricted cannot ask for it there.
    { since: 25, check: exceptWindows(mustBeFalse) },
  ],
};
