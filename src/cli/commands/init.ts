import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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
  io.out(`wrote ${target} (from example ${name}); next: berth validate ${dir}`);
  return EXIT.ok;
}
