import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { contains, overlaps, parseIpv4, rangeOf } from "./cidr.ts";

describe("IPv4 ranges", () => {
  it("reads CIDRs as first and last address, ignoring host bits", () => {
    assert.deepEqual(rangeOf("10.0.0.0/16"), { first: parseIpv4("10.0.0.0"), last: parseIpv4("10.0.255.255") });
    assert.deepEqual(rangeOf("10.0.17.5/24"), rangeOf("10.0.17.0/24"));
    assert.deepEqual(rangeOf("0.0.0.0/0"), { first: 0, last: 2 ** 32 - 1 });
    for (const bad of ["10.0.0.0", "10.0.0.256/24", "10.0.0.0/33", "a.b.c.d/8"]) assert.equal(rangeOf(bad), undefined, bad);
  });

  it("tells overlap and containment apart, at the edges too", () => {
    const vnet = rangeOf("10.0.0.0/16")!;
    const aks = rangeOf("10.0.0.0/20")!;
    const pg = rangeOf("10.0.16.0/24")!;
    assert.equal(contains(vnet, aks), true);
    assert.equal(overlaps(aks, pg), false, "10.0.0.0/20 ends at 10.0.15.255");
    assert.equal(overlaps(rangeOf("10.0.0.0/19")!, pg), true);
    assert.equal(contains(vnet, rangeOf("10.1.0.0/24")!), false);
    assert.equal(overlaps(rangeOf("10.0.255.255/32")!, vnet), true);
    assert.equal(overlaps(rangeOf("10.1.0.0/32")!, vnet), false);
  });
});
