import assert from "node:assert/strict";
import { test } from "node:test";
import { type RetryDecision, withRetry } from "./retry.ts";

class Answer extends Error {
  constructor(readonly status: number, readonly retryAfterMs?: number) {
    super(`status ${status}`);
  }
}
const classify = (e: unknown): RetryDecision =>
  e instanceof Answer && (e.status === 429 || e.status >= 500) ? { retry: true, ...(e.retryAfterMs !== undefined ? { afterMs: e.retryAfterMs } : {}), why: e.message } : { retry: false };

function fakeClock() {
  let now = 0;
  const waits: number[] = [];
  return { waits, hooks: { now: () => now, random: () => 1, sleep: async (ms: number) => { waits.push(ms); now += ms; } } };
}

test("retry: Retry-After is honoured, longer than the backoff", async () => {
  const clock = fakeClock();
  const answers = [new Answer(429, 7_000), new Answer(503)];
  const result = await withRetry(async () => { const a = answers.shift(); if (a) throw a; return "ok"; }, classify, { tries: 5, baseMs: 1_000, capMs: 64_000, deadlineMs: 60_000 }, clock.hooks);
  assert.equal(result, "ok");
  assert.deepEqual(clock.waits, [7_000, 2_000]);
});

test("retry: exponential backoff is capped and the tries are bounded; the last error surfaces", async () => {
  const clock = fakeClock();
  let calls = 0;
  await assert.rejects(withRetry(async () => { calls++; throw new Answer(500); }, classify, { tries: 4, baseMs: 1_000, capMs: 3_000, deadlineMs: 600_000 }, clock.hooks), /status 500/);
  assert.equal(calls, 4);
  assert.deepEqual(clock.waits, [1_000, 2_000, 3_000]);
});

test("retry: a final answer is not retried, and no wait may pass the deadline", async () => {
  const clock = fakeClock();
  let calls = 0;
  await assert.rejects(withRetry(async () => { calls++; throw new Answer(403); }, classify, undefined, clock.hooks), /403/);
  assert.equal(calls, 1);
  const late = fakeClock();
  await assert.rejects(withRetry(async () => { throw new Answer(429, 90_000); }, classify, { tries: 5, baseMs: 1_000, capMs: 64_000, deadlineMs: 60_000 }, late.hooks), /429/);
  assert.deepEqual(late.waits, []);
});
