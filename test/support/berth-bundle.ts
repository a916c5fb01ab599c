/**
 * berth as one bundled file, built from the current sources once per test process: a child process that runs it
 * starts in well under a second, where running the sources through tsx takes seconds (tests that must run berth as
 * its own process — to trust a test server's certificate through NODE_EXTRA_CA_CERTS, or to kill it — run it often).
 * Built with scripts/bundle.mjs's options, without the V8 code cache.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { bundleOptions } from "../../scripts/bundle/options.mjs";

const root = join(import.meta.dirname, "..", "..");
let built: string | undefined;

export function berthBundle(): string {
  if (built) return built;
  const dir = join(root, "node_modules", ".cache", "berth-test", String(process.pid));
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, "berth.cjs");
  buildSync({
    ...bundleOptions(root),
    stdin: { contents: 'import { main } from "./src/cli/main.ts";\nmain(process.argv.slice(2)).then((code) => { process.exitCode = code; });\n', resolveDir: root, sourcefile: "berth-test-entry.ts", loader: "ts" },
    outfile,
  });
  built = outfile;
  return outfile;
}
