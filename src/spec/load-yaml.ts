import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import jsyaml from "js-yaml";
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode } from "yaml";
import type { Diagnostic, SourceLocation } from "../diagnostics/diagnostic.ts";
import { setOwn } from "../util/own.ts";
import { formatPath, type SpecPath } from "./path.ts";

/** A spec is small; more nodes than this after alias expansion is an alias bomb, not a platform. */
export const MAX_NODES = 200_000;

/** A parsed YAML file as plain data plus where every key and value came from. */
export interface SourceDocument {
  readonly file: string;
  /** The text as written, for hints that quote the user's own spelling (`1.30`, not the parsed 1.3). */
  readonly lines: readonly string[];
  readonly data: unknown;
  /** Where the value at a path was written, if it was. */
  valueAt(path: SpecPath): SourceLocation | undefined;
  /** Where the key naming a path was written, if it was. */
  keyAt(path: SpecPath): SourceLocation | undefined;
}

/**
 * Positions kept as a tree of offsets mirroring the data: cheap to build for large specs, and turned into
 * line:column only when a diagnostic asks.
 */
interface PositionNode {
  value?: number;
  key?: number;
  children?: Map<string | number, PositionNode>;
}

export const SPEC_FILE_NAME = "berth.yaml";

/** A path argument may be the spec file or a folder holding `berth.yaml`. */
export function resolveSpecFile(pathArg: string): string {
  try {
    if (statSync(pathArg).isDirectory()) return join(pathArg, SPEC_FILE_NAME);
  } catch {
    // Missing paths are reported by the reader, with the name the user typed.
  }
  return pathArg;
}

export function readSpecSource(file: string): { text?: string; diagnostics: Diagnostic[] } {
  try {
    return { text: readFileSync(file, "utf8"), diagnostics: [] };
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message;
    return {
      diagnostics: [
        {
          severity: "error",
          code: "SPEC-FILE",
          path: file,
          message: `cannot read the spec: ${reason}`,
          hint: `pass a berth.yaml file or a folder that holds one (berth init writes a starter)`,
        },
      ],
    };
  }
}

/**
 * Text js-yaml and the `yaml` library could read differently, or that needs the precise reader: anchors and aliases,
 * tags, directives, merge keys, YAML 1.1-style numbers (underscores, 0-prefixes, 0x/0o/0b), .inf/.nan, keys named
 * like Object's own properties, several documents. Anything that might be one of these takes the precise path.
 */
const NEEDS_PRECISE_READER = /[&*!%]|<<|\.(inf|nan)\b|(^|[^A-Za-z0-9.])[-+]?0[0-9xob]|[0-9]_|__proto__|constructor|prototype|^(---|\.\.\.)/im;

/**
 * Reads a spec. Most specs take a fast path (js-yaml, YAML 1.2 core schema) with positions computed only if a
 * diagnostic asks for one; the rest, and every document js-yaml rejects, go through the `yaml` library, which keeps
 * positions and reports errors precisely. Both produce the same data for what the fast path accepts (tested).
 */
export function parseYamlSource(file: string, text: string): { doc?: SourceDocument; diagnostics: Diagnostic[] } {
  const fast = NEEDS_PRECISE_READER.test(text) ? undefined : readFast(text);
  if (fast === undefined) return parsePrecise(file, text);
  let precise: SourceDocument | undefined;
  const positions = (): SourceDocument | undefined => (precise ??= parsePrecise(file, text).doc);
  return {
    doc: { file, lines: text.split(/\r?\n/), data: fast.data, valueAt: (p) => positions()?.valueAt(p), keyAt: (p) => positions()?.keyAt(p) },
    diagnostics: [],
  };
}

function readFast(text: string): { data: unknown } | undefined {
  try {
    const data = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, json: false });
    return data === undefined || data === null || typeof data !== "object" ? undefined : { data };
  } catch {
    return undefined;
  }
}

export function parsePrecise(file: string, text: string): { doc?: SourceDocument; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const diagnostics: Diagnostic[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) {
    // After the first syntax error the parser's further complaints are mostly echoes of it.
    for (const e of d.errors.slice(0, 1)) {
      diagnostics.push({
        severity: "error",
        code: e.code === "DUPLICATE_KEY" ? "SPEC-DUPLICATE-KEY" : "SPEC-YAML",
        path: "(document)",
        location: at(e.pos[0]),
        message: e.code === "DUPLICATE_KEY" ? "the same key appears twice in one mapping" : firstLine(e.message).slice(0, 160),
        hint:
          e.code === "DUPLICATE_KEY"
            ? "YAML 1.2 forbids duplicate keys; berth never picks the last one silently — remove one of them"
            : "check the indentation and quoting around this position",
      });
    }
  }
  if (diagnostics.length > 0) return { diagnostics };
  const nonEmpty = list.filter((d) => d.contents !== null && !(isScalar(d.contents) && d.contents.value === null));
  if (list.length > 1) {
    const second = list[1]!;
    return {
      diagnostics: [
        {
          severity: "error",
          code: "SPEC-MULTIPLE-DOCUMENTS",
          path: "(document 2)",
          location: at(second.range[0]),
          message: `expected one YAML document, found ${list.length}`,
          hint: "a berth.yaml holds exactly one Platform; put environment differences under spec.environments",
        },
      ],
    };
  }
  if (nonEmpty.length === 0) {
    return {
      diagnostics: [
        {
          severity: "error",
          code: "SPEC-EMPTY",
          path: "(document)",
          location: { file, line: 1, col: 1 },
          message: "spec is empty",
          hint: "start from `berth init`, which writes a commented berth.yaml",
        },
      ],
    };
  }
  const doc = nonEmpty[0]!;
  const root: PositionNode = {};
  const expanding = new Set<unknown>();
  let nodes = 0;
  const fail = (node: unknown, code: string, message: string, hint: string) => {
    const range = (node as YamlNode | null)?.range;
    throw Object.assign(new Error(message), { diagnostic: { severity: "error" as const, code, path: "(document)", location: range ? at(range[0]) : undefined, message, hint } });
  };
  const child = (pos: PositionNode, seg: string | number): PositionNode => {
    pos.children ??= new Map();
    let c = pos.children.get(seg);
    if (!c) pos.children.set(seg, (c = {}));
    return c;
  };
  const toData = (node: unknown, pos: PositionNode, path: () => SpecPath): unknown => {
    if (++nodes > MAX_NODES) fail(node, "SPEC-TOO-LARGE", `the document expands to more than ${MAX_NODES} nodes`, "aliases (*name) that repeat large anchors multiply the document; write the values out or reduce them");
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (expanding.has(target)) fail(node, "SPEC-RECURSIVE-ALIAS", `alias *${node.source} refers to a node that contains it`, "an alias may not point at one of its own parents");
      expanding.add(target);
      try {
        return toData(target, pos, path);
      } finally {
        expanding.delete(target);
      }
    }
    const n = node as YamlNode | null;
    if (n?.range && pos.value === undefined) pos.value = n.range[0];
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const keyNode = item.key;
        if (!isScalar(keyNode)) {
          diagnostics.push({
            severity: "error",
            code: "SPEC-YAML",
            path: formatPath(path()),
            location: keyNode && (keyNode as YamlNode).range ? at((keyNode as YamlNode).range![0]) : undefined,
            message: "mapping keys must be plain strings",
          });
          continue;
        }
        const key = String(keyNode.value);
        const keyPos = child(pos, key);
        if (keyNode.range) keyPos.key = keyNode.range[0];
        if (item.value === null || item.value === undefined) {
          setOwn(out, key, null);
          if (keyNode.range) keyPos.value = keyNode.range[0];
        } else setOwn(out, key, toData(item.value, keyPos, () => [...path(), key]));
      }
      return out;
    }
    if (isSeq(node)) return node.items.map((item, i) => toData(item, child(pos, i), () => [...path(), i]));
    if (isScalar(node)) return node.value;
    return null;
  };
  const find = (path: SpecPath): PositionNode | undefined => {
    let pos: PositionNode | undefined = root;
    for (const seg of path) pos = pos?.children?.get(seg);
    return pos;
  };
  let data: unknown;
  try {
    data = toData(doc.contents, root, () => []);
  } catch (err) {
    const d = (err as { diagnostic?: Diagnostic }).diagnostic;
    if (!d) throw err;
    return { diagnostics: [d] };
  }
  const located = (offset: number | undefined) => (offset === undefined ? undefined : at(offset));
  return {
    doc: { file, lines: text.split(/\r?\n/), data, valueAt: (p) => located(find(p)?.value), keyAt: (p) => located(find(p)?.key) },
    diagnostics,
  };
}

const firstLine = (s: string) => s.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
