/**
 * Every claim — PersistentVolumeClaims and StatefulSet claim templates, from apps, components and jobs — names a
 * storage class the cluster has (built into AKS or declared in spec.kubernetes.storageClasses) with the access mode
 * it asks for. A class hard-coded somewhere in the catalog could not pass this (seed 003's first hand fix).
 */
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { didYouMean } from "../util/did-you-mean.ts";
import { type ObjectCheck, objectProblem } from "./check.ts";

interface Claim {
  readonly field: string;
  readonly spec: { storageClassName?: string; accessModes?: string[] };
}

const claimsOf = (o: { kind: string; spec?: unknown }): Claim[] => {
  const spec = o.spec as { volumeClaimTemplates?: { spec: Claim["spec"] }[] } & Claim["spec"];
  if (o.kind === "PersistentVolumeClaim") return [{ field: ".spec", spec }];
  return (spec?.volumeClaimTemplates ?? []).map((t, i) => ({ field: `.spec.volumeClaimTemplates[${i}].spec`, spec: t.spec }));
};

export const storage: ObjectCheck = (input) => {
  const out: Diagnostic[] = [];
  const classes = input.facts.storageClasses;
  // YAML from elsewhere says nothing of the cluster's storage classes: nothing to check them against.
  if (!classes) return out;
  for (const r of input.resources) {
    for (const claim of claimsOf(r.object)) {
      const name = claim.spec.storageClassName;
      const modes = name ? classes[name] : undefined;
      if (!name || !modes) {
        out.push(objectProblem(input, r, "STORAGE-CLASS", `${claim.field}.storageClassName`, `storage class "${name ?? ""}" is neither built into AKS nor declared in spec.kubernetes.storageClasses`, didYouMean(name ?? "", Object.keys(classes)) ?? "declare it with the access modes it supports"));
        continue;
      }
      for (const mode of claim.spec.accessModes ?? [])
        if (!modes.includes(mode)) out.push(objectProblem(input, r, "STORAGE-ACCESS-MODE", `${claim.field}.accessModes`, `storage class "${name}" does not support ${mode} (it supports ${modes.join(", ")})`));
    }
  }
  return out;
};
