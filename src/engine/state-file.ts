/**
 * berth's state files (journal lines, the local lock, local revisions) each carry a format `version` and are read
 * strictly: a file this berth cannot read is an error naming the file and what is wrong. A skipped line of a
 * journal or a revision left out of the history would make a resume redo finished work or a rollback pick the wrong
 * revision, silently; refusing and saying which file to look at is the safe answer.
 */
import type { z } from "zod";

export type StateFileProblem =
  /** Written by a newer berth (or by hand with a version no berth knows). */
  | "STATE-VERSION"
  /** Not what berth writes: bad JSON, a missing or wrongly typed field, a truncated gzip stream. */
  | "STATE-MALFORMED"
  /** Cannot be read at all (permissions, an I/O error). */
  | "STATE-UNREADABLE"
  /** Cannot be written (permissions, a full disk). */
  | "STATE-UNWRITABLE";

/** What to do about each problem, said after it. */
const HINT: Readonly<Record<StateFileProblem, string>> = {
  "STATE-VERSION": "upgrade berth to read it; berth does not guess at its own state",
  "STATE-MALFORMED": "berth does not guess at its own state: look at the file, move it aside if it is damaged, and run again",
  "STATE-UNREADABLE": "check the file's permissions",
  "STATE-UNWRITABLE": "check the state folder's permissions and free space",
};

export class StateFileError extends Error {
  constructor(
    readonly code: StateFileProblem,
    /** The file, with `:line` for a journal line. */
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem} (${code}); ${HINT[code]}`);
  }
}

/** An I/O error as a StateFileError naming the file. */
export const ioError = (code: "STATE-UNREADABLE" | "STATE-UNWRITABLE", file: string, error: unknown): StateFileError =>
  error instanceof StateFileError ? error : new StateFileError(code, file, `cannot ${code === "STATE-UNREADABLE" ? "read" : "write"} it: ${error instanceof Error ? error.message : String(error)}`);

/** Reads `version` of a parsed state record: absent means `absentMeans` (files written before versions existed). */
export function checkVersion(file: string, record: unknown, known: number, absentMeans?: number): void {
  if (!record || typeof record !== "object" || Array.isArray(record)) throw new StateFileError("STATE-MALFORMED", file, `expected a JSON object, found ${Array.isArray(record) ? "an array" : typeof record}`);
  const version = (record as { version?: unknown }).version ?? absentMeans;
  if (version === undefined) throw new StateFileError("STATE-MALFORMED", file, "no format version");
  if (version !== known) throw new StateFileError("STATE-VERSION", file, `format version ${JSON.stringify(version)}, this berth reads version ${known} (written by a newer berth?)`);
}

/** JSON text to a value, or STATE-MALFORMED naming the file. */
export function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StateFileError("STATE-MALFORMED", file, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** A versioned record checked against its schema; the first problem names the field. */
export function parseRecord<T>(file: string, record: unknown, schema: z.ZodType<T>, known: number, absentMeans?: number): T {
  checkVersion(file, record, known, absentMeans);
  const parsed = schema.safeParse(record);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const at = issue.path.length ? issue.path.map(String).join(".") : "(top level)";
  throw new StateFileError("STATE-MALFORMED", file, `${at}: ${issue.message}`);
}
