/** Every claim names a storage class the cluster has. */
import { didYouMean } from "../../util/did-you-mean.ts";
import { defineRule } from "../rule.ts";
import { claimsToCheck } from "./claims.ts";

export const storageClass = defineRule({
  id: "STORAGE-CLASS",
  severity: "error",
  title: "Claims use a storage class the cluster has",
  rationale: "A claim on a missing class stays Pending.",
  fix: "use a declared storage class",
  check: (input, rule) => {
    const toCheck = claimsToCheck(input);
    if (!toCheck) return [];
    const { classes, claims } = toCheck;
    return claims
      .filter(({ claim }) => !claim.spec.storageClassName || !classes[claim.spec.storageClassName])
      .map(({ resource, claim }) => {
        const name = claim.spec.storageClassName ?? "";
        return rule.problem(resource, `${claim.field}.storageClassName`, `storage class "${name}" is neither built into AKS nor declared in spec.kubernetes.storageClasses`, didYouMean(name, Object.keys(classes)) ?? "declare it with the access modes it supports");
      });
  },
});
