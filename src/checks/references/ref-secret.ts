import { defineRule } from "../rule.ts";
import { objectIndex } from "./object-index.ts";

export const refSecret = defineRule({
  id: "REF-SECRET",
  severity: "error",
  title: "Secret exists",
  rationale: "Pods reading a missing Secret do not start.",
  fix: "create the Secret or correct the name",
  check: (input, rule) => {
    const index = objectIndex(input);
    return index
      .refsTo("Secret")
      .filter(({ ns, ref }) => !index.secretKeys(ns, ref.name))
      .map(({ resource, ns, ref }) => rule.problem(resource, ref.field, `Secret "${ref.name}" does not exist in namespace ${ns}`, input.facts.missingSecretHint ?? "add the Secret, or suppress with berth.dev/ignore if something else creates it"));
  },
});
