// esbuild options shared by the release bundle (scripts/bundle.mjs) and the one tests run berth from
// (test/support/berth-bundle.ts): one place says how berth is bundled.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export function bundleOptions(root) {
  return {
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: ["re2-wasm"],
    logLevel: "warning",
    absWorkingDir: root,
    // Swaps a module for a faster stand-in that behaves the same (see the stand-in's own comment). An alias rather
    // than a plugin, so esbuild's synchronous API can use these options too.
    alias: { "@kubernetes-models/validate/runtime/re2": `./${join("scripts", "bundle", "lazy-re2.mjs")}` },
    // The sources are ES modules; the few that find files from their own location (packageRoot, the RE2 stand-in) get
    // the bundle's URL.
    // The workload identity checker goes into a ConfigMap: its text is part of the bundle, so a bundle needs no sources.
    define: { "import.meta.url": "__berthModuleUrl", __BERTH_IDENTITY_CHECK__: JSON.stringify(readFileSync(join(root, "src", "verify", "identity-check.mjs"), "utf8")) },
    banner: { js: "const __berthModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  };
}
