import type { Diagnostic } from "../../../diagnostics/diagnostic.ts";
import { NAME_RULES, nameProblem } from "../../azure-naming.ts";
import type { AzureFamily } from "../../azure-schema.ts";
import { problem, type SpecRule } from "../rule.ts";

/**
 * Every Azure name is valid for its type, whether made by spec.azure.naming or written with `name:`; an existing
 * resource must say its real name, since a made-up one would find nothing.
 */
export const azureNames: SpecRule = (spec) => {
  const azure = spec.platform.spec.azure;
  if (!azure) return [];
  const out: Diagnostic[] = [];
  for (const family of Object.keys(NAME_RULES) as AzureFamily[]) {
    for (const [logical, r] of Object.entries(azure[family] as Record<string, { name?: string; existing: boolean }>)) {
      const at = ["spec", "azure", family, logical];
      const written = hasWrittenName(spec, at);
      if (r.existing && !written) out.push(problem(spec, at, "AZURE-EXISTING-NAME", `${family}.${logical} is existing, and has no name: berth would look for a made-up one`, "add name: <its real name> (and resourceGroup)"));
      const why = nameProblem(family, r.name!);
      if (!why) continue;
      const rule = NAME_RULES[family];
      out.push(
        problem(
          spec,
          written ? [...at, "name"] : at,
          "AZURE-NAME",
          `the ${family} name "${r.name}"${written ? "" : ` (made by naming "${azure.naming}")`} ${why}`,
          written ? `a ${family} name has ${rule.min}–${rule.max} characters: ${rule.allowed}` : `write name: explicitly, or shorten the naming pattern or the logical name (${rule.min}–${rule.max} characters: ${rule.allowed})`,
        ),
      );
    }
  }
  return out;
};

/** `name:` written in the file or by --set: its location differs from the resource's own (locate walks up otherwise). */
const hasWrittenName = (spec: Parameters<SpecRule>[0], at: (string | number)[]) => {
  const name = spec.locate.value([...at, "name"]);
  const parent = spec.locate.value(at);
  return name !== undefined && parent !== undefined && (name.line !== parent.line || name.col !== parent.col || name.file !== parent.file);
};
