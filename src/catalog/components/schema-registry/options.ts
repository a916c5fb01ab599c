import { z } from "zod";
import { commonOptions } from "../common-options.ts";

export const SchemaRegistryOptions = z
  .strictObject({ type: z.literal("schema-registry"), ...commonOptions, replicas: z.int().min(1).default(1) })
  .describe("Confluent Schema Registry on 8085, storing schemas in the kafka it connects to.");
