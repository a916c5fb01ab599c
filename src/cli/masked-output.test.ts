import assert from "node:assert/strict";
import { test } from "node:test";
import { maskedSink, maskOfSets, shownChange } from "./masked-output.ts";
import type { EngineEvent } from "../engine/events.ts";

test("maskOfSets hides only credential-like --set values, as typed and as JSON escapes them", () => {
  const mask = maskOfSets(["apps.web.env[API_TOKEN_FILE]=a\"b\\c-1234", "apps.web.replicas=3333"]);
  assert.equal(mask('x a"b\\c-1234 y'), "x (masked) y");
  assert.equal(mask(JSON.stringify({ v: 'a"b\\c-1234' })), '{"v":"(masked)"}');
  assert.equal(mask("replicas 3333"), "replicas 3333", "a value at an ordinary path is shown");
});

test("shownChange masks by the env entry's name, on both sides, and inside whole env lists", () => {
  const desired = { spec: { template: { spec: { containers: [{ env: [{ name: "LOG_LEVEL", value: "debug" }, { name: "DB_PASSWORD", value: "new" }] }] } } } };
  const at = (i: number) => `.spec.template.spec.containers[0].env[${i}].value`;
  assert.deepEqual(shownChange({ field: at(1), from: "old", to: "new" }, desired), { field: at(1), from: "(masked)", to: "(masked)" });
  assert.deepEqual(shownChange({ field: at(0), from: "info", to: "debug" }, desired), { field: at(0), from: "info", to: "debug" });
  const list = shownChange({ field: ".spec.template.spec.containers[0].env", to: desired.spec.template.spec.containers[0]!.env }, desired);
  assert.deepEqual(list.to, [{ name: "LOG_LEVEL", value: "debug" }, { name: "DB_PASSWORD", value: "(masked)" }]);
  assert.deepEqual(shownChange({ field: ".spec.replicas", from: 1, to: 2 }, desired), { field: ".spec.replicas", from: 1, to: 2 });
});

test("maskedSink masks every string of an event and keeps the display's stop", () => {
  const seen: EngineEvent[] = [];
  let stopped = false;
  const sink = maskedSink(Object.assign((e: EngineEvent) => void seen.push(e), { stop: () => void (stopped = true) }), maskOfSets(["x.token=s3cr3t-v"]));
  sink({ type: "note", message: "failed with s3cr3t-v" } as EngineEvent);
  sink.stop();
  assert.deepEqual(seen, [{ type: "note", message: "failed with (masked)" }]);
  assert.ok(stopped);
});
