/** RBAC-WILDCARD, RBAC-CLUSTER-ADMIN, RBAC-EXEC (reliability.md #34): least privilege in Roles and bindings. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { type ObjectCheck, objectProblem } from "../check.ts";

type Rule = { apiGroups?: string[]; resources?: string[]; verbs?: string[] };

export const rbac: ObjectCheck = (input) => {
  const out: Diagnostic[] = [];
  for (const r of input.resources) {
    if (r.object.kind === "Role" || r.object.kind === "ClusterRole") {
      ((r.object.rules as Rule[] | undefined) ?? []).forEach((rule, i) => {
        if ([...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...(rule.verbs ?? [])].includes("*"))
          out.push(objectProblem(input, r, "RBAC-WILDCARD", `.rules[${i}]`, "a wildcard grants every present and future resource or verb", "list the resources and verbs the workload needs"));
        if ((rule.resources ?? []).some((res) => res === "pods/exec" || res === "pods/attach") && (rule.verbs ?? []).some((v) => v === "create" || v === "*"))
          out.push(objectProblem(input, r, "RBAC-EXEC", `.rules[${i}]`, "exec and attach into pods run commands as any workload of the namespace"));
      });
    }
    if ((r.object.kind === "RoleBinding" || r.object.kind === "ClusterRoleBinding") && (r.object.roleRef as { name?: string } | undefined)?.name === "cluster-admin")
      out.push(objectProblem(input, r, "RBAC-CLUSTER-ADMIN", ".roleRef", "binds cluster-admin: full control of the cluster", "bind a Role with only the rules needed"));
  }
  return out;
};
