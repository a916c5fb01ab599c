/**
 * The bad-input matrix of shared/research/reliability.md (B1–B34, the cases that apply to berth.yaml) plus a few of
 * berth's own. Each case folder holds a berth.yaml, optional extra CLI args, and expected.txt: the exact diagnostics.
 * Every case must exit 2, locate every problem as file:line:col, print no stack trace, and write nothing.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { assertGolden } from "../support/golden.ts";
import { main } from "../../src/cli/main.ts";
import { runCli, tempDir } from "../support/cli.ts";

const ROOT = "test/acceptance/bad-input";
const cases = readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

const argsOf = (dir: string) => (existsSync(join(dir, "args")) ? readFileSync(join(dir, "args"), "utf8").trim().split(/\s+/) : []);
const DIAGNOSTIC_LINE = /^(\S+):(\d+):(\d+): (error|warning) ([A-Z0-9-]+) (\S+)/;

describe("bad input", () => {
  it("covers the reliability matrix cases that apply to the spec", () => {
    const ids = new Set(cases.map((c) => c.split("-")[0]));
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 20, 21, 26, 27, 28, 29, 30, 31, 32, 33, 34])
      assert.ok(ids.has(`B${String(n).padStart(2, "0")}`), `case B${n} is missing`);
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = join(ROOT, name);
      const out = join(tempDir(), "out");
      const run = await runCli(["build", join(dir, "berth.yaml"), ...argsOf(dir), "--out", out]);
      assert.equal(run.code, 2, `exit code\n${run.stderr}`);
      assert.equal(existsSync(out), false, "a failed build must write nothing");
      assert.doesNotMatch(run.stderr, /\n\s+at |Error:|ZodError/, "no stack trace without --debug");
      const lines = run.stderr.trimEnd().split("\n");
      const diagnostics = lines.filter((l) => !l.startsWith("  hint:") && !/^\d+ error/.test(l) && !l.startsWith("build failed"));
      assert.ok(diagnostics.length > 0, "at least one diagnostic");
      for (const l of diagnostics) assert.match(l, DIAGNOSTIC_LINE, `diagnostic without a file:line:col location: ${l}`);
      assert.doesNotMatch(run.stderr, /hunter2-canary|918273645501/, "a secret value must never be echoed");
      assertGolden(join(dir, "expected.txt"), run.stderr);

      const json = await runCli(["validate", join(dir, "berth.yaml"), ...argsOf(dir), "--json"]);
      assert.equal(json.code, 2);
      const parsed = JSON.parse(json.stdout) as { ok: boolean; environments: { diagnostics: { location?: string; path: string; code: string }[] }[] };
      assert.equal(parsed.ok, false);
      const all = parsed.environments.flatMap((e) => e.diagnostics);
      assert.ok(all.length > 0);
      for (const d of all) assert.match(d.location ?? "", /:\d+:\d+$/, `JSON diagnostic ${d.code} ${d.path} has no location`);
    });
  }
});

describe("exit codes and stack traces", () => {
  it("--out under a file is bad input: the path and a hint, no stack", async () => {
    const blocker = join(tempDir(), "file");
    await import("node:fs").then((fs) => fs.writeFileSync(blocker, "not a folder"));
    for (const out of [join(blocker, "out"), blocker]) {
      const run = await runCli(["build", "examples/starter", "--out", out]);
      assert.equal(run.code, 2, run.stderr);
      assert.ok(run.stderr.includes(`error FILE ${out}: `), run.stderr);
      assert.match(run.stderr, /\n {2}hint: .+/);
      assert.doesNotMatch(run.stderr, /internal error|\n\s+at /);
    }
  });

  it("an internal error exits 1 with a one-line reason, and --debug adds the stack", async () => {
    // The output channel itself failing is not the user's doing: an internal error.
    const failing = (stderr: string[]) => ({ out: () => { throw new Error("stdout is gone"); }, err: (t: string) => void stderr.push(t) });
    const plain: string[] = [];
    assert.equal(await main(["schema"], failing(plain)), 1);
    assert.match(plain.join("\n"), /internal error: stdout is gone/);
    assert.doesNotMatch(plain.join("\n"), /\n\s+at /);
    const debug: string[] = [];
    assert.equal(await main(["--debug", "schema"], failing(debug)), 1);
    assert.match(debug.join("\n"), /\n\s+at /);
  });

  it("unknown commands and options are bad input (2)", async () => {
    assert.equal((await runCli(["biuld"])).code, 2);
    assert.equal((await runCli(["build", "examples/starter", "--envv", "dev"])).code, 2);
    assert.equal((await runCli(["--help"])).code, 0);
  });

  it("a missing spec file is bad input with the path named", async () => {
    const run = await runCli(["validate", "no/such/berth.yaml"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /SPEC-FILE no\/such\/berth\.yaml: cannot read the spec: no such file/);
  });
});
