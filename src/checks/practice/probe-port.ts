/** PROBE-PORT and PROBE-IDENTICAL (reliability.md #7): probes reach a port the container has, and liveness is not readiness. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { type ObjectCheck, objectProblem } from "../check.ts";
import { podSpecOf } from "../pod-security/pod-spec.ts";

type Probe = { httpGet?: { port?: number | string }; tcpSocket?: { port?: number | string }; grpc?: { port?: number } };

export const probePort: ObjectCheck = (input) => {
  const out: Diagnostic[] = [];
  for (const r of input.resources) {
    const pod = podSpecOf(r.object);
    if (!pod) continue;
    ((pod.spec.containers ?? []) as { ports?: { name?: string; containerPort: number }[]; livenessProbe?: Probe; readinessProbe?: Probe; startupProbe?: Probe }[]).forEach((c, i) => {
      const names = (c.ports ?? []).map((p) => p.name).filter(Boolean);
      for (const kind of ["livenessProbe", "readinessProbe", "startupProbe"] as const) {
        const port = c[kind]?.httpGet?.port ?? c[kind]?.tcpSocket?.port;
        if (typeof port === "string" && !names.includes(port))
          out.push(objectProblem(input, r, "PROBE-PORT", `${pod.field}.containers[${i}].${kind}`, `probe port "${port}" is not a named port of the container (${names.join(", ") || "none"})`));
      }
      if (c.livenessProbe && c.readinessProbe && JSON.stringify(c.livenessProbe) === JSON.stringify(c.readinessProbe))
        out.push(objectProblem(input, r, "PROBE-IDENTICAL", `${pod.field}.containers[${i}].livenessProbe`, "liveness and readiness are the same probe: a slow dependency restarts the pod instead of taking it out of rotation", undefined, "warning"));
    });
  }
  return out;
};
