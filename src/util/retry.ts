/**
 * Retrying a request: the server's Retry-After when it gives one, else exponential backoff with full jitter, for as
 * long as the deadline allows. Throttling (429) and transient failures (5xx, lost connections) are survived, not counted:
 * an API server under priority-and-fairness load answers 429 for seconds, so a fixed number of tries would fail
 * where waiting succeeds. client-go gives up after 10 Retry-After answers; berth waits until the step's deadline
 * instead, because the deadline is what the user chose (docs/design/0009-time-retries-watches.md). What is worth
 * retrying is the caller's call (classify), so every provider keeps its own error rules and shares the timing.
 */
import { type Clock, systemClock } from "./clock.ts";

export { sleep } from "./clock.ts";

export type RetryDecision =
  | { readonly retry: false }
  | { readonly retry: true; readonly afterMs?: number; readonly why: string };

export interface RetryPolicy {
  /** An upper bound on tries, for calls that must not linger (preflight); unbounded by default. */
  readonly tries: number;
  readonly baseMs: number;
  readonly capMs: number;
  /** No wait may end later than this many ms after the first try (unless the caller gives its own deadline). */
  readonly deadlineMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { tries: Number.POSITIVE_INFINITY, baseMs: 1_000, capMs: 10_000, deadlineMs: 300_000 };

export interface RetryWait {
  readonly attempt: number;
  readonly ms: number;
  readonly why: string;
}

export interface RetryHooks {
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Told before each wait, so the wait can be shown and logged. */
  readonly onWait?: (wait: RetryWait) => void;
  readonly signal?: AbortSignal;
  /** A time on the clock past which no wait may end: the step's own deadline, in place of the policy's. */
  readonly until?: number;
  /** Called before every try, outside the retry: a throw ends the retries (a mutation checks its lock is still held). */
  readonly beforeAttempt?: () => void;
}

export async function withRetry<T>(attempt: (n: number) => Promise<T>, classify: (error: unknown) => RetryDecision, policy: RetryPolicy = DEFAULT_RETRY, hooks: RetryHooks = {}): Promise<T> {
  const clock = hooks.clock ?? systemClock;
  const random = hooks.random ?? Math.random;
  const started = clock.now();
  const until = hooks.until ?? started + policy.deadlineMs;
  for (let n = 1; ; n++) {
    if (hooks.signal?.aborted) throw hooks.signal.reason;
    hooks.beforeAttempt?.();
    try {
      return await attempt(n);
    } catch (error) {
      const decision = classify(error);
      if (!decision.retry || n >= policy.tries) throw error;
      // The server's Retry-After is what it asks for (client-go waits exactly that); otherwise back off with jitter.
      const ms = decision.afterMs ?? Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(n - 1, 30)) * random();
      if (clock.now() + ms > until) throw error;
      hooks.onWait?.({ attempt: n, ms, why: decision.why });
      await clock.sleep(ms, hooks.signal);
    }
  }
}
