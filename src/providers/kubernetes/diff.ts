/**
 * Field-level differences between what berth wants and what is live, over the fields berth sets: the API server
 * adds defaults and status that are not differences. Secret contents are masked.
 */
import type { FieldChange } from "../provider.ts";

export const HIDDEN = "(hidden)";

const SECRET_FIELDS = new Set(["data", "stringData"]);

const sameScalar = (a: unknown, b: unknown): boolean => a === b || (typeof a !== "object" && typeof b !== "object" && a !== undefined && b !== undefined && String(a) === String(b));

export function fieldChanges(desired: unknown, live: unknown, isSecret: boolean): FieldChange[] {
  const out: FieldChange[] = [];
  const mask = (field: string, value: unknown) => (isSecret && SECRET_FIELDS.has(field.split(/[.[]/)[1] ?? "") ? (value === undefined ? undefined : HIDDEN) : value);
  const walk = (want: unknown, have: unknown, field: string): void => {
    if (Array.isArray(want)) {
      if (!Array.isArray(have) || have.length !== want.length) {
        out.push({ field, from: mask(field, have), to: mask(field, want) });
        return;
      }
      want.forEach((w, i) => walk(w, have[i], `${field}[${i}]`));
      return;
    }
    if (want !== null && typeof want === "object") {
      if (have === null || typeof have !== "object" || Array.isArray(have)) {
        out.push({ field, from: mask(field, have), to: mask(field, want) });
        return;
      }
      for (const [k, w] of Object.entries(want)) walk(w, (have as Record<string, unknown>)[k], field ? `${field}.${k}` : `.${k}`);
      return;
    }
    if (!sameScalar(want, have)) out.push({ field, from: mask(field, have), to: mask(field, want) });
  };
  walk(desired, live, "");
  return out;
}
