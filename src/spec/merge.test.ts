import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { mergeOverlay, parseSetPath, setAtPath } from "./merge.ts";

describe("environment overlays", () => {
  it("merge maps key by key, replace lists whole, and remove keys set to null", () => {
    const diagnostics: Diagnostic[] = [];
    const merged = mergeOverlay(
      { apps: { a: { replicas: 2, ports: [1, 2], canary: { weight: 5 }, env: { X: "1" } } } },
      { apps: { a: { replicas: 3, ports: [9], canary: null, env: { Y: "2" } } } },
      ["spec"],
      ["spec", "environments", "dev"],
      () => undefined,
      diagnostics,
    );
    assert.deepEqual(merged, { apps: { a: { replicas: 3, ports: [9], env: { X: "1", Y: "2" } } } });
    assert.deepEqual(diagnostics, []);
  });

  it("refuses to change a value's shape, naming both places", () => {
    const diagnostics: Diagnostic[] = [];
    mergeOverlay({ ports: [1] }, { ports: { a: 1 } }, ["spec"], ["spec", "environments", "qa"], (p) => ({ file: "f", line: p.length, col: 1 }), diagnostics);
    assert.equal(diagnostics[0]?.code, "SPEC-MERGE-CONFLICT");
    assert.match(diagnostics[0]!.message, /spec\.ports \(f:2:1\)/);
    assert.equal(diagnostics[0]!.path, "spec.environments.qa.ports");
  });
});

describe("--set", () => {
  it("parses paths relative to spec, with brackets for keys and indexes", () => {
    assert.deepEqual(parseSetPath("apps.qna.replicas"), ["spec", "apps", "qna", "replicas"]);
    assert.deepEqual(parseSetPath("metadata.name"), ["metadata", "name"]);
    assert.deepEqual(parseSetPath("apps.qna.ports[0].port"), ["spec", "apps", "qna", "ports", 0, "port"]);
    assert.deepEqual(parseSetPath('apps.qna.env["A.B"]'), ["spec", "apps", "qna", "env", "A.B"]);
    assert.equal(parseSetPath("apps..x"), undefined);
  });

  it("writes values and removes keys set to null", () => {
    const doc: Record<string, unknown> = { spec: { apps: { a: { canary: { weight: 1 } } } } };
    setAtPath(doc, ["spec", "apps", "a", "replicas"], 3);
    setAtPath(doc, ["spec", "apps", "a", "canary"], null);
    assert.deepEqual(doc, { spec: { apps: { a: { replicas: 3 } } } });
  });

  it("replaces a scalar with a mapping when a sub-key is set, so a named cloud can become custom endpoints", () => {
    const doc: Record<string, unknown> = { spec: { azure: { cloud: "AzureCloud", location: "westeurope" } } };
    assert.equal(setAtPath(doc, ["spec", "azure", "cloud", "resourceManager"], "https://arm.test/"), undefined);
    assert.equal(setAtPath(doc, ["spec", "azure", "cloud", "authorityHost"], "https://login.test/"), undefined);
    assert.deepEqual(doc, { spec: { azure: { cloud: { resourceManager: "https://arm.test/", authorityHost: "https://login.test/" }, location: "westeurope" } } });
    // An index under a scalar still cannot mean anything.
    assert.match(setAtPath({ spec: { ports: "x" } }, ["spec", "ports", 0], 1) ?? "", /is a string, not a mapping/);
  });
});
