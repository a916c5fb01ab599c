import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { didYouMean } from "../../util/did-you-mean.ts";
import { defineRule } from "../rule.ts";
import { objectIndex } from "./object-index.ts";

export const refSecretKey = defineRule({
  id: "REF-SECRET-KEY",
  severity: "error",
  title: "Secret has the key",
  rationale: "A missing key stops the container from starting.",
  fix: "use a key the Secret has",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    const index = objectIndex(input);
    for (const { resource, ns, ref } of index.refsTo("Secret")) {
      // A missing Secret is REF-SECRET.
      const keys = index.secretKeys(ns, ref.name);
      if (keys && ref.key && !keys.includes(ref.key)) out.push(rule.problem(resource, ref.field, `Secret "${ref.name}" has no key "${ref.key}"`, didYouMean(ref.key, keys)));
    }
    return out;
  },
});
