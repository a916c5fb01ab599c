/**
 * Resources by lower-cased id (ARM ids are case-insensitive; the casing of the first write is kept), with the
 * write-only values (passwords, secret values) kept apart so no read view can ever include them.
 */
import { lowerId, parsePath, typeOfId } from "./ids.ts";
import type { Json } from "./types.ts";

const clone = <T>(v: T): T => structuredClone(v);

export class Store {
  readonly #entries = new Map<string, { resource: Json }>();
  readonly #writeOnly = new Map<string, Json>();

  get(id: string): Json | undefined {
    return this.#entries.get(lowerId(id))?.resource;
  }

  put(resource: Json): void {
    this.#entries.set(lowerId(String(resource.id)), { resource });
  }

  /** Removes a resource and everything below it (children and extension resources at its scope); returns them. */
  remove(id: string): Json[] {
    return this.removeWithWriteOnly(id).map((g) => g.resource);
  }

  /** remove, with each resource's write-only values (a soft-deleted secret keeps its value for a recovery). */
  removeWithWriteOnly(id: string): { resource: Json; writeOnly?: Json }[] {
    const key = lowerId(id);
    const gone: { resource: Json; writeOnly?: Json }[] = [];
    for (const [k, e] of this.#entries) {
      if (k === key || k.startsWith(key + "/")) {
        const writeOnly = this.#writeOnly.get(k);
        gone.push({ resource: e.resource, ...(writeOnly ? { writeOnly } : {}) });
        this.#entries.delete(k);
        this.#writeOnly.delete(k);
      }
    }
    return gone;
  }

  all(): Json[] {
    return [...this.#entries.values()].map((e) => e.resource);
  }

  ofType(type: string): Json[] {
    const t = type.toLowerCase();
    return this.all().filter((r) => String(r.type).toLowerCase() === t);
  }

  /** Direct children of a resource of one child type (a VNet's subnets). */
  children(parent: string, childType: string): Json[] {
    const prefix = lowerId(parent) + "/";
    const t = childType.toLowerCase();
    return this.all().filter((r) => lowerId(String(r.id)).startsWith(prefix) && typeOfId(String(r.id)).toLowerCase() === t);
  }

  inResourceGroup(subscriptionId: string, resourceGroup: string): Json[] {
    return this.all().filter((r) => {
      const p = parsePath(String(r.id));
      return p.subscriptionId?.toLowerCase() === subscriptionId.toLowerCase() && p.resourceGroup?.toLowerCase() === resourceGroup.toLowerCase() && p.type !== undefined;
    });
  }

  setWriteOnly(id: string, values: Json): void {
    const key = lowerId(id);
    this.#writeOnly.set(key, { ...(this.#writeOnly.get(key) ?? {}), ...values });
  }

  writeOnly(id: string, path: string): unknown {
    return this.#writeOnly.get(lowerId(id))?.[path];
  }

  static view(resource: Json): Json {
    return clone(resource);
  }
}

/** Reads a dotted path. */
export function at(o: unknown, path: string): unknown {
  let cur: unknown = o;
  for (const k of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Json)[k];
  }
  return cur;
}

/** Removes a dotted path, returning its value. */
export function take(o: Json, path: string): unknown {
  const keys = path.split(".");
  let cur: unknown = o;
  for (const k of keys.slice(0, -1)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Json)[k];
  }
  if (cur === null || typeof cur !== "object") return undefined;
  const last = keys[keys.length - 1]!;
  const v = (cur as Json)[last];
  delete (cur as Json)[last];
  return v;
}
