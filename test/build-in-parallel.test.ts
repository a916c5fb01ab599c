/** `berth build` checks in a worker thread while it renders: nothing it returns may differ from `build`. */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { buildInParallel } from "../src/build-in-parallel.ts";
import { type BuildOptions, type BuildResult, build, lintSynthesized, synthesize } from "../src/index.ts";
import { tempDir } from "./support/cli.ts";
import { platform, WEB } from "./support/spec.ts";

/** What the CLI uses of a build: the verdict, the findings and the files (the spec carries functions). */
const outcome = (r: BuildResult) => ({ ok: r.ok, diagnostics: r.diagnostics, files: r.files, objects: r.resources?.length });

// The worker as the bundle's launcher runs it; the test process's `--import tsx` is inherited by the thread.
const WORKER = new URL("./fixtures/workers/checks-worker.mjs", import.meta.url);

const specFile = (text: string): string => {
  const file = join(tempDir(), "berth.yaml");
  writeFileSync(file, text);
  return file;
};
const unusedSuppression = readFileSync("examples/starter/berth.yaml", "utf8").replace("  apps:\n", "  lint:\n    ignore:\n      - rule: PDB-MISSING\n        reason: single replica\n  apps:\n");

const cases: [string, BuildOptions][] = [
  ["a platform that builds", { path: "examples/datalyptica", env: "prod" }],
  ["a build the checks warn about", { path: specFile(unusedSuppression), env: "dev" }],
  ["a check that fails the build", { path: specFile(platform(WEB).replace('"1.31"', '"1.22"')) }],
  ["a spec that does not load", { path: "test/acceptance/bad-input/B01-yaml-syntax" }],
  ["a spec the schema refuses", { path: "examples/datasurface-airflow", env: "prod", set: ["jobs.ring1-init.volumes.git-cache.storageClass=gp3"] }],
];

describe("buildInParallel gives exactly what build gives", () => {
  for (const [name, options] of cases)
    it(name, async () => {
      const expected = outcome(build(options));
      assert.deepEqual(outcome(await buildInParallel(options, WORKER)), expected);
      assert.ok(expected.diagnostics.length > 0 || expected.files, "the case has findings or files to compare");
    });

  it("takes the findings the worker posts", async () => {
    const r = await buildInParallel({ path: "examples/starter", env: "dev" }, new URL("./fixtures/workers/sentinel-worker.mjs", import.meta.url));
    assert.deepEqual(r.diagnostics.map((d) => d.code), ["TEST-FROM-WORKER"]);
  });

  it("the worker posts the checks' findings (so the cases above compare the worker's answer, not a fallback)", async () => {
    const options = { path: specFile(unusedSuppression), env: "dev" };
    const reply = await new Promise((resolve, reject) => {
      const thread = new Worker(WORKER, { workerData: { berthChecks: options } });
      thread.once("message", resolve);
      thread.once("error", reject);
    });
    const synth = synthesize(options);
    assert.ok(synth.ok);
    const expected = lintSynthesized(synth);
    assert.ok(expected.some((d) => d.code === "LINT-UNUSED-SUPPRESSION"));
    assert.deepEqual(reply, { diagnostics: expected });
  });

  it("checks in this thread when the worker cannot run", async () => {
    const options = { path: "examples/starter", env: "dev" };
    const parallel = await buildInParallel(options, new URL("./fixtures/workers/missing-worker.ts", import.meta.url));
    assert.deepEqual(outcome(parallel), outcome(build(options)));
  });

  it("is build itself without a worker", async () => {
    const options = { path: "examples/starter", env: "dev" };
    assert.deepEqual(outcome(await buildInParallel(options, undefined)), outcome(build(options)));
  });
});
