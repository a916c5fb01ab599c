/**
 * berth as one bundled file, built from the current sources once per test process: a child process that runs it
 * starts in well under a second, where running the sources through tsx takes seconds (tests that must run berth as
 * its own process — to trust a test server's certificate through NODE_EXTRA_CA_CERTS, or to kill it — run it often).
 * Built like scripts/bundle.mjs (same stand-ins), without the V8 code cache.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";

const root = join(import.meta.dirname, "..", "..");
let built: string | undefined;

export function berthBundle(): string {
  if (built) return built;
  const dir = join(root, "node_modules", ".cache", "berth-test", String(process.pid));
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, "berth.cjs");
  buildSync({
    stdin: { contents: 'import { main } from "./src/cli/main.ts";\nmain(process.argv.slice(2)).then((code) => { process.exitCode = code; });\n', resolveDir: root, sourcefile: "berth-test-entry.ts", loader: "ts" },
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: ["re2-wasm"],
    logLevel: "warning",
    absWorkingDir: root,
    // The stand-in scripts/bundle.mjs swaps in (a plugin there; plugins need the asynchronous API).
    alias: { "@kubernetes-models/validate/runtime/re2": "./scripts/bundle/lazy-re2.mjs" },
    define: { "import.meta.url": "__berthModuleUrl" },
    banner: { js: "const __berthModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  built = outfile;
  return outfile;
}
