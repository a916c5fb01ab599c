import type { PodSecurityControl } from "../control.ts";
import { containersOf } from "../pod-spec.ts";

export const hostPorts: PodSecurityControl = {
  id: "hostPorts",
  level: "baseline",
  fix: "remove hostPort; expose the port through a Service",
  check: (pod) =>
    containersOf(pod).flatMap(({ container, field }) =>
      (container.ports ?? []).flatMap((p, i) => (p.hostPort ? [{ field: `${field}.ports[${i}].hostPort`, message: "hostPort must be unset or 0" }] : [])),
    ),
};
