import { z } from "zod";
import { Storage } from "../../../spec/schema-parts.ts";
import { commonOptions } from "../common-options.ts";

export const MinioOptions = z
  .strictObject({ type: z.literal("minio"), ...commonOptions, storage: Storage.prefault({ size: "20Gi" }) })
  .describe("MinIO object storage (S3 API on 9000, console on 9001) with a generated root user and password.");
