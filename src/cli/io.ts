import { createInterface } from "node:readline/promises";

/** Where the CLI writes; swappable so tests run commands in-process and read what they printed. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** A person is at a terminal: progress may redraw in place and questions may be asked. */
  readonly interactive?: boolean;
  /** Stdin is a terminal: nothing is piped in (`berth lint` without paths then prints its usage). */
  readonly stdinIsTerminal?: boolean;
  /** Asks one question and returns the answer line; only called when `interactive`. */
  ask?(question: string): Promise<string>;
}

export const processIO: CliIO = {
  get interactive() {
    return process.stdin.isTTY === true && process.stderr.isTTY === true;
  },
  get stdinIsTerminal() {
    return process.stdin.isTTY === true;
  },
  out: (t) => write(process.stdout, t),
  err: (t) => write(process.stderr, t),
  async ask(question) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
};

const guarded = new WeakSet<NodeJS.WritableStream>();

/**
 * Aborted when a reader of berth's output stopped early. A deploy then stops as on SIGINT — steps journaled, lock
 * released, `berth up` resumes — instead of dying mid-step; anything else simply ends.
 */
export const readerGone = new AbortController();
let runs = 0;

/** Marks a cluster run in progress, so a closed pipe aborts it rather than exiting at once. */
export function duringRun(): () => void {
  runs++;
  return () => void runs--;
}

/**
 * A reader that stopped early (`berth schema | head -1`) closes the pipe: the rest of the output is unwanted, so berth
 * ends quietly with 0 rather than an EPIPE stack trace, as cat, grep and kubectl do.
 */
export function endQuietlyOnClosedPipe(stream: NodeJS.WritableStream = process.stdout, exit: (code: number) => void = process.exit): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE" && !readerGone.signal.aborted) throw error;
    if (readerGone.signal.aborted) return; // later writes to the closed pipe fail too
    readerGone.abort(new Error("the reader of berth's output has gone"));
    if (runs === 0) exit(0);
  });
}

/** Writes unless the pipe is closed: a stopping run still reports, to nobody. */
const write = (stream: NodeJS.WriteStream, t: string) => {
  if (!stream.destroyed) stream.write(t.endsWith("\n") ? t : `${t}\n`);
};
