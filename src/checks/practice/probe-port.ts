/** Probes reach a port the container has (reliability.md #7). */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { podTemplates } from "../pod-security/pod-spec.ts";

type Probe = { httpGet?: { port?: number | string }; tcpSocket?: { port?: number | string } };

export const probePort = defineRule({
  id: "PROBE-PORT",
  severity: "error",
  title: "Probes use a port the container has",
  rationale: "A probe on a missing named port always fails (kube-linter liveness-port).",
  fix: "name the port in the container's ports, or probe an existing one",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const { resource, pod } of podTemplates(input))
      ((pod.spec.containers ?? []) as { ports?: { name?: string }[]; livenessProbe?: Probe; readinessProbe?: Probe; startupProbe?: Probe }[]).forEach((c, i) => {
        const names = (c.ports ?? []).map((p) => p.name).filter(Boolean);
        for (const kind of ["livenessProbe", "readinessProbe", "startupProbe"] as const) {
          const port = c[kind]?.httpGet?.port ?? c[kind]?.tcpSocket?.port;
          if (typeof port === "string" && !names.includes(port))
            out.push(rule.problem(resource, `${pod.field}.containers[${i}].${kind}`, `probe port "${port}" is not a named port of the container (${names.join(", ") || "none"})`));
        }
      });
    return out;
  },
});
