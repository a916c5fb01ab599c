/** berth's own version, from its package.json (recorded in every revision). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "./package-root.ts";

let cached: string | undefined;

export function berthVersion(): string {
  if (cached) return cached;
  try {
    cached = String((JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version?: string }).version ?? "unknown");
  } catch {
    cached = "unknown";
  }
  return cached;
}
