import { z } from "zod";
import { commonOptions } from "../common-options.ts";

export const SparkOptions = z
  .strictObject({
    type: z.literal("spark"),
    ...commonOptions,
    workers: z.int().min(1).default(2),
    workerCores: z.int().min(1).default(2),
    workerMemory: z.string().regex(/^[0-9]+[gm]$/, 'a JVM size such as "4g"').default("4g").describe("Memory each worker offers to executors."),
  })
  .describe("Apache Spark standalone cluster: a master (7077, UI 8080) and N workers (UI 8081).");
