import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { includesAll, LabelIndex, SelectorIndex } from "./label-index.ts";

/** A small deterministic generator, so a failing case can be replayed. */
function random(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor(s / 65536) % n;
  };
}

const NAMESPACES = ["a", "b", undefined];
const pairs = (next: (n: number) => number, max: number): Record<string, string> => {
  const out: Record<string, string> = {};
  for (let i = next(max + 1); i > 0; i--) out[`k${next(4)}`] = `v${next(3)}`;
  return out;
};

describe("label selection", () => {
  it("a selector picks what a scan of every object picks, in the order added", () => {
    const next = random(7);
    const objects = Array.from({ length: 300 }, (_, i) => ({ id: i, ns: NAMESPACES[next(3)], labels: pairs(next, 4) }));
    const index = new LabelIndex<number>();
    for (const o of objects) index.add(o.ns, o.labels, o.id);
    for (let q = 0; q < 300; q++) {
      const ns = NAMESPACES[next(3)];
      const selector = pairs(next, 3);
      const scanned = Object.keys(selector).length === 0 ? [] : objects.filter((o) => o.ns === ns && includesAll(o.labels, selector)).map((o) => o.id);
      assert.deepEqual(index.select(ns, selector), scanned, JSON.stringify({ ns, selector }));
    }
  });

  it("the selectors that pick a set of labels are those a scan finds, an empty one picking every pod of its namespace", () => {
    const next = random(11);
    const selectors = Array.from({ length: 300 }, (_, i) => ({ item: i, ns: NAMESPACES[next(3)], selector: pairs(next, 3) }));
    const index = new SelectorIndex(selectors);
    for (let q = 0; q < 300; q++) {
      const ns = NAMESPACES[next(3)];
      const labels = pairs(next, 5);
      const scanned = selectors.filter((s) => s.ns === ns && includesAll(labels, s.selector)).map((s) => s.item);
      assert.deepEqual(index.selecting(ns, labels), scanned, JSON.stringify({ ns, labels }));
    }
  });

  it("keeps objects without a namespace apart from a namespace named like a key", () => {
    const index = new LabelIndex<string>();
    index.add(undefined, { app: "x" }, "cluster-wide");
    index.add("", { app: "x" }, "empty namespace");
    assert.deepEqual(index.select(undefined, { app: "x" }), ["cluster-wide"]);
    assert.deepEqual(index.select("", { app: "x" }), ["empty namespace"]);
  });
});
