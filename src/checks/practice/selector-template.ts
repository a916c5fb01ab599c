/** Workloads own their pods: the selector matches the template (reliability.md #30). */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { podSpecOf } from "../pod-security/pod-spec.ts";

export const selectorTemplate = defineRule({
  id: "SELECTOR-TEMPLATE",
  severity: "error",
  title: "Workload selectors match their pod template",
  rationale: "The API server rejects a selector that does not match the template.",
  fix: "make the template labels include the selector",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const r of input.resources) {
      // Pods have no selector; Jobs, and a CronJob's Jobs, get theirs generated from the template.
      if (!podSpecOf(r.object) || r.object.kind === "Pod" || r.object.kind === "Job" || r.object.kind === "CronJob") continue;
      const spec = r.object.spec as { selector?: { matchLabels?: Record<string, string> }; template?: { metadata?: { labels?: Record<string, string> } } } | undefined;
      const match = spec?.selector?.matchLabels ?? {};
      const labels = spec?.template?.metadata?.labels ?? {};
      if (!Object.entries(match).every(([k, v]) => labels[k] === v))
        out.push(rule.problem(r, ".spec.selector", "the selector does not match the pod template's labels: the API server rejects it"));
    }
    return out;
  },
});
