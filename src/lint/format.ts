/** Lint output: text grouped by object, JSON, and SARIF 2.1.0 for code-scanning upload. */
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { formatLocation, toJson } from "../diagnostics/render.ts";
import { ruleInfo, RULES } from "./rule-catalog.ts";

export function lintText(diagnostics: readonly Diagnostic[]): string {
  const groups = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const head = `${d.location ? `${formatLocation(d.location).replace(/:\d+$/, "")}  ` : ""}${d.object ?? d.path}`;
    groups.set(head, [...(groups.get(head) ?? []), d]);
  }
  const lines: string[] = [];
  for (const [head, items] of [...groups].sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }))) {
    lines.push(head);
    for (const d of items) {
      lines.push(`  ${d.severity} ${d.code}${d.field ? ` ${d.field}` : ""}: ${d.message}`);
      const fix = d.hint ?? ruleInfo(d.code)?.fix;
      if (fix) lines.push(`    fix: ${fix}`);
    }
  }
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  lines.push(`${diagnostics.length} finding(s): ${errors} error(s), ${diagnostics.length - errors} warning(s)`);
  return lines.join("\n");
}

export const lintJson = (diagnostics: readonly Diagnostic[]) => JSON.stringify({ findings: toJson(diagnostics) }, null, 2);

const SARIF_LEVEL = { error: "error", warning: "warning" } as const;

export function lintSarif(diagnostics: readonly Diagnostic[], version: string): string {
  const used = new Set(diagnostics.map((d) => d.code));
  const rules = [...RULES.filter((r) => used.has(r.id)), ...[...used].filter((id) => !ruleInfo(id)).map((id) => ({ id, title: id, rationale: id, fix: "" }))];
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "berth",
            version,
            informationUri: "https://berth.dev/docs/lint",
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.toLowerCase().replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
              shortDescription: { text: r.title },
              fullDescription: { text: r.rationale },
              help: { text: r.fix || r.rationale },
            })),
          },
        },
        results: diagnostics.map((d) => ({
          ruleId: d.code,
          level: SARIF_LEVEL[d.severity],
          message: { text: `${d.object ? `${d.object}${d.field ? ` ${d.field}` : ""}: ` : ""}${d.message}` },
          ...(d.location
            ? { locations: [{ physicalLocation: { artifactLocation: { uri: d.location.file.replace(/\\/g, "/") }, region: { startLine: d.location.line, startColumn: d.location.col } } }] }
            : {}),
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}
