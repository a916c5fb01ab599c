import { z } from "zod";
import { commonOptions } from "../common-options.ts";

export const SupersetOptions = z
  .strictObject({
    type: z.literal("superset"),
    ...commonOptions,
    replicas: z.int().min(1).default(1),
    workers: z.int().min(1).default(4).describe("gunicorn workers per pod."),
  })
  .describe("Apache Superset (8088) with its metadata in the postgresql and its cache in the redis it connects to.");
