/** Options every component type accepts, next to its own. */
import { z } from "zod";
import * as f from "../../spec/formats.ts";
import { formatted, Name, PinnedImage } from "../../spec/schema-parts.ts";

const PartialQuantities = z.strictObject({ cpu: formatted(f.cpuQuantity).optional(), memory: formatted(f.memoryQuantity).optional() });

export const commonOptions = {
  namespace: Name.optional().describe("Namespace or namespace alias (spec.kubernetes.namespaces); defaults to spec.kubernetes.namespace."),
  connects: z.array(Name).default([]).describe("Components this one uses: wires env, secrets, network allows and ordering."),
  image: PinnedImage.optional().describe("Override the catalog's pinned upstream image."),
  resources: z
    .strictObject({ requests: PartialQuantities.optional(), limits: PartialQuantities.optional() })
    .optional()
    .describe("Override the catalog's requests and limits (per container)."),
};
