/** berth lint on berth specs and on any Kubernetes YAML: rules, levels, groups, suppressions, formats, exit codes. */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runLint } from "../../src/cli/commands/lint.ts";
import type { CliIO } from "../../src/cli/io.ts";
import { build, writeBuild } from "../../src/index.ts";
import { tempDir } from "../support/cli.ts";
import { assertGolden } from "../support/golden.ts";
import { helm } from "../support/helm.ts";

const SEED = "test/fixtures/lint/seed-004";

function lintCli(paths: string[], flags: Parameters<typeof runLint>[1] = {}, stdin = "") {
  let out = "";
  const io: CliIO = { out: (t) => void (out += `${t}\n`), err: (t) => void (out += `${t}\n`) };
  const code = runLint(paths, flags, io, () => stdin);
  return { code, out };
}

const POD = (extra: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: n
${extra}spec:
  serviceAccountName: default
  automountServiceAccountToken: false
  containers:
    - name: c
      image: busybox:1.36
      securityContext: { privileged: true }
      resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { cpu: 10m, memory: 16Mi } }
`;

describe("berth lint", () => {
  it("finds seed 004's Pod Security violations and dangling references, grouped by object with file:line", () => {
    const run = lintCli([SEED]);
    assert.equal(run.code, 2);
    assertGolden("test/fixtures/lint/seed-004.expected.txt", run.out);
    assert.equal((lintCli([SEED], { only: "pss" }).out.match(/^\s+error PSS-/gm) ?? []).length, 8);
    assert.ok((lintCli([SEED], { only: "reference" }).out.match(/^\s+error REF-/gm) ?? []).length >= 11);
  });

  for (const example of ["databricks-service", "mlops-qna", "datalyptica", "datasurface-airflow"])
    for (const env of ["dev", "qa", "prod"])
      it(`${example} --env ${env} lints clean at the restricted level`, () => {
        const run = lintCli([`examples/${example}`], { env, level: "restricted" });
        assert.equal(run.code, 0, run.out);
        assert.match(run.out, /^0 finding\(s\)/m);
      });

  it("lints a helm render from stdin, and --only pss exits 0 when the pods are clean", () => {
    const out = join(tempDir(), "out");
    assert.ok(writeBuild(build({ path: "examples/datalyptica", env: "dev" }), out));
    const render = helm(["template", "datalyptica", join(out, "chart")]).stdout;
    const pss = lintCli(["-"], { only: "pss" }, render);
    assert.equal(pss.code, 0, pss.out);
    assert.match(pss.out, /^0 finding\(s\)/m);
  });

  it("holds pods to the chosen level: baseline forbids privileged, only restricted asks for runAsNonRoot", () => {
    const restricted = lintCli(["-"], { only: "pss" }, POD(""));
    const baseline = lintCli(["-"], { only: "pss", level: "baseline" }, POD(""));
    assert.match(restricted.out, /PSS-PRIVILEGED/);
    assert.match(restricted.out, /PSS-RUNASNONROOT/);
    assert.match(baseline.out, /PSS-PRIVILEGED/);
    assert.doesNotMatch(baseline.out, /PSS-RUNASNONROOT|PSS-ALLOWPRIVILEGEESCALATION/);
    assert.equal(baseline.code, 2);
  });

  it("honours suppressions with a reason, and reports one without", () => {
    const reasoned = lintCli(["-"], { only: "pss", level: "baseline" }, POD('  annotations:\n    berth.dev/ignore: "PSS-PRIVILEGED — a node agent that must be privileged"\n'));
    assert.equal(reasoned.code, 0, reasoned.out);
    const bare = lintCli(["-"], { only: "pss", level: "baseline" }, POD("  annotations:\n    berth.dev/ignore: PSS-PRIVILEGED\n"));
    assert.equal(bare.code, 2);
    assert.match(bare.out, /LINT-SUPPRESSION-REASON .*PSS-PRIVILEGED is suppressed without a reason/);
    assert.doesNotMatch(bare.out, /error PSS-PRIVILEGED/);
  });

  it("writes SARIF 2.1.0 that validates against the official schema", () => {
    const run = lintCli([SEED], { format: "sarif" });
    assert.equal(run.code, 2);
    const sarif = JSON.parse(run.out);
    const r = createRequire(createRequire(import.meta.url).resolve("@microsoft/jest-sarif/package.json"));
    const Ajv = r("ajv");
    const ajv = new Ajv({ schemaId: "id", allErrors: true });
    ajv.addMetaSchema(r("ajv/lib/refs/json-schema-draft-04.json"));
    const validate = ajv.compile(JSON.parse(readFileSync(r.resolve("./lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8")));
    assert.equal(validate(sarif), true, JSON.stringify(validate.errors, null, 1));
    const results = sarif.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[];
    assert.equal(results.length, 34);
    const ruleIds = new Set((sarif.runs[0].tool.driver.rules as { id: string }[]).map((x) => x.id));
    for (const res of results) {
      assert.ok(ruleIds.has(res.ruleId), res.ruleId);
      assert.match(res.locations[0]!.physicalLocation.artifactLocation.uri, /^test\/fixtures\/lint\/seed-004\/.+\.yaml$/);
      assert.ok(res.locations[0]!.physicalLocation.region.startLine >= 1);
    }
  });

  it("reports JSON, and YAML errors with their line", () => {
    const json = JSON.parse(lintCli([SEED], { format: "json" }).out);
    assert.equal(json.findings.length, 34);
    assert.ok(json.findings.every((f: { code: string; location: string }) => f.code && /:\d+:1$/.test(f.location)));
    const broken = lintCli(["-"], {}, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\nkey: [unclosed\n");
    assert.equal(broken.code, 2);
    assert.match(broken.out, /^\(stdin\):7 {2}\(stdin\)\n {2}error LINT-YAML: not valid YAML: unexpected end of the stream/m);
  });

  it("the installed CLI lints a folder and exits 2 on findings", () => {
    let status = 0;
    try {
      execFileSync(process.execPath, ["bin/berth.js", "lint", SEED, "--only", "pss"], { encoding: "utf8" });
    } catch (err) {
      status = (err as { status: number }).status;
    }
    assert.equal(status, 2);
    assert.match(execFileSync(process.execPath, ["bin/berth.js", "lint", "examples/mlops-qna", "--env", "prod"], { encoding: "utf8" }), /0 finding\(s\)/);
  });
});
