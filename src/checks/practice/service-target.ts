/** SERVICE-TARGET-PORT and SELECTOR-TEMPLATE (reliability.md #30): Services reach real ports; workloads own their pods. */
import { groupBy } from "../../util/group-by.ts";
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { type ObjectCheck, objectProblem } from "../check.ts";
import { podSpecOf } from "../pod-security/pod-spec.ts";

export const serviceTarget: ObjectCheck = (input) => {
  const out: Diagnostic[] = [];
  const pods = input.resources.flatMap((r) => {
    const pod = podSpecOf(r.object);
    const labels = (r.object.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata?.labels;
    return pod ? [{ ns: r.object.metadata.namespace, labels: labels ?? {}, ports: (pod.spec.containers ?? []).flatMap((c) => ((c as { ports?: { name?: string; containerPort: number }[] }).ports ?? [])) }] : [];
  });
  const podsByNs = groupBy(pods, (p) => p.ns);
  for (const r of input.resources) {
    const spec = r.object.spec as { selector?: Record<string, string> & { matchLabels?: Record<string, string> }; ports?: { targetPort?: number | string; port: number }[]; template?: { metadata?: { labels?: Record<string, string> } } } | undefined;
    if (r.object.kind === "Service" && spec?.selector && Object.keys(spec.selector).length) {
      const selected = (podsByNs.get(r.object.metadata.namespace) ?? []).filter((p) => Object.entries(spec.selector!).every(([k, v]) => p.labels[k] === v));
      if (!selected.length) continue;
      (spec.ports ?? []).forEach((port, i) => {
        const target = port.targetPort ?? port.port;
        const ok = selected.every((p) => (typeof target === "string" ? p.ports.some((c) => c.name === target) : p.ports.length === 0 || p.ports.some((c) => c.containerPort === target)));
        if (!ok) out.push(objectProblem(input, r, "SERVICE-TARGET-PORT", `.spec.ports[${i}].targetPort`, `target port ${JSON.stringify(target)} is not a port of the pods it selects`));
      });
    }
    if (podSpecOf(r.object) && r.object.kind !== "Pod" && r.object.kind !== "Job" && r.object.kind !== "CronJob") {
      const match = spec?.selector?.matchLabels ?? {};
      const labels = spec?.template?.metadata?.labels ?? {};
      if (!Object.entries(match).every(([k, v]) => labels[k] === v))
        out.push(objectProblem(input, r, "SELECTOR-TEMPLATE", ".spec.selector", "the selector does not match the pod template's labels: the API server rejects it"));
    }
  }
  return out;
};
