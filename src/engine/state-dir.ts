/** Where a platform/env keeps its journal, lock and revisions: `<state-dir>/<platform>.<env>/`. Never a secret value. */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface StatePaths {
  readonly dir: string;
  readonly lock: string;
  readonly journal: string;
  readonly revisions: string;
}

export function statePaths(stateDir: string, instance: string): StatePaths {
  const dir = join(stateDir, instance);
  return { dir, lock: join(dir, "lock.json"), journal: join(dir, "journal.jsonl"), revisions: join(dir, "revisions") };
}

export function ensureStateDir(paths: StatePaths): void {
  mkdirSync(paths.revisions, { recursive: true });
}

/** Written whole or not at all: a crash never leaves half a file. */
export function writeJsonAtomic(path: string, value: unknown): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}
