/**
 * Every claim — PersistentVolumeClaims and StatefulSet claim templates, from apps, components and jobs — for the
 * STORAGE-* rules, which hold them to the storage classes the cluster has (built into AKS or declared in
 * spec.kubernetes.storageClasses). A class hard-coded somewhere in the catalog could not pass (seed 003's first hand fix).
 */
import type { KubeObject } from "../../resources/kube-object.ts";

export interface Claim {
  readonly field: string;
  readonly spec: { storageClassName?: string; accessModes?: string[] };
}

export const claimsOf = (o: KubeObject): Claim[] => {
  const spec = o.spec as { volumeClaimTemplates?: { spec: Claim["spec"] }[] } & Claim["spec"];
  if (o.kind === "PersistentVolumeClaim") return [{ field: ".spec", spec }];
  return (spec?.volumeClaimTemplates ?? []).map((t, i) => ({ field: `.spec.volumeClaimTemplates[${i}].spec`, spec: t.spec }));
};
