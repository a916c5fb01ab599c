import { z } from "zod";
import { Name, Storage } from "../../../spec/schema-parts.ts";
import { commonOptions } from "../common-options.ts";

export const PostgresqlOptions = z
  .strictObject({
    type: z.literal("postgresql"),
    ...commonOptions,
    databases: z
      .array(Name)
      .default([])
      .describe("Extra databases, each with a user of the same name; every connecting component gets its own database too."),
    storage: Storage.prefault({ size: "10Gi" }),
  })
  .describe("PostgreSQL (official image) as a single-replica StatefulSet; databases and users are created idempotently.");
