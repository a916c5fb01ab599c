/** Least privilege in Roles: no wildcards (reliability.md #34). */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { policyRulesOf } from "./policy-rules.ts";

export const rbacWildcard = defineRule({
  id: "RBAC-WILDCARD",
  severity: "error",
  title: "No wildcards in RBAC rules",
  rationale: "A wildcard grants every present and future resource or verb (CKV_K8S_49).",
  fix: "list resources and verbs explicitly",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const r of input.resources)
      policyRulesOf(r).forEach((policy, i) => {
        if ([...(policy.apiGroups ?? []), ...(policy.resources ?? []), ...(policy.verbs ?? [])].includes("*"))
          out.push(rule.problem(r, `.rules[${i}]`, "a wildcard grants every present and future resource or verb", "list the resources and verbs the workload needs"));
      });
    return out;
  },
});
