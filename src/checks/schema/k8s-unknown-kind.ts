/** Kinds berth has no schema for, in YAML from elsewhere: passed through unchecked, so said out loud. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";
import { API_AVAILABILITY, removedAt, SCHEMA_SOURCE_MINOR, SCHEMAS } from "../schema-registry.ts";
import { gvkOf, targetMinor } from "./api.ts";

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
    const minor = targetMinor(input);
    for (const r of input.resources) {
      const gvk = gvkOf(r.object);
      if (removedAt(gvk, minor) || SCHEMAS[gvk]) continue;
      // A built-in API newer than the schemas is known (served, scoped) but its fields go unchecked: said as such.
      const newer = API_AVAILABILITY[gvk] && API_AVAILABILITY[gvk]!.since > SCHEMA_SOURCE_MINOR;
      out.push(
        rule.problem(
          r,
          ".",
          newer
            ? `${gvk} is not validated: it is built into Kubernetes 1.${API_AVAILABILITY[gvk]!.since}+, after the 1.${SCHEMA_SOURCE_MINOR} schemas berth has`
            : `${gvk} is not validated: berth has no schema for it`,
        ),
      );
    }
    return out;
  },
});
