import type { Diagnostic, Severity } from "../../diagnostics/diagnostic.ts";
import { formatPath, type SpecPath } from "../path.ts";
import type { ResolvedSpec } from "../resolve.ts";

/** A cross-field rule over the parsed spec: returns every problem it finds. */
export type SpecRule = (spec: ResolvedSpec) => Diagnostic[];

export function problem(
  spec: ResolvedSpec,
  path: SpecPath,
  code: string,
  message: string,
  hint?: string,
  severity: Severity = "error",
): Diagnostic {
  return { severity, code, path: formatPath(path), location: spec.locate.value(path), message, ...(hint ? { hint } : {}) };
}
