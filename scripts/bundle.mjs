// Bundles the CLI into dist/berth.mjs: one file loads far faster than hundreds of modules. Run by `npm run build`
// and by `prepare` (so `npm ci` produces it). re2-wasm stays external because it loads a .wasm file beside itself.
import { build } from "esbuild";

const here = new URL(".", import.meta.url).pathname;
/** Swaps a module for a faster stand-in that behaves the same (see the stand-in's own comment). */
const standIns = {
  name: "stand-ins",
  setup(b) {
    b.onResolve({ filter: /^@kubernetes-models\/validate\/runtime\/re2$/ }, () => ({ path: `${here}bundle/lazy-re2.mjs` }));
  },
};

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
  plugins: [standIns],
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
