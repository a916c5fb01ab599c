/** Where the CLI writes; swappable so tests run commands in-process and read what they printed. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** A person is at a terminal: progress may redraw in place and questions may be asked. */
  readonly interactive?: boolean;
}

export const processIO: CliIO = {
  interactive: true,
  out: (t) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
};
