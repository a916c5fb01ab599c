/** `berth lint` of a folder holding a Helm chart: berth's own build output, and anyone's chart. */
import assert from "node:assert/strict";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { build, writeBuild } from "../../src/index.ts";
import { runCli, tempDir } from "../support/cli.ts";

describe("lint of folders with charts", () => {
  const out = tempDir("berth-lintdir-");
  assert.ok(writeBuild(build({ path: "examples/starter", env: "dev" }), out));

  it("a build output is linted through its manifests: the chart's copies are not read twice, its templates not as YAML", async () => {
    const r = await runCli(["lint", out]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^0 finding\(s\)/m);
  });

  it("another chart met in a folder is skipped with a warning that says how to lint its render", async () => {
    const dir = tempDir("berth-lintchart-");
    cpSync(join(out, "chart"), join(dir, "mychart"), { recursive: true });
    // Beside YAML that is linted: a folder holding nothing but a chart checks nothing, which is LINT-EMPTY (exit 2).
    cpSync(join(out, "manifests"), join(dir, "yaml"), { recursive: true });
    const alone = await runCli(["lint", join(dir, "mychart")]);
    assert.equal(alone.code, 2, alone.stdout);
    assert.match(alone.stdout, /LINT-EMPTY/);
    const r = await runCli(["lint", dir]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /warning LINT-INPUT: a Helm chart's templates are not YAML until rendered; skipped/);
    assert.match(r.stdout, new RegExp(`helm template ${join(dir, "mychart").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} \\| berth lint -`));
    assert.doesNotMatch(r.stdout, /LINT-YAML|K8S-SCHEMA/);
  });
});
