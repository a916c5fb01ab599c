/** Secure defaults beyond Pod Security: requests and limits, probes, a dedicated ServiceAccount, no stray API token. */
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { type ObjectCheck, objectProblem } from "./check.ts";
import { podSpecOf } from "./pod-security/pod-spec.ts";

export const workloadDefaults: ObjectCheck = (input) => {
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
  for (const r of input.resources) {
    const pod = podSpecOf(r.object);
    if (!pod) continue;
    const sa = pod.spec.serviceAccountName;
    if (!sa || sa === "default") out.push(objectProblem(input, r, "DEFAULT-SERVICE-ACCOUNT", `${pod.field}.serviceAccountName`, "pods must run as a dedicated ServiceAccount, not default"));
    if (pod.spec.automountServiceAccountToken !== false && !roleBound.has(`${r.object.metadata.namespace}/${sa}`))
      out.push(objectProblem(input, r, "AUTOMOUNT-TOKEN", `${pod.field}.automountServiceAccountToken`, "the API token is mounted but the ServiceAccount is granted no API access"));
    (pod.spec.containers ?? []).forEach((c, i) => {
      const field = `${pod.field}.containers[${i}]`;
      for (const [kind, name] of [["requests", "cpu"], ["requests", "memory"], ["limits", "cpu"], ["limits", "memory"]] as const)
        if (!c.resources?.[kind]?.[name]) out.push(objectProblem(input, r, "RESOURCES-MISSING", `${field}.resources.${kind}.${name}`, `${kind}.${name} must be set`));
      if (r.object.kind !== "Job" && r.object.kind !== "CronJob") {
        if (!c.livenessProbe) out.push(objectProblem(input, r, "PROBE-MISSING", `${field}.livenessProbe`, "a long-running container needs a liveness probe"));
        if (!c.readinessProbe) out.push(objectProblem(input, r, "PROBE-MISSING", `${field}.readinessProbe`, "a long-running container needs a readiness probe"));
      }
    });
  }
  return out;
};
