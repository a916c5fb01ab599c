import assert from "node:assert/strict";
import { it } from "node:test";
import { jsonErrorAt } from "./json-error-at.ts";

it("finds the first character that is not JSON, the end when the text stops early, nothing for valid JSON", () => {
  for (const valid of ['{"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"]}', " [ ] ", '"s"', "0"]) assert.equal(jsonErrorAt(valid), undefined, valid);
  assert.equal(jsonErrorAt('{"a": }'), 6);
  assert.equal(jsonErrorAt('{"a": 1,}'), 8);
  assert.equal(jsonErrorAt("[1 2]"), 3);
  assert.equal(jsonErrorAt('{"a": [1, 2'), 11);
  assert.equal(jsonErrorAt('{"a":1}}'), 7);
  assert.equal(jsonErrorAt("hello"), 0);
  assert.equal(jsonErrorAt('"\\x"'), 2);
});
