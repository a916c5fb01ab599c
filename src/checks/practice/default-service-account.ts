/** A secure default beyond Pod Security: pods run as a ServiceAccount of their own. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { podTemplates } from "../pod-security/pod-spec.ts";

export const defaultServiceAccount = defineRule({
  id: "DEFAULT-SERVICE-ACCOUNT",
  severity: "error",
  title: "Pods use a dedicated ServiceAccount",
  rationale: "The default ServiceAccount is shared by everything in the namespace (CKV_K8S_41).",
  fix: "create a ServiceAccount per workload and set serviceAccountName",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const { resource, pod } of podTemplates(input)) {
      const sa = pod.spec.serviceAccountName;
      if (!sa || sa === "default") out.push(rule.problem(resource, `${pod.field}.serviceAccountName`, "pods must run as a dedicated ServiceAccount, not default"));
    }
    return out;
  },
});
