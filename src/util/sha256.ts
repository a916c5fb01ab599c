import { createHash } from "node:crypto";

/** sha256 of bytes, hex: how a plan names a repository file it uploads (resources/databricks-resource.ts SourceFile). */
export const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");
