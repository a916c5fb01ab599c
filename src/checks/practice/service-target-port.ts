/** Services reach real ports of the pods they select (reliability.md #30). */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { podTemplates } from "../pod-security/pod-spec.ts";
import { LabelIndex } from "../label-index.ts";

export const serviceTargetPort = defineRule({
  id: "SERVICE-TARGET-PORT",
  severity: "error",
  title: "Service target ports exist on the pods",
  rationale: "Traffic to a port the pods do not have is dropped (kube-linter invalid-target-ports).",
  fix: "target a container port by name or number",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    const pods = new LabelIndex<{ name?: string; containerPort: number }[]>();
    for (const { resource, pod } of podTemplates(input))
      pods.add(
        resource.object.metadata.namespace,
        (resource.object.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata?.labels ?? {},
        (pod.spec.containers ?? []).flatMap((c) => (c as { ports?: { name?: string; containerPort: number }[] }).ports ?? []),
      );
    for (const r of input.resources) {
      const spec = r.object.spec as { selector?: Record<string, string>; ports?: { targetPort?: number | string; port: number }[] } | undefined;
      if (r.object.kind !== "Service" || !spec?.selector || !Object.keys(spec.selector).length) continue;
      const selected = pods.select(r.object.metadata.namespace, spec.selector);
      if (!selected.length) continue;
      (spec.ports ?? []).forEach((port, i) => {
        const target = port.targetPort ?? port.port;
        const ok = selected.every((ports) => (typeof target === "string" ? ports.some((c) => c.name === target) : ports.length === 0 || ports.some((c) => c.containerPort === target)));
        if (!ok) out.push(rule.problem(r, `.spec.ports[${i}].targetPort`, `target port ${JSON.stringify(target)} is not a port of the pods it selects`));
      });
    }
    return out;
  },
});
