import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { objectIndex } from "./object-index.ts";
import { get } from "./refs.ts";

export const refConfigMapKey = defineRule({
  id: "REF-CONFIGMAP-KEY",
  severity: "error",
  title: "ConfigMap has the key",
  rationale: "A missing key stops the container from starting.",
  fix: "use a key the ConfigMap has",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    const index = objectIndex(input);
    for (const { resource, ns, ref } of index.refsTo("ConfigMap")) {
      // A missing ConfigMap is REF-CONFIGMAP.
      const target = index.find("ConfigMap", ns, ref.name);
      if (target && ref.key && !Object.keys((get(target, "data") as object | undefined) ?? {}).includes(ref.key))
        out.push(rule.problem(resource, ref.field, `ConfigMap "${ref.name}" has no key "${ref.key}"`));
    }
    return out;
  },
});
