/** Options every component type accepts, next to its own. */
import { z } from "zod";
import * as f from "../../spec/formats.ts";
import { formatted, Name } from "../../spec/schema-parts.ts";
import { AzureRef } from "../../spec/azure-schema.ts";
import { Image } from "../../spec/image-schema.ts";

const PartialQuantities = z.strictObject({ cpu: formatted(f.cpuQuantity).optional(), memory: formatted(f.memoryQuantity).optional() });

export const commonOptions = {
  namespace: Name.optional().describe("Namespace or namespace alias (spec.kubernetes.namespaces); defaults to spec.kubernetes.namespace."),
  connects: z.array(Name).default([]).describe("Components this one uses: wires env, secrets, network allows and ordering."),
  image: Image.optional().describe("Override the catalog's pinned upstream image."),
  resources: z
    .strictObject({ requests: PartialQuantities.optional(), limits: PartialQuantities.optional() })
    .optional()
    .describe("Override the catalog's requests and limits (per container)."),
};

/**
 * A component's extra environment: literal strings, or values Azure assigns by reference (a vault URI, a server's
 * FQDN), rendered as output tokens like apps' and jobs' references.
 */
export const ComponentEnv = z
  .record(formatted(f.envName), z.union([z.string(), AzureRef], { error: "a string, or { from: azure.<family>.<name>, value: <output> }" }))
  .default({});
