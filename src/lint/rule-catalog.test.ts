import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RULES } from "./rule-catalog.ts";

describe("rule catalog", () => {
  it("gives every rule ID once, with a title, rationale and fix", () => {
    const ids = RULES.map((r) => r.id);
    assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), []);
    for (const r of RULES) assert.ok(r.title && r.rationale && r.fix, r.id);
  });
});
