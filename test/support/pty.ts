/**
 * The real CLI (bin/berth.js) under a pseudo-terminal, as a person runs it: `script` from util-linux gives the child a
 * pty for stdin, stdout and stderr. Tests wait for what berth prints (its prompt), never for a length of time.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";

const BIN = join(import.meta.dirname, "..", "..", "bin", "berth.js");
// The live task list redraws with escape sequences; what a person reads is the text between them.
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r/g;
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface PtyRun {
  /** Resolves with the output so far once `pattern` appears in it; rejects if berth exits first. */
  waitFor(pattern: RegExp): Promise<string>;
  /** Types a line, as at the keyboard. */
  type(line: string): void;
  readonly exit: Promise<number | null>;
  output(): string;
}

export function berthInPty(args: readonly string[], env: NodeJS.ProcessEnv = {}): PtyRun {
  const command = [process.execPath, BIN, ...args].map(quote).join(" ");
  // BERTH_FROM_SOURCE: test the sources being edited, not a bundle; -e: script exits with berth's code.
  const child: ChildProcessWithoutNullStreams = spawn("script", ["-qfec", command, "/dev/null"], {
    env: { ...process.env, BERTH_FROM_SOURCE: "1", COLUMNS: "160", LINES: "50", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let text = "";
  const waiters: { pattern: RegExp; resolve: (s: string) => void; reject: (e: Error) => void }[] = [];
  const settle = () => {
    const plain = text.replace(ANSI, "");
    for (const w of [...waiters])
      if (w.pattern.test(plain)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(plain);
      }
  };
  child.stdout.on("data", (d: Buffer) => {
    text += d.toString("utf8");
    settle();
  });
  child.stderr.on("data", (d: Buffer) => {
    text += d.toString("utf8");
    settle();
  });
  const exit = new Promise<number | null>((resolve) =>
    child.on("close", (code) => {
      settle();
      for (const w of waiters.splice(0)) w.reject(new Error(`berth exited (${code}) before printing ${w.pattern}:\n${text.replace(ANSI, "")}`));
      resolve(code);
    }),
  );
  return {
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve, reject });
        settle();
      }),
    type: (line) => void child.stdin.write(`${line}\r`),
    exit,
    output: () => text.replace(ANSI, ""),
  };
}
