import { exceptUserNamespace, type PodRule, type PodSecurityControl } from "../control.ts";
import { perContainer } from "./pod-parts.ts";

/** Shared by the baseline and the restricted control: only the default (masked) /proc. */
export const defaultProcMountOnly: PodRule = ({ spec }) =>
  perContainer(spec, ({ container, field }) => {
    const mount = container.securityContext?.procMount;
    return mount !== undefined && mount !== "Default" ? { field: `${field}.securityContext.procMount`, message: `procMount "${mount}" is not allowed: it must be Default or unset` } : undefined;
  });

export const procMount: PodSecurityControl = {
  id: "procMount",
  level: "baseline",
  fix: "leave procMount unset (Default); baseline allows Unmasked only in a pod with hostUsers: false",
  versions: [
    { since: 0, check: defaultProcMountOnly },
    // An unmasked /proc inside a user namespace exposes nothing of the host's.
    { since: 35, check: exceptUserNamespace(defaultProcMountOnly) },
  ],
};
