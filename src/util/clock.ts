/**
 * Time as the engine, retries and readiness see it. Everything that waits or reads the time takes a Clock, so tests
 * can run on virtual time (test/support/clock.ts) and never wait on a wall-clock window for a simulated state.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Marks I/O in flight until `work` settles. A virtual clock moves only when nothing is in flight, so time cannot
   * pass "during" a request; the system clock ignores it.
   */
  busy<T>(work: Promise<T>): Promise<T>;
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

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep,
  busy: (work) => work,
};
