/** Each `up` is a revision: its plan (objects and secret names, no values) and how it ended. Rollback replays one. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Plan } from "../plan/step.ts";
import { writeJsonAtomic } from "./state-dir.ts";

export interface Revision {
  readonly revision: number;
  readonly run: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly status: "in-progress" | "deployed" | "failed" | "interrupted" | "removed";
  readonly command: string;
  /** The revision this one rolled back to. */
  readonly rollbackOf?: number;
  readonly plan: Plan;
}

const fileOf = (dir: string, n: number) => join(dir, `${String(n).padStart(4, "0")}.json`);

export function listRevisions(dir: string): Revision[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^\d+\.json$/.test(f))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as Revision);
}

export const loadRevision = (dir: string, n: number): Revision | undefined => (existsSync(fileOf(dir, n)) ? (JSON.parse(readFileSync(fileOf(dir, n), "utf8")) as Revision) : undefined);

export const nextRevision = (dir: string): number => (listRevisions(dir).at(-1)?.revision ?? 0) + 1;

export const saveRevision = (dir: string, r: Revision): void => writeJsonAtomic(fileOf(dir, r.revision), r);
