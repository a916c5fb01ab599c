/** Every pod is selected by NetworkPolicies for both ingress and egress (reliability.md #21). */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { podSpecOf } from "../pod-security/pod-spec.ts";
import { SelectorIndex } from "../label-index.ts";

type Policy = { podSelector?: { matchLabels?: Record<string, string> }; policyTypes?: string[]; egress?: unknown };

export const netpolCoverage = defineRule({
  id: "NETPOL-COVERAGE",
  severity: "error",
  title: "Every pod is covered by NetworkPolicies both ways",
  rationale: "Unpoliced pods accept and send any traffic (kube-score pod-networkpolicy, CKV2_K8S_6).",
  fix: "add a default-deny policy and explicit allows",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    const policies = new SelectorIndex(
      input.resources
        .filter((r) => r.object.kind === "NetworkPolicy")
        .map((r) => ({ ns: r.object.metadata.namespace, selector: (r.object.spec as Policy).podSelector?.matchLabels ?? {}, item: r.object.spec as Policy })),
    );
    for (const r of input.resources) {
      if (!podSpecOf(r.object)) continue;
      const labels = (r.object.kind === "CronJob"
        ? (r.object.spec as { jobTemplate?: { spec?: { template?: { metadata?: { labels?: Record<string, string> } } } } }).jobTemplate?.spec?.template?.metadata?.labels
        : (r.object.spec as { template?: { metadata?: { labels?: Record<string, string> } } }).template?.metadata?.labels) ?? {};
      const selecting = policies.selecting(r.object.metadata.namespace, labels);
      const types = new Set(selecting.flatMap((p) => p.policyTypes ?? (p.egress ? ["Ingress", "Egress"] : ["Ingress"])));
      for (const direction of ["Ingress", "Egress"])
        if (!types.has(direction)) out.push(rule.problem(r, ".spec.template.metadata.labels", `no NetworkPolicy polices this workload's ${direction.toLowerCase()}: all of it is allowed`, "add a default-deny policy for the namespace and allows for what the workload needs"));
    }
    return out;
  },
});
