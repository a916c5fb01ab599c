import { z } from "zod";
import { Storage } from "../../../spec/schema-parts.ts";
import { commonOptions } from "../common-options.ts";

export const RedisOptions = z
  .strictObject({
    type: z.literal("redis"),
    ...commonOptions,
    storage: Storage.prefault({ size: "5Gi" }),
  })
  .describe("Redis (official image) with a password and append-only persistence.");
