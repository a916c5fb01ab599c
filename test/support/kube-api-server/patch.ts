/** Merge patch (RFC 7386), a strategic-merge approximation (keyed lists merge by key) and JSON patch (RFC 6902). */
import { badRequest, ApiError } from "./status.ts";
import type { Obj } from "./types.ts";
import { clone, deepEqual, isObject } from "./util.ts";

const BY_NAME = ["name"];
/** Associative-list keys by field name, as the Kubernetes OpenAPI (x-kubernetes-list-map-keys / patchMergeKey) declares them. */
const LIST_KEYS: Record<string, (items: unknown[]) => string[] | undefined> = {
  containers: () => BY_NAME,
  initContainers: () => BY_NAME,
  ephemeralContainers: () => BY_NAME,
  volumes: () => BY_NAME,
  env: () => BY_NAME,
  imagePullSecrets: () => BY_NAME,
  volumeClaimTemplates: () => undefined,
  volumeMounts: () => ["mountPath"],
  volumeDevices: () => ["devicePath"],
  ownerReferences: () => ["uid"],
  conditions: () => ["type"],
  hostAliases: () => ["ip"],
  ports: (items) => (items.some((i) => isObject(i) && "containerPort" in i) ? ["containerPort", "protocol"] : items.some((i) => isObject(i) && "port" in i) ? ["port", "protocol"] : undefined),
};
/** Lists of scalars that behave as sets. */
const SET_LISTS = new Set(["finalizers"]);

const KEY_DEFAULTS: Record<string, unknown> = { protocol: "TCP" };

export const listKeys = (field: string, items: unknown[]): string[] | undefined =>
  items.every(isObject) ? LIST_KEYS[field]?.(items) : undefined;
export const isSetList = (field: string, items: unknown[]): boolean => SET_LISTS.has(field) && items.every((i) => typeof i !== "object");

/** The key object of a list item, with defaulted key fields filled ({"containerPort":80,"protocol":"TCP"}). */
export function itemKey(item: Obj, keys: string[]): Obj {
  const k: Obj = {};
  for (const f of keys) {
    const v = item[f] ?? KEY_DEFAULTS[f];
    if (v !== undefined) k[f] = v;
  }
  return k;
}
export const sameKey = (a: Obj, b: Obj, keys: string[]): boolean => deepEqual(itemKey(a, keys), itemKey(b, keys));

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: Obj = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const DIRECTIVE = /^\$(setElementOrder|retainKeys|deleteFromPrimitiveList)/;

/** Strategic merge patch, approximated: maps merge, keyed lists merge by key, `$patch: delete|replace` honoured. */
export function strategicMerge(target: unknown, patch: unknown, field = ""): unknown {
  if (Array.isArray(patch)) {
    const keys = listKeys(field, patch);
    if (!keys || !Array.isArray(target)) return clone(patch.filter((i) => !(isObject(i) && i.$patch)));
    if (patch.some((i) => isObject(i) && i.$patch === "replace")) return clone(patch.filter((i) => !(isObject(i) && i.$patch)));
    const out: unknown[] = clone(target);
    for (const item of patch as Obj[]) {
      const idx = out.findIndex((t) => isObject(t) && sameKey(t, item, keys));
      if (item.$patch === "delete") {
        if (idx >= 0) out.splice(idx, 1);
      } else if (idx >= 0) out[idx] = strategicMerge(out[idx], item);
      else out.push(strategicMerge(undefined, item));
    }
    return out;
  }
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === "delete") return undefined;
  const base: Obj = isObject(target) && patch.$patch !== "replace" ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === "$patch" || DIRECTIVE.test(k)) continue;
    if (v === null) delete base[k];
    else {
      const merged = strategicMerge(base[k], v, k);
      if (merged === undefined) delete base[k];
      else base[k] = merged;
    }
  }
  return base;
}

const unescape = (s: string): string => s.replace(/~1/g, "/").replace(/~0/g, "~");

function pointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw badRequest(`the server rejected our request due to an error in our request: invalid JSON pointer ${path}`);
  return path.slice(1).split("/").map(unescape);
}

function parentOf(doc: unknown, parts: string[]): { parent: Obj | unknown[]; last: string } {
  let cur: unknown = doc;
  for (const p of parts.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined;
    if (cur === undefined) throw new ApiError(422, `the server rejected our request: doc is missing path: ${parts.join("/")}`);
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw new ApiError(422, `the server rejected our request: doc is missing path: ${parts.join("/")}`);
  return { parent: cur, last: parts[parts.length - 1]! };
}

function read(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const p of pointer(path)) cur = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined;
  return cur;
}

function add(doc: unknown, path: string, value: unknown): unknown {
  const parts = pointer(path);
  if (parts.length === 0) return clone(value);
  const { parent, last } = parentOf(doc, parts);
  if (Array.isArray(parent)) parent.splice(last === "-" ? parent.length : Number(last), 0, clone(value));
  else parent[last] = clone(value);
  return doc;
}

function remove(doc: unknown, path: string): unknown {
  const parts = pointer(path);
  const { parent, last } = parentOf(doc, parts);
  if (Array.isArray(parent)) {
    if (Number(last) >= parent.length) throw new ApiError(422, `the server rejected our request: doc is missing path: ${path}`);
    parent.splice(Number(last), 1);
  } else {
    if (!(last in parent)) throw new ApiError(422, `the server rejected our request: doc is missing path: ${path}`);
    delete parent[last];
  }
  return doc;
}

type Op = { op: string; path: string; from?: string; value?: unknown };
const OPS: Record<string, (doc: unknown, op: Op) => unknown> = {
  add: (d, o) => add(d, o.path, o.value),
  remove: (d, o) => remove(d, o.path),
  replace: (d, o) => add(remove(d, o.path), o.path, o.value),
  move: (d, o) => {
    const v = read(d, o.from ?? "");
    return add(remove(d, o.from ?? ""), o.path, v);
  },
  copy: (d, o) => add(d, o.path, read(d, o.from ?? "")),
  test: (d, o) => {
    if (!deepEqual(read(d, o.path), o.value)) throw new ApiError(422, `the server rejected our request: testing value ${o.path} failed`);
    return d;
  },
};

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest("the server rejected our request due to an error in our request: json patch must be an array of operations");
  let doc = clone(target);
  for (const op of ops as Op[]) {
    const fn = OPS[op?.op];
    if (!fn) throw badRequest(`the server rejected our request due to an error in our request: unexpected json patch operation "${op?.op}"`);
    doc = fn(doc, op);
  }
  return doc;
}
