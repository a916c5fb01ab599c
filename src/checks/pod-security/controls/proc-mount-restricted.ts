import type { PodSecurityControl } from "../control.ts";
import { defaultProcMountOnly } from "./proc-mount.ts";

/** From 1.35 restricted keeps the rule baseline relaxed: Default only, user namespace or not. */
export const procMountRestricted: PodSecurityControl = {
  id: "procMount_restricted",
  level: "restricted",
  fix: "leave procMount unset (Default)",
  versions: [{ since: 35, check: defaultProcMountOnly, overrides: ["procMount"] }],
};
