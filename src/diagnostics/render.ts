import type { Diagnostic, SourceLocation } from "./diagnostic.ts";
import { sortDiagnostics } from "./diagnostic.ts";

export const formatLocation = (l: SourceLocation): string => `${l.file}:${l.line}:${l.col}`;

/**
 * Compiler-style text:
 *   berth.yaml:12:5: error SPEC-UNKNOWN-FIELD spec.apps.qna.replics: unknown field "replics"
 *     hint: did you mean "replicas"?
 */
export function renderText(diagnostics: readonly Diagnostic[]): string {
  const lines: string[] = [];
  for (const d of sortDiagnostics(diagnostics)) {
    const where = d.location ? `${formatLocation(d.location)}: ` : "";
    const subject = d.object ? `${d.path} → ${d.object}${d.field ? ` ${d.field}` : ""}` : d.path;
    lines.push(`${where}${d.severity} ${d.code} ${subject}: ${d.message}`);
    if (d.hint) lines.push(`  hint: ${d.hint}`);
  }
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  if (diagnostics.length > 0) lines.push(`${errors} error(s), ${warnings} warning(s)`);
  return lines.join("\n");
}

export function toJson(diagnostics: readonly Diagnostic[]) {
  return sortDiagnostics(diagnostics).map((d) => ({
    severity: d.severity,
    code: d.code,
    message: d.message,
    path: d.path,
    ...(d.location ? { location: formatLocation(d.location) } : {}),
    ...(d.object ? { object: d.object } : {}),
    ...(d.field ? { field: d.field } : {}),
    ...(d.hint ? { hint: d.hint } : {}),
  }));
}
