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
  out: (t) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
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
 * A reader that stopped early (`berth schema | head -1`) closes the pipe: the rest of the output is unwanted, so the
 * run ends quietly with 0 rather than an EPIPE stack trace, as cat, grep and kubectl do.
 */
export function endQuietlyOnClosedPipe(stream: NodeJS.WritableStream = process.stdout, exit: (code: number) => void = process.exit): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") exit(0);
    else throw error;
  });
}
