import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parsePrecise, parseYamlSource } from "./load-yaml.ts";

const specs = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? specs(p) : f === "berth.yaml" ? [p] : [];
  });

describe("reading specs", () => {
  const files = [...specs("examples"), ...specs("test")];

  it("reads every spec in the repository to the same data on the fast and the precise path", () => {
    assert.ok(files.length > 40);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      const fast = parseYamlSource(file, text);
      const precise = parsePrecise(file, text);
      assert.deepEqual(fast.doc?.data, precise.doc?.data, file);
      assert.deepEqual(fast.diagnostics, precise.diagnostics, file);
    }
  });

  it("gives the same positions on both paths", () => {
    const text = readFileSync("examples/mlops-qna/berth.yaml", "utf8");
    const fast = parseYamlSource("f", text).doc!;
    const precise = parsePrecise("f", text).doc!;
    for (const path of [["spec", "apps", "qna", "image"], ["spec", "apps", "qna", "ports", 0, "port"], ["spec", "environments", "prod"]])
      assert.deepEqual([fast.valueAt(path), fast.keyAt(path)], [precise.valueAt(path), precise.keyAt(path)]);
  });

  it("sends what js-yaml could read differently to the precise reader", () => {
    for (const text of ["a: &x 1\nb: *x\n", "n: 1_000\n", "n: 0o17\n", "n: 017\n", "n: 0x1F\n", "f: .inf\n", "<<: {a: 1}\n", "t: !!str 1\n", "__proto__: {}\n", "---\na: 1\n"]) {
      const fast = parseYamlSource("f", text);
      assert.deepEqual(fast.doc?.data, parsePrecise("f", text).doc?.data, text);
    }
    // Underscored and prefixed numbers are strings in YAML 1.2 core, as the precise reader says.
    assert.deepEqual(parseYamlSource("f", "n: 1_000\n").doc?.data, { n: "1_000" });
  });
});
