import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { build } from "../index.ts";
import { isPlainSafe, toYaml } from "./yaml.ts";

const roundTrip = (v: unknown) => assert.deepEqual(parse(toYaml(v), { version: "1.2" }), v, toYaml(v));

const TRICKY = [
  "", " ", " lead", "trail ", "yes", "No", "on", "OFF", "y", "null", "Null", "~", "true", "False", "1", "0.5", "-1", "+1", "1e3", "1_000",
  "0x1F", "0o17", "0b101", ".inf", "-.inf", ".nan", "1:30", "12:30:00", "2026-11-22", "*.azuredatabricks.net", "&anchor", "!tag", "%directive",
  "@at", "`tick", "|pipe", ">fold", "'single'", '"double"', "#hash", "a #b", "a: b", "ends:", "- dash", "-server", "?q", "[x]", "{x}", ",c",
  "<<", "tab\there", "line\nbreak", "line\n", "two\n\n", "\nleading newline", "  indented\nblock", "unicode é ✓ 日本", "\u2028sep", "cr\rhere",
  "{{ index .Values \"a\" | toJson }}", "$(BERTH_PASSWORD)", "postgresql://u:$(P)@h:5432/db?sslmode=require", "10Gi", "500m", "1.4.2", "v1.31",
  "app.kubernetes.io/name", "nginx.ingress.kubernetes.io/canary-weight", "set -e; mkdir -p /tmp/kafka; exec x", "\\backslash", "k=v, x=y",
];

describe("YAML emitter", () => {
  it("round-trips tricky strings as values, keys and list items", () => {
    for (const s of TRICKY) {
      roundTrip({ v: s });
      roundTrip({ [s === "" ? "empty" : s]: 1 });
      roundTrip({ list: [s, { k: s }] });
      roundTrip({ deep: { deeper: [{ text: s }] } });
    }
  });

  it("round-trips numbers, booleans, null, and empty collections", () => {
    roundTrip({ a: 0, b: -3, c: 1.5, d: true, e: false, f: null, g: [], h: {}, i: [[], {}], j: [[1, 2], [3]], k: [{ x: [] }] });
  });

  it("quotes exactly what could be misread", () => {
    for (const s of ["yes", "1.0", "*x", "-x", "a: b", "a #b", "", "010", "2026-01-01"]) assert.equal(isPlainSafe(s), false, s);
    for (const s of ["http", "1.4.2", "500m", "10Gi", "ghcr.io/acme/qna:1.4.2", "app.kubernetes.io/name", "/health", "a-b_c"]) assert.equal(isPlainSafe(s), true, s);
  });

  it("round-trips every object of every example", () => {
    for (const example of ["databricks-service", "mlops-qna", "datalyptica", "datasurface-airflow"]) {
      const r = build({ path: `examples/${example}`, env: "prod" });
      for (const res of r.resources!) roundTrip(res.object);
    }
  });
});
