/** Workloads do not live in the default namespace (reliability.md #33); cluster-scoped objects have no namespace at all. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { isNamespaced } from "../schema/kinds.ts";

export const namespaceDefault = defineRule({
  id: "NAMESPACE-DEFAULT",
  severity: "warning",
  title: "Objects have their own namespace",
  rationale: "The default namespace is shared and cannot be isolated (CKV_K8S_21).",
  fix: "set metadata.namespace",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const r of input.resources) {
      if (!isNamespaced(input, r)) continue;
      const ns = r.object.metadata.namespace;
      if (ns === "default" || ns === undefined)
        out.push(rule.problem(r, ".metadata.namespace", ns === "default" ? "the object is in the default namespace, shared with everything else" : "no namespace: it lands in whatever namespace kubectl points at", "give the object its own namespace"));
    }
    return out;
  },
});
