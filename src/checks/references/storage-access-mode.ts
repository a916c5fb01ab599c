/** Every claim asks for access modes its storage class supports. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { claimsToCheck } from "./claims.ts";

export const storageAccessMode = defineRule({
  id: "STORAGE-ACCESS-MODE",
  severity: "error",
  title: "Claims ask for an access mode the class supports",
  rationale: "An unsupported access mode never binds.",
  fix: "use a class that supports the mode, or change the mode",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    const toCheck = claimsToCheck(input);
    if (!toCheck) return out;
    for (const { resource, claim } of toCheck.claims) {
      const name = claim.spec.storageClassName;
      // A claim on a class the cluster lacks is STORAGE-CLASS; its modes have nothing to be checked against.
      const modes = name ? toCheck.classes[name] : undefined;
      if (!name || !modes) continue;
      for (const mode of claim.spec.accessModes ?? [])
        if (!modes.includes(mode)) out.push(rule.problem(resource, `${claim.field}.accessModes`, `storage class "${name}" does not support ${mode} (it supports ${modes.join(", ")})`));
    }
    return out;
  },
});
