/**
 * State changes due at a clock time (a cluster reaching RUNNING, a run moving on). Each change runs with the time it
 * was due, so a chain of changes lands at exact times however late it is settled. Settling is lazy (every request
 * and accessor settles first) and also timed, so a virtual clock has a timer to jump to when nobody polls.
 */
import type { Clock } from "../../../src/util/clock.ts";

interface Due {
  readonly at: number;
  readonly seq: number;
  readonly run: (at: number) => void;
  cancelled: boolean;
}

export class Timeline {
  #due: Due[] = [];
  #seq = 0;
  readonly #clock: Clock;
  readonly #stop: AbortSignal;

  constructor(clock: Clock, stop: AbortSignal) {
    this.#clock = clock;
    this.#stop = stop;
  }

  /** Runs `run(at)` once the clock reaches `at`; the returned function cancels it. */
  at(at: number, run: (at: number) => void): () => void {
    const d: Due = { at, seq: this.#seq++, run, cancelled: false };
    this.#due.push(d);
    this.#clock.sleep(Math.max(0, at - this.#clock.now()), this.#stop).then(
      () => this.settle(),
      () => undefined,
    );
    return () => (d.cancelled = true);
  }

  /** Applies every change due by now, earliest first (changes may schedule further ones). */
  settle(): void {
    const now = this.#clock.now();
    for (;;) {
      this.#due = this.#due.filter((d) => !d.cancelled);
      const next = this.#due.filter((d) => d.at <= now).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) return;
      next.cancelled = true;
      next.run(next.at);
    }
  }
}
