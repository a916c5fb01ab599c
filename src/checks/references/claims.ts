/**
 * Every claim — PersistentVolumeClaims and StatefulSet claim templates, from apps, components and jobs — for the
 * STORAGE-* rules, which hold them to the storage classes the cluster has (built into AKS or declared in
 * spec.kubernetes.storageClasses). A class hard-coded somewhere in the catalog could not pass (seed 003's first hand fix).
 */
import type { KubeDesired, KubeObject } from "../../resources/kube-object.ts";
import type { CheckInput } from "../check.ts";

interface Claim {
  readonly field: string;
  readonly spec: { storageClassName?: string; accessModes?: string[] };
}

const claimsIn = (o: KubeObject): Claim[] => {
  const spec = o.spec as { volumeClaimTemplates?: { spec: Claim["spec"] }[] } & Claim["spec"];
  if (o.kind === "PersistentVolumeClaim") return [{ field: ".spec", spec }];
  return (spec?.volumeClaimTemplates ?? []).map((t, i) => ({ field: `.spec.volumeClaimTemplates[${i}].spec`, spec: t.spec }));
};

/**
 * The storage classes to hold claims to, and every claim with its object — or nothing: YAML from elsewhere says
 * nothing of the cluster's storage classes, so there is nothing to check claims against.
 */
export function claimsToCheck(input: CheckInput): { classes: Readonly<Record<string, readonly string[]>>; claims: { resource: KubeDesired; claim: Claim }[] } | undefined {
  const classes = input.facts.storageClasses;
  if (!classes) return undefined;
  return { classes, claims: input.resources.flatMap((resource) => claimsIn(resource.object).map((claim) => ({ resource, claim }))) };
}
