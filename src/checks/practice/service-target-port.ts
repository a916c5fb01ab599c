/** Services reach real ports of the pods they select (reliability.md #30). */
import { groupBy } from "../../util/group-by.ts";
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { podTemplates } from "../pod-security/pod-spec.ts";

export const serviceTargetPort = defineRule({
  id: "SERVICE-TARGET-PORT",
  severity: "error",
  title: "Service target ports exist on the pods",
  rationale: "Traffic to a port the pods do not have is dropped (kube-linter invalid-target-ports).",
  fix: "target a container port by name or number",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    const pods = podTemplates(input).map(({ resource, pod }) => ({
      ns: resource.object.metadata.namespace,
      labels: (resource.object.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata?.labels ?? {},
      ports: (pod.spec.containers ?? []).flatMap((c) => (c as { ports?: { name?: string; containerPort: number }[] }).ports ?? []),
    }));
    const podsByNs = groupBy(pods, (p) => p.ns);
    for (const r of input.resources) {
      const spec = r.object.spec as { selector?: Record<string, string>; ports?: { targetPort?: number | string; port: number }[] } | undefined;
      if (r.object.kind !== "Service" || !spec?.selector || !Object.keys(spec.selector).length) continue;
      const selected = (podsByNs.get(r.object.metadata.namespace) ?? []).filter((p) => Object.entries(spec.selector!).every(([k, v]) => p.labels[k] === v));
      if (!selected.length) continue;
      (spec.ports ?? []).forEach((port, i) => {
        const target = port.targetPort ?? port.port;
        const ok = selected.every((p) => (typeof target === "string" ? p.ports.some((c) => c.name === target) : p.ports.length === 0 || p.ports.some((c) => c.containerPort === target)));
        if (!ok) out.push(rule.problem(r, `.spec.ports[${i}].targetPort`, `target port ${JSON.stringify(target)} is not a port of the pods it selects`));
      });
    }
    return out;
  },
});
