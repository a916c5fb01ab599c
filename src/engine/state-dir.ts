/**
 * What stays on this machine: `<state-dir>/<platform>.<env>/journal.jsonl`, all a resume needs. The lock and the
 * history live in the cluster (see lock.ts, revisions.ts), so every machine and CI runner sees the same ones — except
 * for a plan whose cluster does not exist yet, which keeps them here too (`lock/`, `revisions/`: local-state.ts), and
 * a spec whose state is in a blob container (`state.backend: azureBlob`), which keeps the journal there as well.
 * Never a secret value.
 */
import { join } from "node:path";

export interface StatePaths {
  readonly dir: string;
  readonly journal: string;
}

export function statePaths(stateDir: string, instance: string): StatePaths {
  const dir = join(stateDir, instance);
  return { dir, journal: join(dir, "journal.jsonl") };
}
