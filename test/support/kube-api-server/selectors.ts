/** Label selectors (string form and LabelSelector objects) and field selectors. */
import { badRequest } from "./status.ts";
import type { Obj } from "./types.ts";
import { getPath } from "./util.ts";

export type Requirement =
  | { op: "=" | "!="; key: string; value: string }
  | { op: "in" | "notin"; key: string; values: string[] }
  | { op: "exists" | "!"; key: string };

type Labels = Record<string, string> | undefined;

const MATCHERS: Record<Requirement["op"], (r: Requirement, labels: Record<string, string>) => boolean> = {
  "=": (r, l) => r.op === "=" && l[r.key] === r.value,
  "!=": (r, l) => r.op === "!=" && l[r.key] !== r.value,
  in: (r, l) => r.op === "in" && r.key in l && r.values.includes(l[r.key]!),
  notin: (r, l) => r.op === "notin" && !(r.key in l && r.values.includes(l[r.key]!)),
  exists: (r, l) => r.key in l,
  "!": (r, l) => !(r.key in l),
};

export const matches = (reqs: Requirement[], labels: Labels): boolean => reqs.every((r) => MATCHERS[r.op](r, labels ?? {}));

/** Splits on commas that are not inside parentheses. */
function terms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== "");
}

const KEY = String.raw`[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const VALUE = String.raw`([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const PATTERNS: [RegExp, (m: RegExpMatchArray) => Requirement][] = [
  [new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^)]*)\\)$`), (m) => ({ op: m[3] as "in" | "notin", key: m[1]!, values: m[4]!.split(",").map((v) => v.trim()).filter((v) => v !== "") })],
  [new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`), (m) => ({ op: m[3] === "!=" ? "!=" : "=", key: m[1]!, value: m[4]! })],
  [new RegExp(`^!\\s*(${KEY})$`), (m) => ({ op: "!", key: m[1]! })],
  [new RegExp(`^(${KEY})$`), (m) => ({ op: "exists", key: m[1]! })],
];

export function parseLabelSelector(s: string): Requirement[] {
  return terms(s).map((t) => {
    for (const [re, build] of PATTERNS) {
      const m = t.match(re);
      if (m) return build(m);
    }
    throw badRequest(`unable to parse requirement: found '${t}', expected: valid label selector`);
  });
}

/** metav1.LabelSelector ({matchLabels, matchExpressions}) to requirements. */
export function fromLabelSelector(sel: Obj | undefined): Requirement[] {
  if (!sel) return [];
  const eq: Requirement[] = Object.entries((sel.matchLabels ?? {}) as Record<string, string>).map(([key, value]) => ({ op: "=", key, value }));
  const exprs: Requirement[] = ((sel.matchExpressions ?? []) as Obj[]).map((e) => {
    const op = String(e.operator);
    if (op === "In" || op === "NotIn") return { op: op === "In" ? "in" : "notin", key: e.key, values: e.values ?? [] };
    return { op: op === "Exists" ? "exists" : "!", key: e.key };
  });
  return [...eq, ...exprs];
}

/** A LabelSelector with no requirements selects nothing for workloads, everything for lists. */
export const selectsAny = (sel: Obj | undefined): boolean => fromLabelSelector(sel).length > 0;

export interface FieldRequirement {
  path: string;
  negate: boolean;
  value: string;
}

export function parseFieldSelector(s: string): FieldRequirement[] {
  return terms(s).map((t) => {
    const m = t.match(/^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw badRequest(`invalid selector: '${s}'; can't understand '${t}'`);
    return { path: m[1]!, negate: m[2] === "!=", value: m[3]! };
  });
}

export const matchesFields = (reqs: FieldRequirement[], o: Obj): boolean =>
  reqs.every((r) => {
    const v = getPath(o, r.path);
    const s = v === undefined || v === null ? "" : String(v);
    return r.negate ? s !== r.value : s === r.value;
  });
