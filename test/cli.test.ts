import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { renderSpecReference } from "../src/spec/reference.ts";
import { runCli, tempDir } from "./support/cli.ts";

describe("berth schema", () => {
  it("prints the committed schema, and the generated docs are current (npm run docs:spec)", async () => {
    const run = await runCli(["schema"]);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, readFileSync("schema/berth.schema.json", "utf8"));
    assert.equal(renderSpecReference(), readFileSync("docs/spec-reference.md", "utf8"));
  });

  it("is a JSON Schema editors can use: every example passes, a broken spec does not", async () => {
    const schema = JSON.parse((await runCli(["schema"])).stdout);
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    for (const example of ["starter", "databricks-service", "mlops-qna"]) {
      const doc = parse(readFileSync(`examples/${example}/berth.yaml`, "utf8"));
      assert.equal(validate(doc), true, `${example}: ${JSON.stringify(validate.errors)}`);
    }
    const broken = parse(readFileSync("examples/starter/berth.yaml", "utf8"));
    broken.spec.apps.hello.replics = 2;
    broken.spec.environments.dev.apps.hello.replics = 2;
    assert.equal(validate(broken), false);
    assert.equal(validate.errors!.filter((e: { keyword: string }) => e.keyword === "additionalProperties").length, 2, "unknown fields in the base and in an overlay");
  });
});

describe("berth init", () => {
  it("writes the starter, refuses to overwrite, and can start from an example", async () => {
    const dir = tempDir();
    assert.equal((await runCli(["init", dir])).code, 0);
    assert.equal((await runCli(["validate", dir])).code, 0);
    const again = await runCli(["init", dir]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /--force/);
    assert.equal((await runCli(["init", dir, "--example", "mlops-qna", "--force"])).code, 0);
    assert.equal(readFileSync(join(dir, "berth.yaml"), "utf8"), readFileSync("examples/mlops-qna/berth.yaml", "utf8"));
    assert.equal(readFileSync(join(dir, ".gitignore"), "utf8").split("\n").filter((l) => l === ".berth/").length, 1, "the local journal is ignored, listed once");
    const own = tempDir();
    writeFileSync(join(own, ".gitignore"), "node_modules/");
    assert.equal((await runCli(["init", own])).code, 0);
    assert.equal(readFileSync(join(own, ".gitignore"), "utf8"), "node_modules/\n.berth/\n", "an existing .gitignore is kept and extended");
    // An example that uploads files brings them, and an own file of the same name is kept.
    const dbx = tempDir();
    mkdirSync(join(dbx, "notebooks"));
    writeFileSync(join(dbx, "notebooks", "01-ingest.py"), "# mine\n");
    assert.equal((await runCli(["init", dbx, "--example", "databricks-devops"])).code, 0);
    assert.equal(readFileSync(join(dbx, "init-scripts", "install-libraries.sh"), "utf8"), readFileSync("examples/databricks-devops/init-scripts/install-libraries.sh", "utf8"));
    assert.equal(readFileSync(join(dbx, "notebooks", "01-ingest.py"), "utf8"), "# mine\n", "never over a file already there");
    assert.equal((await runCli(["validate", dbx])).code, 0);
    const unknown = await runCli(["init", tempDir(), "--example", "mlops"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /did you mean "mlops-qna"/);
  });
});

describe("berth build and validate", () => {
  it("--json reports the objects and files written", async () => {
    const out = join(tempDir(), "out");
    const run = await runCli(["build", "examples/databricks-service", "--env", "qa", "--out", out, "--json"]);
    assert.equal(run.code, 0);
    const result = JSON.parse(run.stdout);
    assert.equal(result.ok, true);
    assert.equal(result.objects, 11);
    assert.ok(result.files.includes("manifests/40-workloads.yaml"));
    for (const f of result.files) assert.ok(existsSync(join(out, f)), f);
  });

  it("--set overrides one field after the environment", async () => {
    const out = join(tempDir(), "out");
    assert.equal((await runCli(["build", "examples/starter", "--env", "prod", "--set", "apps.hello.replicas=5", "--out", out])).code, 0);
    assert.match(readFileSync(join(out, "manifests/40-workloads.yaml"), "utf8"), /replicas: 5\n/);
  });

  it("a rebuild replaces the previous output whole, and a failed one leaves it untouched", async () => {
    const out = join(tempDir(), "out");
    assert.equal((await runCli(["build", "examples/mlops-qna", "--env", "prod", "--out", out])).code, 0);
    assert.ok(existsSync(join(out, "manifests/60-ingress.yaml")));
    assert.equal((await runCli(["build", "examples/databricks-service", "--env", "dev", "--out", out])).code, 0);
    assert.equal(existsSync(join(out, "manifests/60-ingress.yaml")), false, "no stale files from the previous build");
    const before = readFileSync(join(out, "manifests/40-workloads.yaml"), "utf8");
    assert.equal((await runCli(["build", "examples/databricks-service", "--env", "dev", "--set", "apps.databricks-service.image=x:latest", "--out", out])).code, 2);
    assert.equal(readFileSync(join(out, "manifests/40-workloads.yaml"), "utf8"), before);
  });

  it("validate without --env checks the base and every environment", async () => {
    const run = await runCli(["validate", "examples/mlops-qna"]);
    assert.equal(run.code, 0);
    assert.deepEqual(run.stdout.trim().split("\n"), ["(base): valid", "dev: valid", "qa: valid", "prod: valid"]);
    const spec = join(tempDir(), "berth.yaml");
    writeFileSync(spec, readFileSync("examples/starter/berth.yaml", "utf8").replace("replicas: 3", "replicas: three"));
    const bad = await runCli(["validate", spec]);
    assert.equal(bad.code, 2);
    assert.match(bad.stdout, /prod: invalid/);
    assert.match(bad.stderr, /berth\.yaml:\d+:\d+: error SPEC-TYPE spec\.apps\.hello\.replicas/);
  });

  it("the installed bin runs the README's first command", () => {
    const out = join(tempDir(), "out");
    const run = spawnSync(process.execPath, ["bin/berth.js", "build", "examples/mlops-qna", "--env", "dev", "--out", out], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /built mlops \(dev\): \d+ objects/);
    assert.equal(readFileSync(join(out, "manifests/40-workloads.yaml"), "utf8"), readFileSync("test/acceptance/examples/mlops-qna/dev/manifests/40-workloads.yaml", "utf8"));
    assert.match(execFileSync(process.execPath, ["bin/berth.js", "--help"], { encoding: "utf8" }), /Usage: berth/);
    const bad = spawnSync(process.execPath, ["bin/berth.js", "build", "test/acceptance/bad-input/B17-memory-megabytes", "--out", out], { encoding: "utf8" });
    assert.equal(bad.status, 2);
  });
});
