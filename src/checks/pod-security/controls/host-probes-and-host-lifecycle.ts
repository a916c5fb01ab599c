import type { PodSecurityControl } from "../control.ts";
import { containersOf } from "../pod-spec.ts";

export const hostProbesAndHostLifecycle: PodSecurityControl = {
  id: "hostProbesAndHostLifecycle",
  level: "baseline",
  fix: "remove host from probes and lifecycle handlers",
  check: (pod) =>
    containersOf(pod).flatMap(({ container, field }) =>
      (["livenessProbe", "readinessProbe", "startupProbe"] as const).flatMap((p) => {
        const probe = container[p];
        return probe?.httpGet?.host || probe?.tcpSocket?.host ? [{ field: `${field}.${p}`, message: "probes must not set host" }] : [];
      }),
    ),
};
