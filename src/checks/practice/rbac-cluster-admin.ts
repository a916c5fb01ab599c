/** Least privilege in bindings: never cluster-admin (reliability.md #34). */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";

export const rbacClusterAdmin = defineRule({
  id: "RBAC-CLUSTER-ADMIN",
  severity: "error",
  title: "No bindings to cluster-admin",
  rationale: "cluster-admin is full control of the cluster (kube-linter cluster-admin-role-binding).",
  fix: "bind a Role with only the rules needed",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const r of input.resources)
      if ((r.object.kind === "RoleBinding" || r.object.kind === "ClusterRoleBinding") && (r.object.roleRef as { name?: string } | undefined)?.name === "cluster-admin")
        out.push(rule.problem(r, ".roleRef", "binds cluster-admin: full control of the cluster", "bind a Role with only the rules needed"));
    return out;
  },
});
