/**
 * Server-side apply and managedFields bookkeeping.
 * Apply merges the applied configuration into the live object (maps merge, keyed lists merge by key,
 * other lists and scalars are replaced), removes fields this manager applied before but no longer applies
 * (unless another manager owns them), and reports conflicts with other managers unless force=true.
 */
import { ApiError } from "./status.ts";
import { describePath, fromFieldsV1, fromKey, leafPaths, removePath, toFieldsV1, valueAt } from "./fields.ts";
import { isSetList, listKeys, sameKey } from "./patch.ts";
import type { Obj } from "./types.ts";
import { clone, deepEqual, isObject, isoSeconds } from "./util.ts";

export interface ManagedEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: Obj;
  subresource?: string;
}

const OWNED_METADATA = ["labels", "annotations", "ownerReferences", "finalizers"];

/** The part of an object whose fields managers own: no apiVersion/kind, no server metadata, no status when it is a subresource. */
export function ownedView(o: Obj, statusSubresource: boolean): Obj {
  const view: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === "apiVersion" || k === "kind" || k === "metadata") continue;
    if (k === "status" && statusSubresource) continue;
    view[k] = v;
  }
  const md: Obj = {};
  for (const k of OWNED_METADATA) if (o.metadata?.[k] !== undefined) md[k] = o.metadata[k];
  if (Object.keys(md).length > 0) view.metadata = md;
  return view;
}

/** Merges an applied configuration into a live value. */
export function applyMerge(live: unknown, applied: unknown, field = ""): unknown {
  if (isObject(applied)) {
    const out: Obj = isObject(live) ? clone(live) : {};
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) delete out[k];
      else out[k] = applyMerge(out[k], v, k);
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const keys = listKeys(field, applied);
    if (keys && live.every(isObject)) {
      const merged = (applied as Obj[]).map((a) => applyMerge((live as Obj[]).find((l) => sameKey(l, a, keys)), a, ""));
      const rest = (live as Obj[]).filter((l) => !(applied as Obj[]).some((a) => sameKey(l, a, keys)));
      return [...merged, ...clone(rest)];
    }
    if (isSetList(field, applied) && isSetList(field, live)) return [...applied, ...live.filter((l) => !applied.includes(l))];
  }
  return clone(applied);
}

const entriesOf = (o: Obj | undefined): ManagedEntry[] => (Array.isArray(o?.metadata?.managedFields) ? clone(o!.metadata.managedFields) : []);
const setOf = (e: ManagedEntry): Set<string> => fromFieldsV1(e.fieldsV1);
const same = (e: ManagedEntry, manager: string, op: string, sub?: string): boolean =>
  e.manager === manager && e.operation === op && (e.subresource ?? "") === (sub ?? "");

function withSet(e: ManagedEntry, s: Set<string>): ManagedEntry {
  return { ...e, fieldsV1: toFieldsV1(s) };
}

const intersect = (a: Set<string>, b: Set<string>): Set<string> => new Set([...a].filter((x) => b.has(x)));
const minus = (a: Set<string>, b: Set<string>): Set<string> => new Set([...a].filter((x) => !b.has(x)));

interface ApplyInput {
  live: Obj | undefined;
  applied: Obj;
  manager: string;
  force: boolean;
  statusSubresource: boolean;
  apiVersion: string;
}

/** Returns the object after apply (metadata.managedFields set); throws 409 on conflicts without force. */
export function serverSideApply(input: ApplyInput): Obj {
  const { live, applied, manager, force, statusSubresource, apiVersion } = input;
  const appliedView = ownedView(applied, statusSubresource);
  const newSet = leafPaths(appliedView);
  let entries = entriesOf(live);
  const liveView = live ? ownedView(live, statusSubresource) : {};

  const conflicts: { manager: string; apiVersion: string; path: string }[] = [];
  entries = entries.map((e) => {
    if (same(e, manager, "Apply") || e.subresource) return e;
    const theirs = setOf(e);
    const clashing = [...intersect(theirs, newSet)].filter((k) => {
      const p = fromKey(k);
      const last = p[p.length - 1]!;
      return last.startsWith("f:") && !deepEqual(valueAt(liveView, p), valueAt(appliedView, p));
    });
    if (clashing.length === 0) return e;
    if (!force) {
      for (const k of clashing) conflicts.push({ manager: e.manager, apiVersion: e.apiVersion, path: describePath(fromKey(k)) });
      return e;
    }
    return withSet(e, minus(theirs, new Set(clashing)));
  });
  if (conflicts.length > 0) throw conflictError(conflicts);

  const prev = entries.find((e) => same(e, manager, "Apply"));
  const othersUnion = new Set(entries.filter((e) => e !== prev).flatMap((e) => [...setOf(e)]));
  const base = live ? clone(live) : {};
  const merged = applyMerge(base, stripForMerge(applied, statusSubresource)) as Obj;
  if (prev) {
    const drop = minus(minus(setOf(prev), newSet), othersUnion);
    // whole list items first (their fields go with them), then fields deepest first
    const items = [...drop].filter((k) => k.endsWith(".")).sort((a, b) => a.length - b.length);
    const fields = [...drop].filter((k) => !k.endsWith(".")).sort((a, b) => b.length - a.length);
    for (const k of [...items, ...fields]) removePath(merged, fromKey(k));
  }
  const now = isoSeconds(Date.now());
  const mine: ManagedEntry = { manager, operation: "Apply", apiVersion, time: now, fieldsType: "FieldsV1", fieldsV1: toFieldsV1(newSet) };
  const next = prev ? entries.map((e) => (e === prev ? mine : e)) : [...entries, mine];
  merged.metadata ??= {};
  merged.metadata.managedFields = prune(next, merged, statusSubresource);
  return merged;
}

/** Applied config without the fields the server ignores on apply. */
function stripForMerge(applied: Obj, statusSubresource: boolean): Obj {
  const a = clone(applied);
  if (statusSubresource) delete a.status;
  if (a.metadata) for (const k of ["managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "deletionTimestamp"]) delete a.metadata[k];
  return a;
}

/** Drops owned paths that no longer exist and managers left with nothing. */
function prune(entries: ManagedEntry[], obj: Obj, statusSubresource: boolean): ManagedEntry[] {
  const exists = leafPaths(ownedView(obj, statusSubresource));
  const statusExists = leafPaths({ status: obj.status });
  return entries
    .map((e) => withSet(e, intersect(setOf(e), e.subresource === "status" ? statusExists : exists)))
    .filter((e) => Object.keys(e.fieldsV1).length > 0);
}

/** managedFields after a non-apply write (create, update, patch) by `manager`. */
export function recordUpdate(old: Obj | undefined, next: Obj, manager: string, apiVersion: string, statusSubresource: boolean, subresource?: string): ManagedEntry[] {
  const view = (o: Obj | undefined): Obj => (!o ? {} : subresource === "status" ? { status: o.status } : ownedView(o, statusSubresource));
  const before = view(old);
  const after = view(next);
  const changed = new Set(
    [...leafPaths(after)].filter((k) => {
      const p = fromKey(k);
      return !deepEqual(valueAt(before, p), valueAt(after, p));
    }),
  );
  let entries = entriesOf(old).map((e) => ((e.subresource ?? "") === (subresource ?? "") ? withSet(e, minus(setOf(e), changed)) : e));
  const idx = entries.findIndex((e) => same(e, manager, "Update", subresource));
  const now = isoSeconds(Date.now());
  if (changed.size > 0 || idx >= 0) {
    const prior = idx >= 0 ? setOf(entries[idx]!) : new Set<string>();
    const mine: ManagedEntry = {
      manager,
      operation: "Update",
      apiVersion,
      time: changed.size > 0 ? now : entries[idx]!.time,
      fieldsType: "FieldsV1",
      fieldsV1: toFieldsV1(new Set([...prior, ...changed])),
      ...(subresource ? { subresource } : {}),
    };
    entries = idx >= 0 ? entries.map((e, i) => (i === idx ? mine : e)) : [...entries, mine];
  }
  return prune(entries, next, statusSubresource);
}

function conflictError(conflicts: { manager: string; apiVersion: string; path: string }[]): ApiError {
  const n = conflicts.length;
  const head = `Apply failed with ${n} conflict${n === 1 ? "" : "s"}:`;
  const message =
    n === 1
      ? `${head} conflict with "${conflicts[0]!.manager}" using ${conflicts[0]!.apiVersion}: ${conflicts[0]!.path}`
      : `${head} ${conflicts.map((c) => `conflict with "${c.manager}" using ${c.apiVersion}: ${c.path}`).join("\n")}`;
  return new ApiError(409, message, {
    causes: conflicts.map((c) => ({ reason: "FieldManagerConflict", message: `conflict with "${c.manager}" using ${c.apiVersion}`, field: c.path })),
  }, "Conflict");
}
