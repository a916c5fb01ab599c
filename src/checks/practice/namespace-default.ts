/** Workloads do not live in the default namespace (reliability.md #33). */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";

/** Kinds that have no namespace. */
const CLUSTER_KINDS = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "StorageClass", "CustomResourceDefinition", "PersistentVolume", "ClusterIssuer", "PriorityClass", "IngressClass"]);

export const namespaceDefault = defineRule({
  id: "NAMESPACE-DEFAULT",
  severity: "warning",
  title: "Objects have their own namespace",
  rationale: "The default namespace is shared and cannot be isolated (CKV_K8S_21).",
  fix: "set metadata.namespace",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const r of input.resources) {
      if (CLUSTER_KINDS.has(r.object.kind)) continue;
      const ns = r.object.metadata.namespace;
      if (ns === "default" || ns === undefined)
        out.push(rule.problem(r, ".metadata.namespace", ns === "default" ? "the object is in the default namespace, shared with everything else" : "no namespace: it lands in whatever namespace kubectl points at", "give the object its own namespace"));
    }
    return out;
  },
});
