import { z } from "zod";
import { commonOptions } from "../common-options.ts";

export const FlinkOptions = z
  .strictObject({
    type: z.literal("flink"),
    ...commonOptions,
    taskmanagers: z.int().min(1).default(2),
    slots: z.int().min(1).default(2).describe("Task slots per taskmanager."),
  })
  .describe("Apache Flink session cluster: one jobmanager (RPC 6123, UI 8081) and N taskmanagers (RPC 6122).");
