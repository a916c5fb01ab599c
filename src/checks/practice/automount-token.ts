/** A secure default beyond Pod Security: no API token in pods whose ServiceAccount is granted nothing. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { podTemplates } from "../pod-security/pod-spec.ts";

export const automountToken = defineRule({
  id: "AUTOMOUNT-TOKEN",
  severity: "error",
  title: "No API token unless the pod needs the API",
  rationale: "A mounted token is a credential an attacker can use (CKV_K8S_38).",
  fix: "set automountServiceAccountToken: false",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    // A ServiceAccount is granted API access when a RoleBinding names it and binds a Role that has rules.
    const rolesWithRules = new Set(
      input.resources
        .filter((r) => r.object.kind === "Role" && ((r.object.rules as unknown[] | undefined)?.length ?? 0) > 0)
        .map((r) => `${r.object.metadata.namespace}/${r.object.metadata.name}`),
    );
    const roleBound = new Set(
      input.resources
        .filter((r) => r.object.kind === "RoleBinding" && rolesWithRules.has(`${r.object.metadata.namespace}/${(r.object.roleRef as { name: string }).name}`))
        .flatMap((r) => ((r.object.subjects as { kind: string; name: string; namespace?: string }[]) ?? []).filter((s) => s.kind === "ServiceAccount").map((s) => `${s.namespace ?? r.object.metadata.namespace}/${s.name}`)),
    );
    for (const { resource, pod } of podTemplates(input))
      if (pod.spec.automountServiceAccountToken !== false && !roleBound.has(`${resource.object.metadata.namespace}/${pod.spec.serviceAccountName}`))
        out.push(rule.problem(resource, `${pod.field}.automountServiceAccountToken`, "the API token is mounted but the ServiceAccount is granted no API access"));
    return out;
  },
});
