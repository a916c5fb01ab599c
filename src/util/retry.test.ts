import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_RETRY, type RetryDecision, withRetry } from "./retry.ts";

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
  const clock = { now: () => now, sleep: async (ms: number) => { waits.push(ms); now += ms; }, busy: <T>(p: Promise<T>) => p };
  return { waits, hooks: { clock, random: () => 1 } };
}

test("retry: Retry-After is waited exactly; other answers back off", async () => {
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

test("retry: a burst of throttling answers is waited out until the deadline, not counted", async () => {
  const clock = fakeClock();
  let calls = 0;
  const result = await withRetry(async () => { if (++calls <= 12) throw new Answer(calls % 2 ? 429 : 500, calls % 2 ? 1_000 : undefined); return "ok"; }, classify, undefined, clock.hooks);
  assert.equal(result, "ok");
  assert.equal(calls, 13, "12 answers waited out: no count of tries stops it");
  assert.deepEqual(clock.waits, [1_000, 2_000, 1_000, 8_000, 1_000, 10_000, 1_000, 10_000, 1_000, 10_000, 1_000, 10_000], "Retry-After as asked, backoff capped");
});

test("retry: the caller's deadline (until) ends the retries, and the last error surfaces", async () => {
  const clock = fakeClock();
  let calls = 0;
  await assert.rejects(withRetry(async () => { calls++; throw new Answer(503); }, classify, { ...DEFAULT_RETRY, deadlineMs: 1_000 }, { ...clock.hooks, until: 10_000 }), /503/);
  assert.deepEqual(clock.waits, [1_000, 2_000, 4_000], "1+2+4 s waited; the next (8 s) would pass the caller's deadline, which replaces the policy's");
  assert.equal(calls, 4);
});
