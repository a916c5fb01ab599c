import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cpuQuantity, dnsLabel, imageVersion, memoryQuantity, parseQuantity, pinnedImage } from "./formats.ts";

describe("formats", () => {
  it("parses Kubernetes quantities", () => {
    assert.equal(parseQuantity("512Mi"), 512 * 2 ** 20);
    assert.equal(parseQuantity("500m"), 0.5);
    assert.equal(parseQuantity("1.5"), 1.5);
    assert.equal(parseQuantity("2G"), 2e9);
    assert.equal(parseQuantity("1e3"), 1000);
    assert.equal(parseQuantity("10 Gi"), undefined);
    assert.equal(parseQuantity("1.5.0"), undefined);
  });

  it("explains memory unit mistakes", () => {
    assert.equal(memoryQuantity("512Mi"), undefined);
    assert.match(memoryQuantity("512MB")!.hint!, /512Mi/);
    assert.match(memoryQuantity("512m")!.message, /milli-bytes/);
    assert.match(memoryQuantity("100")!.message, /less than 1Mi/);
    assert.equal(cpuQuantity("250m"), undefined);
    assert.ok(cpuQuantity("0"));
  });

  it("accepts pinned images only", () => {
    assert.equal(pinnedImage("ghcr.io/acme/qna:1.4.2"), undefined);
    assert.equal(pinnedImage("localhost:5000/qna:1.0"), undefined);
    assert.equal(pinnedImage(`acme/qna@sha256:${"a".repeat(64)}`), undefined);
    assert.match(pinnedImage("localhost:5000/qna")!.message, /no tag/);
    assert.match(pinnedImage("qna:latest")!.message, /latest/);
    assert.match(pinnedImage("Acme/QNA:1")!.message, /not a valid image/);
    assert.equal(imageVersion(`acme/qna@sha256:${"b".repeat(64)}`), "bbbbbbbbbbbb");
  });

  it("applies RFC 1123 label rules", () => {
    assert.equal(dnsLabel("pg-1"), undefined);
    for (const bad of ["My_DB", "-pg", "pg-", "a".repeat(64)]) assert.ok(dnsLabel(bad), bad);
  });
});
