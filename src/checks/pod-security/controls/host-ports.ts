import type { PodSecurityControl } from "../control.ts";
import { containersOf } from "../pod-spec.ts";

export const hostPorts: PodSecurityControl = {
  id: "hostPorts",
  level: "baseline",
  fix: "remove hostPort; expose the port through a Service",
  versions: [
    {
      since: 0,
      check: ({ spec }) =>
        containersOf(spec).flatMap(({ container, field }) =>
          (container.ports ?? []).flatMap((p, i) => (p.hostPort ? [{ field: `${field}.ports[${i}].hostPort`, message: `hostPort ${p.hostPort} is not allowed: it must be unset or 0` }] : [])),
        ),
    },
  ],
};
