/** NAMESPACE-DEFAULT (reliability.md #33): workloads do not live in the default namespace. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { type ObjectCheck, objectProblem } from "../check.ts";

/** Kinds that have no namespace. */
const CLUSTER_KINDS = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "StorageClass", "CustomResourceDefinition", "PersistentVolume", "ClusterIssuer", "PriorityClass", "IngressClass"]);

export const defaultNamespace: ObjectCheck = (input) => {
  const out: Diagnostic[] = [];
  for (const r of input.resources) {
    if (CLUSTER_KINDS.has(r.object.kind)) continue;
    const ns = r.object.metadata.namespace;
    if (ns === "default" || ns === undefined)
      out.push(objectProblem(input, r, "NAMESPACE-DEFAULT", ".metadata.namespace", ns === "default" ? "the object is in the default namespace, shared with everything else" : "no namespace: it lands in whatever namespace kubectl points at", "give the object its own namespace", "warning"));
  }
  return out;
};
