/** What the API server rejects inside a pod spec but the OpenAPI schema cannot express: mounts of missing volumes. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { containersOf, podTemplates } from "../pod-security/pod-spec.ts";
import { mountsOf, volumeNamesOf } from "./pod-volumes.ts";

export const podUnknownVolume = defineRule({
  id: "POD-UNKNOWN-VOLUME",
  severity: "error",
  title: "Every mount has a volume",
  rationale: "A mount of a missing volume is rejected.",
  fix: "declare the volume or remove the mount",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const { resource, pod } of podTemplates(input)) {
      const volumes = volumeNamesOf(resource.object, pod.spec);
      for (const { container, field } of containersOf(pod.spec))
        for (const m of mountsOf(container)) if (!volumes.includes(m.name)) out.push(rule.problem(resource, `${pod.field}${field}.volumeMounts`, `mount of volume "${m.name}", which the pod does not have`));
    }
    return out;
  },
});
