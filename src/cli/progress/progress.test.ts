import assert from "node:assert/strict";
import { test } from "node:test";
import { jsonProgress } from "./json.ts";
import { plainProgress } from "./plain.ts";
import { ttyProgress } from "./tty.ts";

const failure = { type: "step", id: "d", title: "apply Deployment shop/web", state: "failed", message: "pod web-1: container app keeps exiting", elapsedMs: 1200, reason: "CrashLoopBackOff", hint: "read the log", lines: ["log of web-1/app (previous run):", "  | boom"] } as const;

test("progress on a terminal: steps in progress stay listed at the bottom with their time; finished ones scroll above", () => {
  let screen = "";
  const stream = { columns: 120, rows: 30, write: (t: string) => ((screen += t), true) } as unknown as NodeJS.WriteStream;
  const p = ttyProgress(stream);
  p({ type: "step", id: "a", title: "apply Namespace shop", state: "running" });
  p({ type: "step", id: "b", title: "apply StatefulSet shop/db", state: "waiting", message: "0/1 pods ready" });
  assert.match(screen, /▸ apply Namespace shop \d+\.\ds\n/);
  assert.match(screen, /◌ apply StatefulSet shop\/db — 0\/1 pods ready \d+\.\ds\n$/);
  p({ type: "step", id: "a", title: "apply Namespace shop", state: "done", message: "created; active", elapsedMs: 40 });
  assert.match(screen, /\x1b\[2F\x1b\[J✓ apply Namespace shop — created; active \(0\.0s\)\n  ◌ apply StatefulSet shop\/db/, "the live list is erased and redrawn below the finished line");
  p(failure);
  p.stop();
  assert.match(screen, /✗ apply Deployment shop\/web — pod web-1: container app keeps exiting \(1\.2s\)\n {4}reason: CrashLoopBackOff\n {4}log of web-1\/app \(previous run\):\n {6}\| boom\n {4}hint: read the log\n/);
});

test("progress without a terminal is plain lines; with --json one event per line", () => {
  const err: string[] = [];
  const out: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
  plainProgress(io)(failure);
  assert.deepEqual(err, ["✗ apply Deployment shop/web — pod web-1: container app keeps exiting (1.2s)", "    reason: CrashLoopBackOff", "    log of web-1/app (previous run):", "      | boom", "    hint: read the log"]);
  jsonProgress(io)(failure);
  assert.equal(JSON.parse(out[0]!).reason, "CrashLoopBackOff");
});
