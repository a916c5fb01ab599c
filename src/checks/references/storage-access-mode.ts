/** Every claim asks for access modes its storage class supports. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { claimsOf } from "./claims.ts";

export const storageAccessMode = defineRule({
  id: "STORAGE-ACCESS-MODE",
  severity: "error",
  title: "Claims ask for an access mode the class supports",
  rationale: "An unsupported access mode never binds.",
  fix: "use a class that supports the mode, or change the mode",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    const classes = input.facts.storageClasses;
    // YAML from elsewhere says nothing of the cluster's storage classes: nothing to check them against.
    if (!classes) return out;
    for (const r of input.resources)
      for (const claim of claimsOf(r.object)) {
        const name = claim.spec.storageClassName;
        // A claim on a class the cluster lacks is STORAGE-CLASS; its modes have nothing to be checked against.
        const modes = name ? classes[name] : undefined;
        if (!name || !modes) continue;
        for (const mode of claim.spec.accessModes ?? [])
          if (!modes.includes(mode)) out.push(rule.problem(r, `${claim.field}.accessModes`, `storage class "${name}" does not support ${mode} (it supports ${modes.join(", ")})`));
      }
    return out;
  },
});
