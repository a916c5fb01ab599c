import type { Diagnostic, SourceLocation } from "../diagnostics/diagnostic.ts";
import { setOwn } from "../util/own.ts";
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
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(base)) setOwn(out, key, value);
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
    setOwn(out, key, mergeOverlay(current, value, [...basePath, key], [...overlayPath, key], locate, diagnostics));
  }
  return out;
}

function stripNulls(v: unknown): unknown {
  if (!isMap(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) setOwn(out, k, stripNulls(x));
  return out;
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
    else if (/^-?[0-9]+$/.test(m[2]!)) {
      if (m[2]!.startsWith("-")) return undefined;
      segments.push(Number(m[2]));
    } else segments.push(m[2]!.replace(/^["']|["']$/g, ""));
  }
  if (consumed !== text.length || segments.length === 0) return undefined;
  return segments[0] === "spec" || segments[0] === "metadata" ? segments : ["spec", ...segments];
}

const FORBIDDEN_SEGMENTS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Writes a value at a path, creating mappings on the way (and in place of a scalar); null removes the key, as in
 * overlays. Returns a problem instead of writing when the path cannot mean anything: a list index past the end, a key
 * on a list, a reserved name.
 */
export function setAtPath(root: Record<string, unknown>, path: SpecPath, value: unknown): string | undefined {
  const bad = path.find((seg) => typeof seg === "string" && FORBIDDEN_SEGMENTS.has(seg));
  if (bad !== undefined) return `"${bad}" cannot be set`;
  if (path[0] === "spec" && path[1] === "environments") return "--set applies after the environment overlay; set the field itself (e.g. apps.qna.replicas), not spec.environments";
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (Array.isArray(node)) {
      if (typeof seg !== "number") return `${formatPath(path.slice(0, i))} is a list: use an index such as [0]`;
      if (seg > node.length) return `${formatPath(path.slice(0, i))} has ${node.length} item(s); index ${seg} would leave a gap`;
    } else if (typeof seg === "number") return `${formatPath(path.slice(0, i))} is not a list`;
    const container = node as Record<string | number, unknown>;
    if (last) {
      if (value === null && !Array.isArray(container)) delete container[seg];
      else if (Array.isArray(container)) container[seg as number] = value;
      else setOwn(container as Record<string, unknown>, seg as string, value);
      return undefined;
    }
    let next = container[seg];
    // A sub-key set over a scalar replaces it with a mapping (`--set azure.cloud.resourceManager=…` over `cloud: AzureCloud`).
    if (next === undefined || next === null || (typeof next !== "object" && typeof path[i + 1] === "string")) {
      next = typeof path[i + 1] === "number" ? [] : {};
      if (Array.isArray(container)) container[seg as number] = next;
      else setOwn(container as Record<string, unknown>, seg as string, next);
    }
    if (typeof next !== "object") return `${formatPath(path.slice(0, i + 1))} is a ${typeof next}, not a mapping`;
    node = next;
  }
  return undefined;
}
