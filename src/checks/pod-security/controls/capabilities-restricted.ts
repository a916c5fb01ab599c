import type { PodSecurityControl, Violation } from "../control.ts";
import { containersOf } from "../pod-spec.ts";

export const capabilitiesRestricted: PodSecurityControl = {
  id: "capabilities_restricted",
  level: "restricted",
  fix: 'set capabilities.drop: ["ALL"] and add at most NET_BIND_SERVICE',
  check: (pod) =>
    containersOf(pod).flatMap(({ container, field }) => {
      const caps = container.securityContext?.capabilities;
      const out: Violation[] = [];
      if (!caps?.drop?.includes("ALL")) out.push({ field: `${field}.securityContext.capabilities.drop`, message: 'must include "ALL"' });
      const added = (caps?.add ?? []).filter((c) => c !== "NET_BIND_SERVICE");
      if (added.length) out.push({ field: `${field}.securityContext.capabilities.add`, message: `only NET_BIND_SERVICE may be added, not ${added.join(", ")}` });
      return out;
    }),
};
