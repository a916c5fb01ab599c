import { z } from "zod";
import { commonOptions } from "../common-options.ts";

export const TrinoOptions = z
  .strictObject({
    type: z.literal("trino"),
    ...commonOptions,
    workers: z.int().min(0).default(2).describe("Worker Deployment replicas; the coordinator runs no queries itself when there are workers."),
  })
  .describe("Trino: a coordinator and N workers. Catalogs come from connections: iceberg (nessie + minio), postgresql.");
