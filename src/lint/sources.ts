/**
 * Reads Kubernetes YAML for lint: files, folders (every .yaml/.yml below), or stdin; multi-document streams such as a
 * `helm template` render; List kinds expanded into their items. Each object remembers its file and first line.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import jsyaml from "js-yaml";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { desired, type KubeDesired, type KubeObject } from "../resources/kube-object.ts";

export interface SourcedObject {
  readonly resource: KubeDesired;
  readonly file: string;
  readonly line: number;
}

export interface Input {
  readonly name: string;
  readonly text: string;
}

/** Files under the paths given, in a stable order; `-` reads stdin. */
export function readInputs(paths: readonly string[], stdin: () => string): { inputs: Input[]; diagnostics: Diagnostic[] } {
  const inputs: Input[] = [];
  const diagnostics: Diagnostic[] = [];
  const walk = (p: string): string[] => {
    const st = statSync(p);
    if (!st.isDirectory()) return [p];
    // A berth build output: its chart renders the very objects of manifests/ (tests hold it to that), and templates
    // cannot be read before rendering. Any other chart is skipped with a word on how to lint it.
    if (existsSync(join(p, "inventory.json")) && existsSync(join(p, "manifests"))) return walk(join(p, "manifests"));
    if (existsSync(join(p, "Chart.yaml"))) {
      diagnostics.push({ severity: "warning", code: "LINT-INPUT", path: p, message: "a Helm chart's templates are not YAML until rendered; skipped", hint: `lint the render: helm template ${p} | berth lint -` });
      return [];
    }
    return readdirSync(p)
      .sort()
      .flatMap((f) => {
        const child = join(p, f);
        return statSync(child).isDirectory() ? walk(child) : /\.ya?ml$/.test(f) ? [child] : [];
      });
  };
  for (const p of paths) {
    if (p === "-") {
      inputs.push({ name: "(stdin)", text: stdin() });
      continue;
    }
    try {
      for (const file of walk(p)) inputs.push({ name: file, text: readFileSync(file, "utf8") });
    } catch {
      diagnostics.push({ severity: "error", code: "LINT-INPUT", path: p, message: "cannot read: no such file or folder", hint: "pass YAML files, folders, a berth.yaml, or - for stdin" });
    }
  }
  return { inputs, diagnostics };
}

const SEPARATOR = /^---(?:\s.*)?$/;

/** Splits a YAML stream into documents with the line each starts on, then reads each one. */
export function readObjects(inputs: readonly Input[]): { objects: SourcedObject[]; diagnostics: Diagnostic[] } {
  const objects: SourcedObject[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const input of inputs) {
    const lines = input.text.split(/\r?\n/);
    let start = 0;
    const flush = (end: number) => {
      const chunk = lines.slice(start, end);
      const first = chunk.findIndex((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));
      if (first < 0) return;
      const line = start + first + 1;
      let data: unknown;
      try {
        data = jsyaml.load(chunk.join("\n"), { schema: jsyaml.CORE_SCHEMA });
      } catch (err) {
        const mark = (err as { mark?: { line: number; column: number } }).mark;
        diagnostics.push({
          severity: "error",
          code: "LINT-YAML",
          path: input.name,
          location: { file: input.name, line: start + (mark?.line ?? 0) + 1, col: (mark?.column ?? 0) + 1 },
          message: `not valid YAML: ${(err as { reason?: string }).reason ?? "parse error"}`,
        });
        return;
      }
      for (const object of expand(data)) {
        if (!isObject(object)) {
          diagnostics.push({ severity: "warning", code: "LINT-NOT-KUBERNETES", path: input.name, location: { file: input.name, line, col: 1 }, message: "a document without apiVersion, kind and metadata.name is not a Kubernetes object; skipped" });
          continue;
        }
        objects.push({ resource: desired(object, []), file: input.name, line });
      }
    };
    lines.forEach((l, i) => {
      if (SEPARATOR.test(l)) {
        flush(i);
        start = i + 1;
      }
    });
    flush(lines.length);
  }
  return { objects, diagnostics };
}

const expand = (data: unknown): unknown[] => {
  if (data === null || data === undefined) return [];
  const d = data as { kind?: string; items?: unknown[] };
  return typeof d.kind === "string" && d.kind.endsWith("List") && Array.isArray(d.items) ? d.items.flatMap(expand) : [data];
};

const isObject = (o: unknown): o is KubeObject => {
  const k = o as KubeObject | null;
  return typeof k?.apiVersion === "string" && typeof k.kind === "string" && typeof k.metadata?.name === "string";
};
