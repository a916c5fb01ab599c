/** Kinds berth has no schema for, in YAML from elsewhere: passed through unchecked, so said out loud. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { REMOVED_APIS, SCHEMAS } from "../schema-registry.ts";
import { gvkOf } from "./api.ts";

export const k8sUnknownKind = defineRule({
  id: "K8S-UNKNOWN-KIND",
  severity: "warning",
  title: "Kinds berth can validate",
  rationale: "Objects of unknown kinds are passed through unchecked.",
  fix: "nothing to fix; suppress with a reason if expected",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    // What berth writes itself has a schema or is a K8S-SCHEMA error; a removed API is K8S-API-VERSION alone.
    if (input.facts.unknownKinds !== "warn") return out;
    for (const r of input.resources) {
      const gvk = gvkOf(r.object);
      if (!REMOVED_APIS[gvk] && !SCHEMAS[gvk]) out.push(rule.problem(r, ".", `${gvk} is not validated: berth has no schema for it`));
    }
    return out;
  },
});
