/** values.yaml and values.schema.json, derived from the groups and tunables of the desired resources. */
import type { KubeDesired } from "../../resources/kube-object.ts";

export type Values = { [key: string]: unknown };

const getField = (o: unknown, path: readonly (string | number)[]): unknown =>
  path.reduce<unknown>((n, k) => (n as Record<string | number, unknown> | undefined)?.[k], o);

function setValue(root: Values, path: readonly string[], value: unknown): void {
  let node = root;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Values;
  const last = path[path.length - 1]!;
  if (last in node && JSON.stringify(node[last]) !== JSON.stringify(value))
    throw new Error(`values.${path.join(".")} would have two defaults: ${JSON.stringify(node[last])} and ${JSON.stringify(value)}`);
  node[last] = value;
}

const KEY_ORDER = ["enabled", "image", "replicas", "resources", "canary", "persistence", "apps", "components", "jobs"];
const rank = (k: string) => (KEY_ORDER.includes(k) ? KEY_ORDER.indexOf(k) : KEY_ORDER.length);

/** Reading order for people: the switch first, then image, replicas, resources, canary, persistence. */
function ordered(v: unknown): unknown {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
  const keys = Object.keys(v).sort((a, b) => rank(a) - rank(b) || (rank(a) === KEY_ORDER.length ? a.localeCompare(b) : 0));
  return Object.fromEntries(keys.map((k) => [k, ordered((v as Values)[k])]));
}

/** Defaults are the values the chosen environment rendered, so `helm template` reproduces the manifests. */
export function chartValues(resources: readonly KubeDesired[]): Values {
  const values: Values = {};
  for (const r of resources) {
    if (r.group) setValue(values, [...r.group, "enabled"], true);
    for (const t of r.tunables ?? []) setValue(values, t.values, getField(r.object, t.field));
  }
  return ordered(values) as Values;
}

/** A strict schema inferred from the defaults: helm refuses misspelt keys and wrong types before rendering. */
export function valuesSchema(values: Values): object {
  const infer = (v: unknown, key: string): object => {
    if (Array.isArray(v)) return { type: "array" };
    if (typeof v === "object" && v !== null) {
      if (key === "resources") {
        const quantities = { type: "object", additionalProperties: { type: "string" } };
        return { type: "object", properties: { requests: quantities, limits: quantities }, additionalProperties: false };
      }
      const entries = Object.entries(v);
      return { type: "object", properties: Object.fromEntries(entries.map(([k, x]) => [k, infer(x, k)])), required: entries.map(([k]) => k), additionalProperties: false };
    }
    if (typeof v === "number") return Number.isInteger(v) ? { type: "integer", minimum: 0 } : { type: "number" };
    if (typeof v === "boolean") return { type: "boolean" };
    return { type: "string", minLength: 1 };
  };
  return { $schema: "https://json-schema.org/draft-07/schema#", title: "values", ...infer(values, "") };
}
