import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { objectIndex } from "./object-index.ts";

export const refSelector = defineRule({
  id: "REF-SELECTOR",
  severity: "error",
  title: "Selector matches something",
  rationale: "A Service, PDB, NetworkPolicy or ServiceMonitor that selects nothing does nothing.",
  fix: "match the labels of the intended pods or Services",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    const index = objectIndex(input);
    for (const { resource, ns, selectors } of index.references)
      for (const sel of selectors) {
        if (sel.targets === "pods") {
          if (index.podTemplatesMatching(ns, sel.matchLabels).length === 0) out.push(rule.problem(resource, sel.field, `selector ${JSON.stringify(sel.matchLabels)} matches no pod template`));
        } else if (index.servicesSelectedBy(sel, ns).length === 0) out.push(rule.problem(resource, sel.field, `selector ${JSON.stringify(sel.matchLabels)} matches no Service`));
      }
    return out;
  },
});
