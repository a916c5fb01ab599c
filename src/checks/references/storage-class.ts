/** Every claim names a storage class the cluster has. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { didYouMean } from "../../util/did-you-mean.ts";
import { defineRule } from "../rule.ts";
import { claimsOf } from "./claims.ts";

export const storageClass = defineRule({
  id: "STORAGE-CLASS",
  severity: "error",
  title: "Claims use a storage class the cluster has",
  rationale: "A claim on a missing class stays Pending.",
  fix: "use a declared storage class",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    const classes = input.facts.storageClasses;
    // YAML from elsewhere says nothing of the cluster's storage classes: nothing to check them against.
    if (!classes) return out;
    for (const r of input.resources)
      for (const claim of claimsOf(r.object)) {
        const name = claim.spec.storageClassName;
        if (!name || !classes[name])
          out.push(rule.problem(r, `${claim.field}.storageClassName`, `storage class "${name ?? ""}" is neither built into AKS nor declared in spec.kubernetes.storageClasses`, didYouMean(name ?? "", Object.keys(classes)) ?? "declare it with the access modes it supports"));
      }
    return out;
  },
});
