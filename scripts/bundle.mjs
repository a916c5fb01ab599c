// Bundles the CLI into dist/berth.mjs: one file loads far faster than hundreds of modules. Run by `npm run build`
// and by `prepare` (so `npm ci` produces it). re2-wasm stays external because it loads a .wasm file beside itself.
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/main.ts"],
  outdir: "dist",
  entryNames: "berth",
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  // Cluster commands are imported on demand: their code (and the Kubernetes client) is a chunk loaded only by them.
  splitting: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["re2-wasm"],
  logLevel: "warning",
  banner: {
    js: [
      "import { createRequire as __berthRequire } from 'node:module';",
      "import { fileURLToPath as __berthPath } from 'node:url';",
      "const require = __berthRequire(import.meta.url);",
      "const __filename = __berthPath(import.meta.url);",
      "const __dirname = __berthPath(new URL('.', import.meta.url));",
    ].join(" "),
  },
});
