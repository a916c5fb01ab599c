#!/usr/bin/env node
// Runs the bundled CLI (dist/berth.cjs, built by `npm ci` through `prepare`) when it is newer than every source file;
// otherwise runs the TypeScript sources through tsx, so a checkout being edited never runs stale code.
// BERTH_FROM_SOURCE=1 forces the sources.
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(root, "dist", "berth.cjs");
const codeCache = `${bundle}.v8-cache`;

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Loads the bundle with V8's code cache: compiling ~6 MB of JavaScript is most of the start-up, and Node 20 has no
 * compile cache of its own (module.enableCompileCache is Node 22). The cache is only used when it is newer than the
 * bundle, and V8 itself refuses one made by another V8 version, other flags or other source; a missing or refused
 * cache is written again after the run (atomically, and not at all where dist/ is read-only).
 */
function loadBundle() {
  const bundleTime = statSync(bundle).mtimeMs;
  let cachedData;
  try {
    if (statSync(codeCache).mtimeMs >= bundleTime) cachedData = readFileSync(codeCache);
  } catch {
    // No cache yet.
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, "utf8")}\n})`, {
    filename: bundle,
    cachedData,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  const saveCache = () => {
    if (cachedData && !script.cachedDataRejected) return;
    try {
      const tmp = `${codeCache}.${process.pid}`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, codeCache);
    } catch {
      // A read-only install runs without the cache.
    }
  };
  return { main: module.exports.main, saveCache };
}

const fresh = process.env.BERTH_FROM_SOURCE !== "1" && existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource(join(root, "src"));
let main;
let saveCache = () => {};
if (fresh) ({ main, saveCache } = loadBundle());
else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../src/cli/main.ts"));
}
process.exitCode = await main(process.argv.slice(2));
saveCache();
