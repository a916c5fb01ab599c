/** A workload that runs two or more pods has a PodDisruptionBudget (reliability.md #22). */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { SelectorIndex } from "../label-index.ts";

export const pdbMissing = defineRule({
  id: "PDB-MISSING",
  severity: "warning",
  title: "Replicated workloads have a PodDisruptionBudget",
  rationale: "A drain may evict all replicas at once (kube-score deployment-has-poddisruptionbudget).",
  fix: "add a PodDisruptionBudget with maxUnavailable: 1",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    const budgets = new SelectorIndex(
      input.resources
        .filter((r) => r.object.kind === "PodDisruptionBudget")
        .map((r) => ({ ns: r.object.metadata.namespace, selector: (r.object.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels ?? {}, item: r }))
        .filter((b) => Object.keys(b.selector).length > 0),
    );
    const hpaMin = new Map(
      input.resources
        .filter((r) => r.object.kind === "HorizontalPodAutoscaler")
        .map((r) => {
          const spec = r.object.spec as { scaleTargetRef: { kind: string; name: string }; minReplicas?: number };
          return [`${r.object.metadata.namespace}/${spec.scaleTargetRef.kind}/${spec.scaleTargetRef.name}`, spec.minReplicas ?? 1] as const;
        }),
    );
    for (const r of input.resources) {
      if (r.object.kind !== "Deployment" && r.object.kind !== "StatefulSet") continue;
      const spec = r.object.spec as { replicas?: number; template?: { metadata?: { labels?: Record<string, string> } } };
      const replicas = hpaMin.get(`${r.object.metadata.namespace}/${r.object.kind}/${r.object.metadata.name}`) ?? spec.replicas ?? 1;
      if (replicas < 2) continue;
      const labels = spec.template?.metadata?.labels ?? {};
      if (budgets.selecting(r.object.metadata.namespace, labels).length === 0)
        out.push(rule.problem(r, ".spec.replicas", `${replicas} replicas and no PodDisruptionBudget: a node drain may take them all down at once`, "add a PodDisruptionBudget with maxUnavailable: 1"));
    }
    return out;
  },
});
