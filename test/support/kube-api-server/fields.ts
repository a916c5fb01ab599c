/** Field sets in the managedFields "FieldsV1" encoding, handled as sets of leaf paths. */
import { isSetList, itemKey, listKeys } from "./patch.ts";
import type { Obj } from "./types.ts";
import { deepEqual, isObject } from "./util.ts";

/** A path: segments such as "f:spec", `k:{"name":"app"}`, `v:"x"`, "." (the list item itself). */
export type FieldPath = string[];
const SEP = "\u0000";
export const pathKey = (p: FieldPath): string => p.join(SEP);
export const fromKey = (k: string): FieldPath => k.split(SEP);

/** Leaf paths of a value, as the server records them for the fields an object sets. */
export function leafPaths(value: unknown, field = "", prefix: FieldPath = []): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown, f: string, p: FieldPath): void => {
    if (isObject(v) && Object.keys(v).length > 0) {
      for (const [k, child] of Object.entries(v)) if (child !== undefined) walk(child, k, [...p, `f:${k}`]);
      return;
    }
    if (Array.isArray(v) && v.length > 0) {
      const keys = listKeys(f, v);
      if (keys) {
        for (const item of v as Obj[]) {
          const ip = [...p, `k:${JSON.stringify(itemKey(item, keys))}`];
          out.add(pathKey([...ip, "."]));
          for (const [k, child] of Object.entries(item)) if (child !== undefined) walk(child, k, [...ip, `f:${k}`]);
        }
        return;
      }
      if (isSetList(f, v)) {
        for (const item of v) out.add(pathKey([...p, `v:${JSON.stringify(item)}`]));
        return;
      }
    }
    if (p.length > 0) out.add(pathKey(p));
  };
  walk(value, field, prefix);
  return out;
}

/** FieldsV1 tree from a set of leaf paths. */
export function toFieldsV1(paths: Set<string>): Obj {
  const root: Obj = {};
  for (const k of [...paths].sort()) {
    let node = root;
    for (const seg of fromKey(k)) node = node[seg] ??= {};
  }
  return root;
}

export function fromFieldsV1(tree: unknown, prefix: FieldPath = []): Set<string> {
  const out = new Set<string>();
  if (!isObject(tree)) return out;
  for (const [seg, child] of Object.entries(tree)) {
    const p = [...prefix, seg];
    if (isObject(child) && Object.keys(child).length > 0) for (const c of fromFieldsV1(child, p)) out.add(c);
    else out.add(pathKey(p));
  }
  return out;
}

/** Navigates one segment; undefined when absent. */
function step(cur: unknown, seg: string): unknown {
  if (seg === ".") return cur;
  if (seg.startsWith("f:")) return isObject(cur) ? cur[seg.slice(2)] : undefined;
  if (seg.startsWith("k:") && Array.isArray(cur)) {
    const key = JSON.parse(seg.slice(2)) as Obj;
    return cur.find((i) => isObject(i) && deepEqual(itemKey(i, Object.keys(key)), key));
  }
  if (seg.startsWith("v:") && Array.isArray(cur)) {
    const v = JSON.parse(seg.slice(2));
    return cur.some((i) => deepEqual(i, v)) ? v : undefined;
  }
  return undefined;
}

export function valueAt(obj: unknown, path: FieldPath): unknown {
  let cur = obj;
  for (const seg of path) {
    cur = step(cur, seg);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Removes the field (or list item, or set value) a leaf path names. */
export function removePath(obj: Obj, path: FieldPath): void {
  const last = path[path.length - 1]!;
  if (last === ".") {
    const list = valueAt(obj, path.slice(0, -2));
    const item = valueAt(obj, path.slice(0, -1));
    if (Array.isArray(list) && item !== undefined) list.splice(list.indexOf(item), 1);
    return;
  }
  const container = valueAt(obj, path.slice(0, -1));
  if (last.startsWith("f:") && isObject(container)) delete container[last.slice(2)];
  if (last.startsWith("v:") && Array.isArray(container)) {
    const v = JSON.parse(last.slice(2));
    const i = container.findIndex((x) => deepEqual(x, v));
    if (i >= 0) container.splice(i, 1);
  }
}

/** ".spec.template.spec.containers[name="app"].image", as conflict messages print paths. */
export function describePath(path: FieldPath): string {
  return path
    .filter((s) => s !== ".")
    .map((s) => {
      if (s.startsWith("f:")) return `.${s.slice(2)}`;
      if (s.startsWith("k:")) {
        const key = JSON.parse(s.slice(2)) as Obj;
        return `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}]`;
      }
      return `[=${s.slice(2)}]`;
    })
    .join("");
}
