/** What the API server rejects inside a pod spec but the OpenAPI schema cannot express: names given twice. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { containersOf, podTemplates } from "../pod-security/pod-spec.ts";
import { mountsOf, volumeNamesOf } from "./pod-volumes.ts";

const duplicates = (names: readonly string[]) => new Set(names.filter((n, i) => names.indexOf(n) !== i));

export const podDuplicate = defineRule({
  id: "POD-DUPLICATE",
  severity: "error",
  title: "No duplicate names inside a pod",
  rationale: "Duplicate volume, container, port or env names are rejected or shadow each other.",
  fix: "give each a unique name",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const { resource, pod } of podTemplates(input)) {
      for (const d of duplicates(volumeNamesOf(resource.object, pod.spec))) out.push(rule.problem(resource, `${pod.field}.volumes`, `Duplicate value: volume name "${d}"`, "rename the volume in the spec"));
      const containers = containersOf(pod.spec);
      for (const d of duplicates(containers.map((c) => c.container.name))) out.push(rule.problem(resource, `${pod.field}.containers`, `Duplicate value: container name "${d}"`));
      for (const { container, field } of containers) {
        const c = container as { env?: { name: string }[]; ports?: { name?: string }[] };
        for (const d of duplicates(mountsOf(container).map((m) => m.mountPath))) out.push(rule.problem(resource, `${pod.field}${field}.volumeMounts`, `Duplicate value: two volumes mounted at "${d}"`));
        for (const d of duplicates((c.env ?? []).map((e) => e.name))) out.push(rule.problem(resource, `${pod.field}${field}.env`, `Duplicate value: env "${d}"`));
        for (const d of duplicates((c.ports ?? []).flatMap((p) => (p.name ? [p.name] : [])))) out.push(rule.problem(resource, `${pod.field}${field}.ports`, `Duplicate value: port name "${d}"`));
      }
    }
    return out;
  },
});
