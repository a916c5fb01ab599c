/**
 * The journal: one JSON line per event, appended and flushed right after what it records, so a run killed at any
 * point leaves a true account. It holds step ids, digests, messages and outputs — never a secret value.
 *
 * Each line carries the format `version` (lines without one were written before it existed: version 1) and is read
 * strictly: a line that is not a journal entry is an error naming the file and line, since skipping it could make a
 * resume redo or skip a step. The one exception is a torn last line — one without its newline, cut short when the
 * process was killed mid-write: it is ignored on reading, and cut away before the next append so the entries after
 * it start on a line of their own.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import type { Outputs } from "../resources/outputs.ts";
import { parseJson, parseRecord, StateFileError } from "./state-file.ts";

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

export const JOURNAL_FORMAT_VERSION = 1;

const EVENTS = ["run-started", "started", "applied", "done", "failed", "unknown", "interrupted", "run-finished"] as const satisfies readonly JournalEvent[];

// Loose: a field a later berth adds within the same version is carried along, not refused; the fields known are checked.
const Entry = z.looseObject({
  version: z.literal(JOURNAL_FORMAT_VERSION).optional(),
  at: z.string(),
  run: z.string().min(1),
  event: z.enum(EVENTS),
  step: z.string().optional(),
  digest: z.string().optional(),
  message: z.string().optional(),
  revision: z.number().int().optional(),
  status: z.enum(["ok", "failed", "interrupted"]).optional(),
  outputs: z.record(z.string(), z.string()).optional(),
});

/** Writing the journal failed (disk full, permissions): no further mutation may happen. */
export class JournalWriteError extends Error {}

/** Appends one entry and returns once it is durable (a file flushed, a blob block committed); callers await it. */
export interface JournalWriter {
  append(entry: Omit<JournalEntry, "at">): void | Promise<void>;
}

/**
 * Where a platform/env's journal lives: a file in this machine's state folder, or (state.backend azureBlob) a blob
 * that every machine reads, so a run interrupted on one machine resumes on another.
 */
export interface JournalStore {
  /** For messages (a file's path, a blob's URL). */
  readonly where: string;
  /** Its entries, oldest first, read strictly (StateFileError naming where and the line). */
  read(): Promise<JournalEntry[]>;
  /** The writer of a new run. */
  writer(): JournalWriter;
}

/** The journal line as written: the format version first, then the time, then the entry. */
export const journalLine = (entry: Omit<JournalEntry, "at">, at: Date = new Date()): string => `${JSON.stringify({ version: JOURNAL_FORMAT_VERSION, at: at.toISOString(), ...entry })}\n`;

export class FileJournal implements JournalWriter {
  constructor(
    private readonly path: string,
    private readonly write: (fd: number, text: string) => void = (fd, text) => {
      writeSync(fd, text);
    },
  ) {}

  append(entry: Omit<JournalEntry, "at">): void {
    try {
      const fd = openSync(this.path, "a+", 0o600);
      try {
        cutTornLine(fd);
        this.write(fd, journalLine(entry));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      throw new JournalWriteError(`cannot write the journal ${this.path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** Cuts the file back to its last newline: what follows is a line a killed process did not finish. */
function cutTornLine(fd: number): void {
  const size = fstatSync(fd).size;
  const chunk = Buffer.alloc(64 * 1024);
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - chunk.length);
    const read = readSync(fd, chunk, 0, end - start, start);
    const newline = chunk.subarray(0, read).lastIndexOf(0x0a);
    if (newline >= 0) {
      if (start + newline + 1 < size) ftruncateSync(fd, start + newline + 1);
      return;
    }
    end = start;
  }
  if (size > 0) ftruncateSync(fd, 0);
}

/**
 * berth before format versions appended after a torn line without cutting it, so the fragment and the next whole
 * entry share a line (`{"at":…,"ev{"at":…}`): that entry, when the line is one of those. Its entries start with
 * `{"at":` and carry no version; this berth's start with `{"version":` and never follow a fragment.
 */
function afterLegacyTornLine(line: string): unknown {
  for (let i = line.indexOf('{"at":', 1); i > 0; i = line.indexOf('{"at":', i + 1)) {
    let value: unknown;
    try {
      value = JSON.parse(line.slice(i));
    } catch {
      continue;
    }
    if (value && typeof value === "object" && !("version" in value)) return value;
  }
  return undefined;
}

function parseLine(where: string, line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return afterLegacyTornLine(line) ?? parseJson(where, line);
  }
}

/** The journal file on this machine (`<state-dir>/<platform>.<env>/journal.jsonl`). */
export class LocalJournal implements JournalStore {
  constructor(readonly path: string) {}

  get where(): string {
    return this.path;
  }

  async read(): Promise<JournalEntry[]> {
    return readJournal(this.path);
  }

  /** The state folder is made when the first run writes to it (a run refused at the lock leaves nothing behind). */
  writer(): JournalWriter {
    mkdirSync(dirname(this.path), { recursive: true });
    return new FileJournal(this.path);
  }
}

/** The journal's entries, oldest first; StateFileError (naming file and line) for a line that is not one. */
export function readJournal(path: string): JournalEntry[] {
  if (!existsSync(path)) return [];
  return parseJournal(readFileSync(path, "utf8"), path);
}

/** A journal's text, read strictly; `where` names it in errors (with `:line`). A torn last line is ignored. */
export function parseJournal(text: string, source: string): JournalEntry[] {
  const lines = text.split("\n");
  // The text after the last newline is a line the writer did not finish (empty when the file ends well).
  lines.pop();
  const out: JournalEntry[] = [];
  lines.forEach((line, i) => {
    const where = `${source}:${i + 1}`;
    if (!line.trim()) throw new StateFileError("STATE-MALFORMED", where, "an empty line");
    const { version: _version, ...entry } = parseRecord(where, parseLine(where, line), Entry, JOURNAL_FORMAT_VERSION, JOURNAL_FORMAT_VERSION);
    out.push(entry as JournalEntry);
  });
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
