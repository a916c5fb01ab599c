/**
 * The bundle swaps @kubernetes-models/validate's RE2 for a stand-in that loads re2-wasm on first use
 * (scripts/bundle/lazy-re2.mjs). It must answer exactly as RE2 does, including the RE2-only syntax (inline flags) that
 * is the reason the generated validators use RE2 at all.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { RE2 } from "re2-wasm";
// @ts-expect-error: a plain .mjs module of the build scripts, without types
import LazyRE2 from "../scripts/bundle/lazy-re2.mjs";

const cases: [pattern: string, inputs: string[]][] = [
  ["^(?i)(abort|warn)?$", ["abort", "WARN", "Warn", "", "maybe", "abortx", "warn\n"]],
  ["^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", ["svc-1", "-bad", "Upper", "a", ""]],
];

test("the lazy RE2 stand-in answers test() exactly as RE2", () => {
  for (const [pattern, inputs] of cases) {
    const real = new RE2(pattern, "u");
    const lazy = new LazyRE2(pattern, "u");
    for (const input of inputs) assert.equal(lazy.test(input), real.test(input), `${pattern} on ${JSON.stringify(input)}`);
    assert.equal(lazy.source, real.source);
  }
  assert.equal(new LazyRE2("^(?i)(abort|warn)?$", "u").test("WARN"), true, "the inline flag of RE2 syntax is honoured");
});

test("the lazy RE2 stand-in reports a bad pattern when it is first used, as a validator would meet it", () => {
  const lazy = new LazyRE2("(unclosed", "u");
  assert.throws(() => lazy.test("x"));
});
