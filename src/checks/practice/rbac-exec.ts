/** Least privilege in Roles: no exec or attach into pods (reliability.md #34). */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { policyRulesOf } from "./policy-rules.ts";

export const rbacExec = defineRule({
  id: "RBAC-EXEC",
  severity: "error",
  title: "No exec or attach into pods",
  rationale: "exec runs commands as any workload (Polaris clusterrolePodExecAttach).",
  fix: "remove pods/exec and pods/attach",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const r of input.resources)
      policyRulesOf(r).forEach((policy, i) => {
        if ((policy.resources ?? []).some((res) => res === "pods/exec" || res === "pods/attach") && (policy.verbs ?? []).some((v) => v === "create" || v === "*"))
          out.push(rule.problem(r, `.rules[${i}]`, "exec and attach into pods run commands as any workload of the namespace"));
      });
    return out;
  },
});
