/** Label values of generated objects are valid. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { labelValue } from "../../spec/formats.ts";
import { defineRule } from "../rule.ts";
import { distinctObjects } from "./distinct-objects.ts";

export const nameLabelValue = defineRule({
  id: "NAME-LABEL-VALUE",
  severity: "error",
  title: "Label values are valid",
  rationale: "The API server rejects invalid label values.",
  fix: "at most 63 letters, digits, '-', '_' and '.'",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const r of distinctObjects(input.resources))
      for (const [k, v] of Object.entries(r.object.metadata.labels ?? {})) {
        const problem = labelValue(v);
        if (problem) out.push(rule.problem(r, `.metadata.labels["${k}"]`, problem.message));
      }
    return out;
  },
});
