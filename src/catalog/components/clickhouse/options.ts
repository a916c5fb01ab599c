import { z } from "zod";
import { Storage } from "../../../spec/schema-parts.ts";
import { commonOptions } from "../common-options.ts";

export const ClickhouseOptions = z
  .strictObject({ type: z.literal("clickhouse"), ...commonOptions, storage: Storage.prefault({ size: "20Gi" }) })
  .describe("ClickHouse server (HTTP 8123, native 9000) with a generated password for the default user.");
