/**
 * Retrying a request: exponential backoff with full jitter, honouring the server's Retry-After, bounded by a number
 * of tries and a total deadline. What is worth retrying is the caller's call (classify), so every provider keeps
 * its own error rules and shares the timing.
 */
export type RetryDecision =
  | { readonly retry: false }
  | { readonly retry: true; readonly afterMs?: number; readonly why: string };

export interface RetryPolicy {
  readonly tries: number;
  readonly baseMs: number;
  readonly capMs: number;
  /** No wait may end later than this many ms after the first try. */
  readonly deadlineMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { tries: 5, baseMs: 1_000, capMs: 64_000, deadlineMs: 300_000 };

export interface RetryHooks {
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
  /** Told before each wait, so the wait can be shown and logged. */
  readonly onWait?: (wait: { readonly attempt: number; readonly ms: number; readonly why: string }) => void;
  readonly signal?: AbortSignal;
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

export async function withRetry<T>(attempt: (n: number) => Promise<T>, classify: (error: unknown) => RetryDecision, policy: RetryPolicy = DEFAULT_RETRY, hooks: RetryHooks = {}): Promise<T> {
  const now = hooks.now ?? Date.now;
  const random = hooks.random ?? Math.random;
  const wait = hooks.sleep ?? sleep;
  const started = now();
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const decision = classify(error);
      if (!decision.retry || n >= policy.tries) throw error;
      const backoff = Math.min(policy.capMs, policy.baseMs * 2 ** (n - 1)) * random();
      const ms = Math.max(decision.afterMs ?? 0, backoff);
      if (now() + ms - started > policy.deadlineMs) throw error;
      hooks.onWait?.({ attempt: n, ms, why: decision.why });
      await wait(ms, hooks.signal);
    }
  }
}
