import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../util/package-root.ts";
import { didYouMean } from "../../util/did-you-mean.ts";
import { EXIT } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";

export const EXAMPLES_DIR = join(packageRoot(), "examples");
const STARTER = "starter";

export const listExamples = (): string[] =>
  (existsSync(EXAMPLES_DIR) ? readdirSync(EXAMPLES_DIR, { withFileTypes: true }) : [])
    .filter((d) => d.isDirectory() && existsSync(join(EXAMPLES_DIR, d.name, "berth.yaml")))
    .map((d) => d.name)
    .sort();

export interface InitFlags {
  example?: string;
  force?: boolean;
}

/** Writes a berth.yaml into `dir` from a bundled example (the commented starter by default); never overwrites unasked. */
export function runInit(dir: string, flags: InitFlags, io: CliIO): number {
  const name = flags.example ?? STARTER;
  const examples = listExamples();
  if (!examples.includes(name)) {
    io.err(`error SPEC-UNKNOWN-EXAMPLE --example: no example named "${name}" (available: ${examples.join(", ")})`);
    const hint = didYouMean(name, examples);
    if (hint) io.err(`  hint: ${hint}`);
    return EXIT.badInput;
  }
  const target = join(dir, "berth.yaml");
  if (existsSync(target) && !flags.force) {
    io.err(`error INIT-EXISTS ${target}: a spec is already there\n  hint: pass --force to overwrite it`);
    return EXIT.badInput;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(target, readFileSync(join(EXAMPLES_DIR, name, "berth.yaml"), "utf8"));
  // The files the spec uploads (init scripts, notebooks), kept where it names them; never over a file already there.
  const others = readdirSync(join(EXAMPLES_DIR, name)).filter((f) => f !== "berth.yaml");
  for (const f of others) cpSync(join(EXAMPLES_DIR, name, f), join(dir, f), { recursive: true, force: false, errorOnExist: false });
  const ignored = ignoreStateDir(dir);
  io.out(`wrote ${target}${others.length ? ` and ${others.join(", ")}` : ""} (from example ${name})${ignored ? `; ${ignored}` : ""}; next: berth validate ${dir}`);
  return EXIT.ok;
}

/** The journal in `.berth/` is this machine's, never the repository's: listed in .gitignore, added to one that exists. */
function ignoreStateDir(dir: string): string | undefined {
  const file = join(dir, ".gitignore");
  const entry = ".berth/";
  if (!existsSync(file)) {
    writeFileSync(file, `# berth's local run journal (the lock and history are in the cluster)\n${entry}\n`);
    return `wrote ${file}`;
  }
  const text = readFileSync(file, "utf8");
  if (text.split(/\r?\n/).some((l) => /^\/?\.berth\/?$/.test(l.trim()))) return undefined;
  appendFileSync(file, `${text === "" || text.endsWith("\n") ? "" : "\n"}${entry}\n`);
  return `added ${entry} to ${file}`;
}
