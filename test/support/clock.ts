/**
 * Virtual time for tests. Time moves only when the process is idle — no request in flight (Clock.busy) and a few
 * event-loop turns without activity — and then jumps straight to the next timer, so a simulated state arrives after
 * the same virtual delay however loaded the machine is, and a five-minute timeout takes no real time at all.
 * With no timer pending (an outside process such as kubectl is watching the test API server), time creeps on in
 * small ticks so simulated controllers still make progress.
 */
import type { LockClock } from "../../src/engine/lock.ts";
import { type Clock, systemClock } from "../../src/util/clock.ts";

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
}

export interface VirtualClockOptions {
  /** Virtual start time (ms since the epoch; default now, so timestamps look ordinary). */
  readonly start?: number;
  /** Move by itself when idle (default), or only through advance(). */
  readonly auto?: boolean;
  /** How far time creeps per idle tick when no timer is pending. */
  readonly idleTickMs?: number;
}

const IDLE_TURNS = 4;
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];
  #busy = 0;
  #activity = 0;
  #running = false;
  #stopped = false;
  readonly #listeners = new Set<(now: number) => void>();
  #auto: boolean;
  readonly #idleTickMs: number;

  constructor(options: VirtualClockOptions = {}) {
    this.#now = options.start ?? Date.now();
    this.#auto = options.auto ?? true;
    this.#idleTickMs = options.idleTickMs ?? 5;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = {
        at: this.#now + Math.max(0, ms),
        seq: this.#seq++,
        fire: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#timers.push(timer);
      this.#activity++;
      this.#kick();
    });
  }

  busy<T>(work: Promise<T>): Promise<T> {
    this.#busy++;
    this.#activity++;
    const done = () => {
      this.#busy--;
      this.#activity++;
      this.#kick();
    };
    work.then(done, done);
    return work;
  }

  /** Called with the new time whenever time moves (the simulated controllers tick on it). */
  onAdvance(listener: (now: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Moves time by `ms` at once, firing the timers due in order. */
  advance(ms: number): void {
    this.#moveTo(this.#now + ms);
  }

  /** Timers waiting (for tests of the clock's users). */
  get pending(): number {
    return this.#timers.length;
  }

  stop(): void {
    this.#stopped = true;
  }

  /** From now on, move by itself when idle (a clock made with auto: false, once the test has seen what it waited for). */
  run(): void {
    this.#auto = true;
    this.#kick();
  }

  #moveTo(t: number): void {
    this.#now = Math.max(this.#now, t);
    for (const l of this.#listeners) l(this.#now);
    const due = this.#timers.filter((x) => x.at <= this.#now).sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.#timers = this.#timers.filter((x) => x.at > this.#now);
    for (const x of due) x.fire();
  }

  #kick(): void {
    if (!this.#auto || this.#running || this.#stopped) return;
    this.#running = true;
    void this.#loop();
  }

  async #loop(): Promise<void> {
    try {
      while (!this.#stopped) {
        // Idle: nothing in flight and nothing happening for a few turns of the event loop.
        let quiet = 0;
        while (quiet < IDLE_TURNS) {
          const seen = this.#activity;
          await turn();
          if (this.#stopped) return;
          quiet = this.#busy === 0 && seen === this.#activity ? quiet + 1 : 0;
        }
        if (this.#timers.length) {
          this.#moveTo(Math.min(...this.#timers.map((x) => x.at)));
          continue;
        }
        if (!this.#listeners.size) return;
        await new Promise((r) => setTimeout(r, 1).unref());
        if (this.#busy === 0 && !this.#timers.length) this.#moveTo(this.#now + this.#idleTickMs);
      }
    } finally {
      this.#running = false;
    }
  }
}

/** A lease clock the test steps: renewal timers (`every`) fire only when it is advanced. */
export function steppedLockClock(start: number = Date.now()) {
  let now = start;
  const timers: { ms: number; next: number; fn: () => void; on: boolean }[] = [];
  const clock: LockClock = {
    now: () => now,
    every: (ms, fn) => {
      const t = { ms, next: now + ms, fn, on: true };
      timers.push(t);
      return () => (t.on = false);
    },
  };
  return {
    clock,
    advance(ms: number) {
      now += ms;
      for (const t of timers) while (t.on && t.next <= now) (t.fn(), (t.next += t.ms));
    },
  };
}

/**
 * A test server's clock from its scenario: the scenario's own, else the system clock when it runs in real time,
 * else a VirtualClock of its own (`own`), which the server stops when it closes.
 */
export function serverClock(scenario: { readonly clock?: Clock; readonly realTime?: boolean }): { readonly realTime: boolean; readonly clock: Clock; readonly own: VirtualClock | undefined } {
  const realTime = scenario.realTime ?? false;
  const clock = scenario.clock ?? (realTime ? systemClock : new VirtualClock());
  return { realTime, clock, own: scenario.clock === undefined && clock instanceof VirtualClock ? clock : undefined };
}
