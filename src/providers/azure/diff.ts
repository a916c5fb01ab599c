/**
 * What differs between the body berth would PUT and the resource ARM returns. Only what the body says is compared:
 * ARM adds ids, etags, systemData, provisioningState and every default it fills, so comparing whole objects would show
 * a change on every run. What ARM rewrites is normalised: locations (`West Europe` → `westeurope`), resource ids
 * (case-insensitive in ARM), numbers sent as strings. Lists are authoritative (a removed address prefix is a change);
 * lists of named objects are matched by name. Write-only fields (passwords, create modes) are never compared.
 */
import type { FieldChange } from "../provider.ts";

export interface DiffOptions {
  /** Dotted paths in the body never compared. */
  readonly writeOnly?: readonly string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/** Azure's canonical location: lower case, no spaces (`West Europe` → `westeurope`). */
export const canonicalLocation = (location: string): string => location.toLowerCase().replace(/\s+/g, "");

const looksLikeId = (s: string): boolean => /^\/subscriptions\//i.test(s) || /^\/providers\//i.test(s);

function sameScalar(key: string, desired: unknown, live: unknown): boolean {
  if (desired === live) return true;
  if (desired === null) return live === undefined || live === null;
  if (typeof desired === "string" && typeof live === "string") {
    if (key === "location" || key.endsWith("Location")) return canonicalLocation(desired) === canonicalLocation(live);
    if (looksLikeId(desired)) return desired.toLowerCase().replace(/\/+$/, "") === live.toLowerCase().replace(/\/+$/, "");
    return false;
  }
  // ARM sometimes answers a number where the body sent a numeric string, or the reverse.
  if ((typeof desired === "number" && typeof live === "string") || (typeof desired === "string" && typeof live === "number")) return String(desired) === String(live);
  return false;
}

const liveKey = (live: Record<string, unknown>, key: string): unknown => (key in live ? live[key] : live[Object.keys(live).find((k) => k.toLowerCase() === key.toLowerCase()) ?? ""]);

const nameOf = (v: unknown): string | undefined => (isObject(v) && typeof v.name === "string" ? v.name.toLowerCase() : undefined);

function compare(path: string, key: string, desired: unknown, live: unknown, skip: ReadonlySet<string>, out: FieldChange[]): void {
  if (skip.has(path)) return;
  if (isObject(desired)) {
    if (!isObject(live)) return void out.push({ field: path, from: live, to: desired });
    for (const [k, v] of Object.entries(desired)) compare(path ? `${path}.${k}` : k, k, v, liveKey(live, k), skip, out);
    return;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) return void out.push({ field: path, from: live, to: desired });
    const byName = desired.every((d) => nameOf(d) !== undefined) && live.every((l) => nameOf(l) !== undefined);
    if (byName) {
      const liveByName = new Map(live.map((l) => [nameOf(l)!, l]));
      for (const d of desired) {
        const match = liveByName.get(nameOf(d)!);
        if (match === undefined) out.push({ field: `${path}[${(d as { name: string }).name}]`, to: d });
        else compare(`${path}[${(d as { name: string }).name}]`, key, d, match, skip, out);
      }
      const wanted = new Set(desired.map(nameOf));
      for (const l of live) if (!wanted.has(nameOf(l))) out.push({ field: `${path}[${(l as { name: string }).name}]`, from: l });
      return;
    }
    if (desired.length !== live.length) return void out.push({ field: path, from: live, to: desired });
    // Scalars in lists (address prefixes, zones) are sets to ARM: order is not a change.
    if (desired.every((d) => !isObject(d) && !Array.isArray(d))) {
      const rest = [...live];
      for (const d of desired) {
        const i = rest.findIndex((l) => sameScalar(key, d, l));
        if (i < 0) return void out.push({ field: path, from: live, to: desired });
        rest.splice(i, 1);
      }
      return;
    }
    desired.forEach((d, i) => compare(`${path}[${i}]`, key, d, live[i], skip, out));
    return;
  }
  if (!sameScalar(key, desired, live)) out.push({ field: path, from: live, to: desired });
}

/** Field-level changes that a PUT of `desired` would make to `live`; empty when they agree. */
export function armChanges(desired: Readonly<Record<string, unknown>>, live: Readonly<Record<string, unknown>>, options: DiffOptions = {}): FieldChange[] {
  const out: FieldChange[] = [];
  compare("", "", desired, live, new Set(options.writeOnly ?? []), out);
  return out;
}
