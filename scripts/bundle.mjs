// Bundles the CLI into dist/berth.cjs: one file loads far faster than hundreds of modules. Run by `npm run build`
// and by `prepare` (so `npm ci` produces it). re2-wasm stays external because it loads a .wasm file beside itself.
//
// CommonJS, one file, so that bin/berth.js can compile it with a V8 code cache (Node 20 has no compile cache for ES
// modules): parsing and compiling the ~6 MB bundle is most of berth's start-up. The cache is written here, by one
// build of an example with the new bundle, so it holds the code a build runs, not only the top level.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { bundleOptions } from "./bundle/options.mjs";

const here = new URL(".", import.meta.url).pathname;
const root = join(here, "..");
// Earlier bundles (the ES-module chunks, an old cache) must not outlive this one.
rmSync(join(root, "dist"), { recursive: true, force: true });
// Cluster commands are imported on demand: esbuild initialises their modules (and the Kubernetes client) only when
// one of them runs.
await build({ ...bundleOptions(root), entryPoints: [join(root, "src/cli/main.ts")], outfile: join(root, "dist/berth.cjs") });

// Fills the code cache (see bin/berth.js) with what a build compiles; a failure here only costs start-up time.
const out = mkdtempSync(join(tmpdir(), "berth-bundle-"));
const example = join(root, "examples", "datalyptica");
spawnSync(process.execPath, [join(root, "bin/berth.js"), "build", example, "--out", out], { stdio: "ignore", env: { ...process.env, BERTH_FROM_SOURCE: "" } });
rmSync(out, { recursive: true, force: true });
