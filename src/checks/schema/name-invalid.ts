/** Every object's name passes the check the API server applies to its kind (see kinds.ts). */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { dnsLabel, dnsSubdomain, type FormatCheck } from "../../spec/formats.ts";
import { defineRule } from "../rule.ts";
import { distinctObjects } from "./distinct-objects.ts";
import { type NameRule, nameRuleOf } from "./kinds.ts";

/** RBAC names are URL path segments, so `system:controller:x` is valid; only what would break the path is not. */
const pathSegment: FormatCheck = (v) =>
  v === "." || v === ".." ? { message: `"${v}" may not be a name: it is a path segment of its own` } : /[/%]/.test(v) ? { message: `"${v}" may not contain '/' or '%'` } : undefined;

const dns1035Label: FormatCheck = (v) => dnsLabel(v) ?? (/^[a-z]/.test(v) ? undefined : { message: `"${v}" must start with a letter (DNS-1035 label)` });

const CHECKS: Readonly<Record<NameRule, FormatCheck>> = {
  "dns-subdomain": dnsSubdomain,
  "dns-label": dnsLabel,
  "dns-1035-label": dns1035Label,
  "path-segment": pathSegment,
};

export const nameInvalid = defineRule({
  id: "NAME-INVALID",
  severity: "error",
  title: "Object name is valid for its kind",
  rationale: "The API server checks each kind's names by its own rule (DNS subdomain, DNS label or path segment).",
  fix: "use lower-case letters, digits and '-', within the length limit",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const r of distinctObjects(input.resources)) {
      const { kind, metadata } = r.object;
      const rules = nameRuleOf(kind);
      const problem = CHECKS[rules.name](metadata.name);
      if (problem) out.push(rule.problem(r, ".metadata.name", problem.message, problem.hint ?? "shorten or rename the spec entry"));
      else if (rules.maxLength && metadata.name.length > rules.maxLength.length)
        out.push(rule.problem(r, ".metadata.name", `${kind} name "${metadata.name}" must be no more than ${rules.maxLength.length} characters: ${rules.maxLength.why}`, "shorten the spec entry's name"));
    }
    return out;
  },
});
