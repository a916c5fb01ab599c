import { exceptWindows, type PodRule, type PodSecurityControl, type Violation } from "../control.ts";
import { containersOf } from "../pod-spec.ts";

const dropAllAddBindOnly: PodRule = ({ spec }) =>
  containersOf(spec).flatMap(({ container, field }) => {
    const caps = container.securityContext?.capabilities;
    const out: Violation[] = [];
    if (!caps?.drop?.includes("ALL")) out.push({ field: `${field}.securityContext.capabilities.drop`, message: 'must include "ALL"' });
    const added = (caps?.add ?? []).filter((c) => c !== "NET_BIND_SERVICE");
    if (added.length) out.push({ field: `${field}.securityContext.capabilities.add`, message: `only NET_BIND_SERVICE may be added, not ${added.join(", ")}` });
    return out;
  });

export const capabilitiesRestricted: PodSecurityControl = {
  id: "capabilities_restricted",
  level: "restricted",
  fix: 'set capabilities.drop: ["ALL"] and add at most NET_BIND_SERVICE',
  versions: [
    { since: 22, check: dropAllAddBindOnly, overrides: ["capabilities_baseline"] },
    { since: 25, check: exceptWindows(dropAllAddBindOnly), overrides: ["capabilities_baseline"] },
  ],
};
