/**
 * A problem found by any stage. Errors are data: stages return lists of these, renderers turn them into text or JSON.
 */
export type Severity = "error" | "warning";

export interface SourceLocation {
  /** File as the user named it (or a pseudo-source such as `--set #1`). */
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface Diagnostic {
  readonly severity: Severity;
  /** Stable identifier, listed in src/diagnostics/codes.ts. */
  readonly code: string;
  /** What is wrong and what was expected. */
  readonly message: string;
  /** The spec path (`spec.apps.qna.resources.limits.memory`), or an object path for generated objects. */
  readonly path: string;
  readonly location?: SourceLocation;
  readonly hint?: string;
  /** For problems in generated objects: `Deployment mlops/qna` and the field inside it. */
  readonly object?: string;
  readonly field?: string;
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean =>
  diagnostics.some((d) => d.severity === "error");

/** Stable order: by file position, then path, then code — so output and golden files never flap. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic) => [d.location?.file ?? "~", d.location?.line ?? 1e9, d.location?.col ?? 1e9] as const;
  return [...diagnostics].sort((a, b) => {
    const [fa, la, ca] = key(a);
    const [fb, lb, cb] = key(b);
    if (fa !== fb) return fa < fb ? -1 : 1;
    if (la !== lb) return la - lb;
    if (ca !== cb) return ca - cb;
    if (a.path !== b.path) return a.path < b.path ? -1 : 1;
    if ((a.object ?? "") !== (b.object ?? "")) return (a.object ?? "") < (b.object ?? "") ? -1 : 1;
    if ((a.field ?? "") !== (b.field ?? "")) return (a.field ?? "") < (b.field ?? "") ? -1 : 1;
    return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  });
}

/** Removes exact repeats (the same problem reached through two routes). */
export function uniqueDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const k = JSON.stringify([d.code, d.path, d.object, d.field, d.message]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Thrown only to abort a stage early with diagnostics already collected; never shown with a stack. */
export class DiagnosticsError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(`${diagnostics.length} problem(s)`);
  }
}
