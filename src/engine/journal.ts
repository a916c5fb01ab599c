/**
 * The journal: one JSON line per event, appended and flushed right after what it records, so a run killed at any
 * point leaves a true account. It holds step ids, digests and messages — never a secret value. A torn last line
 * (killed mid-write) is ignored on reading.
 */
import type { Outputs } from "../resources/outputs.ts";
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";

export type JournalEvent = "run-started" | "started" | "applied" | "done" | "failed" | "unknown" | "interrupted" | "run-finished";

export interface JournalEntry {
  readonly at: string;
  readonly run: string;
  readonly event: JournalEvent;
  readonly step?: string;
  readonly digest?: string;
  readonly message?: string;
  readonly revision?: number;
  readonly status?: "ok" | "failed" | "interrupted";
  /** What the remote side assigned (ids, URLs; never a secret), on the entry written right after the mutation. */
  readonly outputs?: Outputs;
}

/** Writing the journal failed (disk full, permissions): no further mutation may happen. */
export class JournalWriteError extends Error {}

export interface JournalWriter {
  append(entry: Omit<JournalEntry, "at">): void;
}

export class FileJournal implements JournalWriter {
  constructor(
    private readonly path: string,
    private readonly write: (fd: number, text: string) => void = (fd, text) => {
      writeSync(fd, text);
    },
  ) {}

  append(entry: Omit<JournalEntry, "at">): void {
    try {
      const fd = openSync(this.path, "a", 0o600);
      try {
        this.write(fd, `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      throw new JournalWriteError(`cannot write the journal ${this.path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

export function readJournal(path: string): JournalEntry[] {
  if (!existsSync(path)) return [];
  const out: JournalEntry[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as JournalEntry);
    } catch {
      // the line being written when the process died
    }
  }
  return out;
}

export interface UnfinishedRun {
  readonly run: string;
  readonly revision?: number;
  /** Steps the run finished, with the digest they finished with. */
  readonly done: ReadonlyMap<string, string>;
  /** Steps started (or applied) and not finished: their outcome must be read from the cluster. */
  readonly inFlight: readonly string[];
  /** Outputs its steps were assigned, by step: a resumed run has them without asking again. */
  readonly outputs: ReadonlyMap<string, Outputs>;
}

/** The last run, if it did not finish well: what a new `up` resumes. */
export function unfinishedRun(entries: readonly JournalEntry[]): UnfinishedRun | undefined {
  const last = [...entries].reverse().find((e) => e.event === "run-started");
  if (!last) return undefined;
  const own = entries.filter((e) => e.run === last.run);
  if (own.some((e) => e.event === "run-finished" && e.status === "ok")) return undefined;
  const done = new Map<string, string>();
  const started = new Set<string>();
  const outputs = new Map<string, Outputs>();
  for (const e of own) {
    if (!e.step) continue;
    if (e.outputs) outputs.set(e.step, { ...outputs.get(e.step), ...e.outputs });
    if (e.event === "done" && e.digest) {
      done.set(e.step, e.digest);
      started.delete(e.step);
    } else if (e.event === "started" || e.event === "applied" || e.event === "unknown" || e.event === "interrupted") started.add(e.step);
  }
  return { run: last.run, ...(last.revision !== undefined ? { revision: last.revision } : {}), done, inFlight: [...started].filter((s) => !done.has(s)), outputs };
}
