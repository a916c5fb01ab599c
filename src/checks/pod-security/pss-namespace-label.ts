/** Every namespace enforces Pod Security restricted, so the API server holds pods to what lint checked. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";

export const pssNamespaceLabel = defineRule({
  id: "PSS-NAMESPACE-LABEL",
  severity: "error",
  title: "Namespace enforces Pod Security restricted",
  rationale: "Without the enforce label the API server admits pods that break the profile.",
  fix: "label the namespace pod-security.kubernetes.io/enforce: restricted",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    // Linting at baseline asks nothing of restricted, the namespace label included.
    if (input.level === "baseline") return out;
    for (const r of input.resources)
      if (r.object.kind === "Namespace" && r.object.metadata.labels?.["pod-security.kubernetes.io/enforce"] !== "restricted")
        out.push(rule.problem(r, ".metadata.labels", 'namespace must be labelled pod-security.kubernetes.io/enforce: "restricted"'));
    return out;
  },
});
