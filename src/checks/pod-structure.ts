/**
 * What the API server rejects inside a pod spec but the OpenAPI schema cannot express: duplicate container, volume,
 * port and env names, two mounts on one path, and mounts of volumes that do not exist.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { type ObjectCheck, objectProblem } from "./check.ts";
import { containersOf, podSpecOf } from "./pod-security/pod-spec.ts";

const duplicates = (names: readonly string[]) => names.filter((n, i) => names.indexOf(n) !== i);

export const podStructure: ObjectCheck = (input) => {
  const out: Diagnostic[] = [];
  for (const r of input.resources) {
    const pod = podSpecOf(r.object);
    if (!pod) continue;
    const spec = pod.spec as { volumes?: { name: string }[] };
    const claimTemplates = ((r.object.spec as { volumeClaimTemplates?: { metadata: { name: string } }[] } | undefined)?.volumeClaimTemplates ?? []).map((t) => t.metadata.name);
    const volumes = [...(spec.volumes ?? []).map((v) => v.name), ...claimTemplates];
    for (const d of new Set(duplicates(volumes))) out.push(objectProblem(input, r, "POD-DUPLICATE", `${pod.field}.volumes`, `Duplicate value: volume name "${d}"`, "rename the volume in the spec"));
    const containers = containersOf(pod.spec);
    for (const d of new Set(duplicates(containers.map((c) => c.container.name)))) out.push(objectProblem(input, r, "POD-DUPLICATE", `${pod.field}.containers`, `Duplicate value: container name "${d}"`));
    for (const { container, field } of containers) {
      const c = container as { volumeMounts?: { name: string; mountPath: string }[]; env?: { name: string }[]; ports?: { name?: string }[] };
      const mounts = c.volumeMounts ?? [];
      for (const d of new Set(duplicates(mounts.map((m) => m.mountPath)))) out.push(objectProblem(input, r, "POD-DUPLICATE", `${pod.field}${field}.volumeMounts`, `Duplicate value: two volumes mounted at "${d}"`));
      for (const m of mounts) if (!volumes.includes(m.name)) out.push(objectProblem(input, r, "POD-UNKNOWN-VOLUME", `${pod.field}${field}.volumeMounts`, `mount of volume "${m.name}", which the pod does not have`));
      for (const d of new Set(duplicates((c.env ?? []).map((e) => e.name)))) out.push(objectProblem(input, r, "POD-DUPLICATE", `${pod.field}${field}.env`, `Duplicate value: env "${d}"`));
      for (const d of new Set(duplicates((c.ports ?? []).flatMap((p) => (p.name ? [p.name] : [])))))
        out.push(objectProblem(input, r, "POD-DUPLICATE", `${pod.field}${field}.ports`, `Duplicate value: port name "${d}"`));
    }
  }
  return out;
};
