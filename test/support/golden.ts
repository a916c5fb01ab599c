import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import assert from "node:assert/strict";

/**
 * Compares text with a reviewed golden file. Goldens are rewritten only with BERTH_UPDATE_GOLDEN=1 (npm run
 * golden:update), and the diff is then reviewed like code; a missing golden fails instead of being created.
 */
export function assertGolden(file: string, actual: string): void {
  if (process.env.BERTH_UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `golden file ${file} is missing; run npm run golden:update and review the result`);
  assert.equal(actual, readFileSync(file, "utf8"), `output differs from ${file}`);
}
