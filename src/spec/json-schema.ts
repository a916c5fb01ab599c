import { z } from "zod";
import { PlatformSchema } from "./schema.ts";
import type { SpecPath } from "./path.ts";

type JsonSchema = { [k: string]: unknown };

let cached: JsonSchema | undefined;

/**
 * The JSON Schema of berth.yaml, for editors (`# yaml-language-server: $schema=…`) and `berth schema`.
 * Environment overlays get the spec's own shape with nothing required, so editors complete inside them too.
 */
export function platformJsonSchema(): JsonSchema {
  if (cached) return cached;
  const schema = z.toJSONSchema(PlatformSchema, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
  const spec = (schema.properties as Record<string, JsonSchema>).spec!;
  const specProps = spec.properties as Record<string, JsonSchema>;
  const overlayProps = Object.fromEntries(Object.entries(specProps).filter(([k]) => k !== "environments").map(([k, v]) => [k, { anyOf: [withoutRequired(v), { type: "null" }] }]));
  specProps.environments = {
    ...specProps.environments,
    additionalProperties: {
      type: "object",
      description: (specProps.environments!.additionalProperties as JsonSchema | undefined)?.description,
      properties: overlayProps,
      additionalProperties: false,
    },
  };
  schema.title = "berth Platform spec";
  schema.$id = "https://berth.dev/schema/v1alpha1/platform.json";
  cached = schema;
  return schema;
}

/** An overlay's shape: nothing required, no defaults, and null allowed everywhere (null removes the key). */
function withoutRequired(node: unknown): JsonSchema {
  if (Array.isArray(node)) return node.map(withoutRequired) as unknown as JsonSchema;
  if (typeof node !== "object" || node === null) return node as JsonSchema;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "required" || k === "default" || k === "minItems") continue;
    if (k === "properties") out[k] = Object.fromEntries(Object.entries(v as JsonSchema).map(([name, p]) => [name, { anyOf: [withoutRequired(p), { type: "null" }] }]));
    else if (k === "additionalProperties" && typeof v === "object") out[k] = { anyOf: [withoutRequired(v), { type: "null" }] };
    else out[k] = typeof v === "object" ? withoutRequired(v) : v;
  }
  return out;
}

/** Keys allowed in the mapping at `path`, for "did you mean" hints. */
export function knownKeysAt(path: SpecPath): string[] {
  let nodes: JsonSchema[] = [platformJsonSchema()];
  for (const seg of path) {
    const next: JsonSchema[] = [];
    for (const n of nodes.flatMap(expand)) {
      if (typeof seg === "number") {
        if (n.items) next.push(n.items as JsonSchema);
      } else if (n.properties && (n.properties as JsonSchema)[seg]) next.push((n.properties as Record<string, JsonSchema>)[seg]!);
      else if (n.additionalProperties && typeof n.additionalProperties === "object") next.push(n.additionalProperties as JsonSchema);
    }
    nodes = next;
  }
  return [...new Set(nodes.flatMap(expand).flatMap((n) => Object.keys((n.properties as object | undefined) ?? {})))];
}

const expand = (n: JsonSchema): JsonSchema[] => {
  const options = (n.anyOf ?? n.oneOf) as JsonSchema[] | undefined;
  return options ? options.flatMap(expand) : [n];
};
