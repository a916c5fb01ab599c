/** Generated names are valid for their kind. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { dnsLabel, dnsSubdomain } from "../../spec/formats.ts";
import { defineRule } from "../rule.ts";
import { distinctObjects } from "./distinct-objects.ts";

/** Kinds whose names become DNS labels (Services need DNS-1035: starting with a letter). */
const NAME_FORMATS: Readonly<Record<string, "dns1035" | "label">> = {
  Namespace: "label",
  Service: "dns1035",
  Deployment: "label",
  StatefulSet: "label",
};

export const nameInvalid = defineRule({
  id: "NAME-INVALID",
  severity: "error",
  title: "Object name is valid for its kind",
  rationale: "Names become DNS labels and are checked by the API server.",
  fix: "use lower-case letters, digits and '-', within the length limit",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const r of distinctObjects(input.resources)) {
      const name = r.object.metadata.name;
      const format = NAME_FORMATS[r.object.kind];
      const problem = format ? dnsLabel(name) : dnsSubdomain(name);
      if (problem) out.push(rule.problem(r, ".metadata.name", problem.message, "shorten or rename the spec entry"));
      else if (format === "dns1035" && !/^[a-z]/.test(name)) out.push(rule.problem(r, ".metadata.name", `Service name "${name}" must start with a letter (DNS-1035)`));
      else if ((r.object.kind === "StatefulSet" || r.object.kind === "CronJob") && name.length > 52)
        out.push(rule.problem(r, ".metadata.name", `${r.object.kind} name "${name}" must be no more than 52 characters: its pods' controller-revision-hash (or Job) label adds 11`, "shorten the spec entry's name"));
    }
    return out;
  },
});
