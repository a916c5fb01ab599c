import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { userFileError } from "../util/file-error.ts";
import type { RenderedFile } from "./manifests.ts";

/**
 * Writes a build into `outDir` all at once: files go to a staging folder inside outDir, and each top-level entry
 * (manifests/, inventory.json) replaces the previous one by rename. A crash mid-write leaves the old build whole.
 */
export function writeOutput(outDir: string, files: readonly RenderedFile[]): void {
  let staging: string;
  try {
    mkdirSync(outDir, { recursive: true });
    staging = mkdtempSync(join(outDir, ".berth-staging-"));
  } catch (error) {
    // The output folder is the user's choice: name it, not the staging folder inside.
    throw userFileError(error, outDir) ?? error;
  }
  try {
    for (const f of files) {
      const target = join(staging, f.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, f.content);
    }
    const tops = [...new Set(files.map((f) => f.path.split("/")[0]!))];
    for (const top of tops) {
      const old = join(staging, `.old-${top}`);
      if (existsSync(join(outDir, top))) renameSync(join(outDir, top), old);
      renameSync(join(staging, top), join(outDir, top));
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
