import type { PodSecurityControl } from "../control.ts";
import { perContainer } from "./pod-parts.ts";

/** The container runtime's default set, less NET_RAW. */
const BASELINE_CAPABILITIES = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);

export const capabilitiesBaseline: PodSecurityControl = {
  id: "capabilities_baseline",
  level: "baseline",
  fix: "add only capabilities of the baseline set",
  versions: [
    {
      since: 0,
      check: ({ spec }) =>
        perContainer(spec, ({ container, field }) => {
          const bad = (container.securityContext?.capabilities?.add ?? []).filter((c) => !BASELINE_CAPABILITIES.has(c));
          return bad.length ? { field: `${field}.securityContext.capabilities.add`, message: `capabilities ${bad.join(", ")} are not allowed` } : undefined;
        }),
    },
  ],
};
