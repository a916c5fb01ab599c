/**
 * Comparing what berth would send with what a workspace answers. A GET returns much more than was sent — server
 * defaults (azure_attributes.first_on_demand, enable_elastic_disk, a job's email_notifications {}, format MULTI_TASK,
 * timeout_seconds 0, run_as), ids and states — so only the fields the spec sets are compared, and a number the
 * server echoes as a string (or the reverse) is the same value. Maps berth owns whole (tags) are compared exactly.
 * The digest of what berth last wrote is kept in a tag: a difference while the spec is unchanged since is drift.
 */
import { createHash } from "node:crypto";
import type { FieldChange } from "../../provider.ts";

type Json = Record<string, any>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const scalar = (v: unknown): boolean => typeof v === "string" || typeof v === "number" || typeof v === "boolean";

/** Equal, or the same scalar in another form (`"2"` and `2`, `"true"` and `true`). */
export const sameScalar = (a: unknown, b: unknown): boolean => a === b || (scalar(a) && scalar(b) && String(a) === String(b));

const join = (path: string, key: string | number): string => (path ? `${path}.${key}` : String(key));

/**
 * The differences of `live` from `desired` on the fields `desired` sets: objects key by key, arrays element by
 * element (a different length is one change of the whole array), scalars by value.
 */
export function subsetChanges(desired: unknown, live: unknown, path = ""): FieldChange[] {
  if (desired === undefined) return [];
  if (isObject(desired)) {
    if (!isObject(live)) return Object.keys(desired).length ? [{ field: path || "(resource)", ...(live !== undefined ? { from: live } : {}), to: desired }] : [];
    return Object.keys(desired)
      .sort()
      .flatMap((k) => subsetChanges(desired[k], live[k], join(path, k)));
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) return [{ field: path, ...(live !== undefined ? { from: live } : {}), to: desired }];
    return desired.flatMap((d, i) => subsetChanges(d, live[i], `${path}[${i}]`));
  }
  return sameScalar(desired, live) ? [] : [{ field: path, ...(live !== undefined ? { from: live } : {}), to: desired }];
}

/** A map berth owns whole (tags): every key in either side is compared. */
export function mapChanges(desired: Readonly<Record<string, unknown>>, live: Readonly<Record<string, unknown>>, path: string): FieldChange[] {
  const keys = [...new Set([...Object.keys(desired), ...Object.keys(live)])].sort();
  return keys.flatMap((k) => {
    const d = desired[k];
    const l = live[k];
    if (sameScalar(d, l)) return [];
    return [{ field: `${path}.${k}`, ...(l !== undefined ? { from: l } : {}), ...(d !== undefined ? { to: d } : {}) }];
  });
}

const canonical = (v: unknown): unknown => (Array.isArray(v) ? v.map(canonical) : isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])])) : v);

/** A short, stable digest of a body (keys sorted): what a tag can hold. */
export const digestOf = (value: unknown): string => createHash("sha256").update(JSON.stringify(canonical(value))).digest("hex").slice(0, 16);

export const without = <T extends Json>(value: T, keys: readonly string[]): T => Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k))) as T;

/**
 * Differences split by who made them: when the digest berth wrote last is the spec's digest now, the spec did not
 * change since, so every difference is a remote edit (drift); otherwise they are what the spec asks for.
 */
export function splitDrift(differences: readonly FieldChange[], lastWritten: string | undefined, digest: string, alwaysChanges: (field: string) => boolean = () => false): { changes: FieldChange[]; drift: FieldChange[] } {
  if (lastWritten !== digest) return { changes: [...differences], drift: [] };
  return { changes: differences.filter((c) => alwaysChanges(c.field)), drift: differences.filter((c) => !alwaysChanges(c.field)) };
}
