import { z } from "zod";
import { commonOptions } from "../common-options.ts";

export const NessieOptions = z
  .strictObject({ type: z.literal("nessie"), ...commonOptions, replicas: z.int().min(1).default(1) })
  .describe("Project Nessie catalog server; keeps its data in the postgresql it connects to (JDBC).");
