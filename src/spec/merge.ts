import type { Diagnostic, SourceLocation } from "../diagnostics/diagnostic.ts";
import { formatPath, type SpecPath } from "./path.ts";

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const shape = (v: unknown) => (isMap(v) ? "mapping" : Array.isArray(v) ? "list" : "value");

/**
 * Deep-merges an environment overlay over the base, the way documents merge:
 * mappings merge key by key, lists and scalars replace whole, and `null` removes the key.
 * A mapping replaced by a list or scalar (or the reverse) is a conflict, reported with both places.
 */
export function mergeOverlay(
  base: unknown,
  overlay: unknown,
  basePath: SpecPath,
  overlayPath: SpecPath,
  locate: (path: SpecPath) => SourceLocation | undefined,
  diagnostics: Diagnostic[],
): unknown {
  if (!isMap(overlay)) return overlay;
  if (base === undefined || base === null) return stripNulls(overlay);
  if (!isMap(base)) {
    conflict(base, overlay, basePath, overlayPath, locate, diagnostics);
    return base;
  }
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    if (value === null) {
      delete out[key];
      continue;
    }
    const current = base[key];
    if (current !== undefined && current !== null && shape(current) !== shape(value)) {
      conflict(current, value, [...basePath, key], [...overlayPath, key], locate, diagnostics);
      continue;
    }
    out[key] = mergeOverlay(current, value, [...basePath, key], [...overlayPath, key], locate, diagnostics);
  }
  return out;
}

function stripNulls(v: unknown): unknown {
  if (!isMap(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, stripNulls(x)]));
}

function conflict(
  base: unknown,
  overlay: unknown,
  basePath: SpecPath,
  overlayPath: SpecPath,
  locate: (path: SpecPath) => SourceLocation | undefined,
  diagnostics: Diagnostic[],
) {
  const baseAt = locate(basePath);
  diagnostics.push({
    severity: "error",
    code: "SPEC-MERGE-CONFLICT",
    path: formatPath(overlayPath),
    location: locate(overlayPath),
    message: `the environment gives a ${shape(overlay)} where the base ${formatPath(basePath)}${baseAt ? ` (${baseAt.file}:${baseAt.line}:${baseAt.col})` : ""} has a ${shape(base)}`,
    hint: "an environment overlay must keep the base's shape; change the value, or use null to remove the key first",
  });
}

// ---- --set path=value ----------------------------------------------------------------------------------------

/** Parses `apps.qna.replicas` or `spec.apps.qna.env[Databricks__Url]` into path segments under the document root. */
export function parseSetPath(text: string): SpecPath | undefined {
  const segments: (string | number)[] = [];
  const re = /([^.[\]]+)|\[([^\]]+)\]/g;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    if (m.index !== consumed && !(text[consumed] === "." && m.index === consumed + 1)) return undefined;
    consumed = m.index + m[0].length;
    if (m[1] !== undefined) segments.push(m[1]);
    else segments.push(/^[0-9]+$/.test(m[2]!) ? Number(m[2]) : m[2]!.replace(/^["']|["']$/g, ""));
  }
  if (consumed !== text.length || segments.length === 0) return undefined;
  return segments[0] === "spec" || segments[0] === "metadata" ? segments : ["spec", ...segments];
}

/** Writes a value at a path, creating mappings on the way (lists only by index); null removes the key, as in overlays. */
export function setAtPath(root: Record<string, unknown>, path: SpecPath, value: unknown): string | undefined {
  let node: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    const container = node as Record<string | number, unknown>;
    let next = container[seg];
    if (next === undefined || next === null) {
      next = typeof path[i + 1] === "number" ? [] : {};
      container[seg] = next;
    }
    if (typeof next !== "object") return `${formatPath(path.slice(0, i + 1))} is a ${typeof next}, not a mapping`;
    node = next;
  }
  const last = path[path.length - 1]!;
  if (value === null && !Array.isArray(node)) delete (node as Record<string | number, unknown>)[last];
  else (node as Record<string | number, unknown>)[last] = value;
  return undefined;
}
