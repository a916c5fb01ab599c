/** Object storage with a global resourceVersion counter, uid index and a change feed (for watch). */
import { randomUUID } from "node:crypto";
import { groupOf } from "./resources.ts";
import type { Obj } from "./types.ts";
import { clone, isoSeconds } from "./util.ts";

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";
export interface Change {
  type: ChangeType;
  object: Obj;
  rv: number;
}

const HISTORY = 2000;

export const typeKey = (group: string, kind: string): string => `${group}|${kind}`;
const nameKey = (ns: string | undefined, name: string): string => `${ns ?? ""}/${name}`;
export const objTypeKey = (o: Obj): string => typeKey(groupOf(String(o.apiVersion ?? "v1")), String(o.kind));

export class Store {
  private readonly types = new Map<string, Map<string, Obj>>();
  private readonly uids = new Map<string, Obj>();
  private readonly createdMs = new Map<string, number>();
  private readonly listeners = new Set<(c: Change) => void>();
  readonly history: Change[] = [];
  private rv = 100;
  private dropped = false;

  constructor(
    /** The server's clock: creation and event times follow simulated time. */
    readonly now: () => number = Date.now,
    /** How many changes a watch can be resumed across. */
    private readonly historyLimit = HISTORY,
  ) {}

  /** The oldest change still kept, or undefined while none has been dropped (every version can be resumed from). */
  get oldestResourceVersion(): number | undefined {
    return this.dropped ? this.history[0]?.rv : undefined;
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Live object (not a copy): callers that mutate must go through update(). */
  get(group: string, kind: string, ns: string | undefined, name: string): Obj | undefined {
    return this.types.get(typeKey(group, kind))?.get(nameKey(ns, name));
  }

  list(group?: string, kind?: string, ns?: string): Obj[] {
    const maps = group !== undefined && kind !== undefined ? [this.types.get(typeKey(group, kind))] : [...this.types.values()];
    const out: Obj[] = [];
    for (const m of maps) {
      if (!m) continue;
      for (const o of m.values()) {
        if (ns !== undefined && o.metadata?.namespace !== ns) continue;
        if (group !== undefined && groupOf(o.apiVersion) !== group) continue;
        out.push(o);
      }
    }
    return out.sort(byNamespaceName);
  }

  byUid(uid: string): Obj | undefined {
    return this.uids.get(uid);
  }

  /** Millisecond creation time (creationTimestamp only has seconds). */
  createdAt(o: Obj): number {
    return this.createdMs.get(o.metadata?.uid) ?? (Date.parse(o.metadata?.creationTimestamp ?? "") || this.now());
  }

  /** Stores a new object: assigns uid, creationTimestamp and resourceVersion unless present. */
  create(input: Obj): Obj {
    const o = clone(input);
    const md = (o.metadata ??= {});
    const now = this.now();
    md.uid ??= randomUUID();
    md.creationTimestamp ??= isoSeconds(now);
    md.resourceVersion = String(++this.rv);
    let m = this.types.get(objTypeKey(o));
    if (!m) this.types.set(objTypeKey(o), (m = new Map()));
    m.set(nameKey(md.namespace, md.name), o);
    this.uids.set(md.uid, o);
    this.createdMs.set(md.uid, now);
    this.emit("ADDED", o);
    return o;
  }

  /** Replaces the stored object of the same identity and bumps resourceVersion. */
  update(input: Obj): Obj {
    const o = clone(input);
    const md = o.metadata;
    const m = this.types.get(objTypeKey(o));
    if (!m || !m.has(nameKey(md.namespace, md.name))) throw new Error(`update of missing ${o.kind} ${md.namespace}/${md.name}`);
    md.resourceVersion = String(++this.rv);
    m.set(nameKey(md.namespace, md.name), o);
    this.uids.set(md.uid, o);
    this.emit("MODIFIED", o);
    return o;
  }

  remove(o: Obj): Obj | undefined {
    const md = o.metadata;
    const m = this.types.get(objTypeKey(o));
    const cur = m?.get(nameKey(md.namespace, md.name));
    if (!m || !cur) return undefined;
    m.delete(nameKey(md.namespace, md.name));
    this.uids.delete(cur.metadata.uid);
    this.createdMs.delete(cur.metadata.uid);
    const gone = clone(cur);
    gone.metadata.resourceVersion = String(++this.rv);
    this.emit("DELETED", gone);
    return gone;
  }

  subscribe(fn: (c: Change) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(type: ChangeType, object: Obj): void {
    const change: Change = { type, object, rv: this.rv };
    this.history.push(change);
    if (this.history.length > this.historyLimit) {
      this.history.splice(0, this.history.length - this.historyLimit);
      this.dropped = true;
    }
    for (const l of this.listeners) l(change);
  }
}

export function byNamespaceName(a: Obj, b: Obj): number {
  const ka = `${a.metadata?.namespace ?? ""}/${a.metadata?.name ?? ""}`;
  const kb = `${b.metadata?.namespace ?? ""}/${b.metadata?.name ?? ""}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
