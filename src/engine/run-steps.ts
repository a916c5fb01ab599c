/**
 * The scheduler: starts every step whose needs are done, as many at once as allowed, journals each mutation right
 * after it, waits on each step's readiness — woken by the provider's change signal (watches) where it has one, and
 * by polling that backs off in proportion to the time already waited — and stops starting new steps at the first
 * failure. It never looks at what a step acts on: providers do.
 */
import { setMaxListeners } from "node:events";
import type { PlanStep } from "../plan/step.ts";
import { type OutputRef, type Outputs, outputRefsIn, substituteOutputs } from "../resources/outputs.ts";
import type { LiveState, Provider } from "../providers/provider.ts";
import { ProviderRequestFailed } from "../providers/provider.ts";
import { FAILURE_HINTS } from "../readiness/hints.ts";
import type { Verdict } from "../readiness/verdict.ts";
import { type Clock, systemClock } from "../util/clock.ts";
import type { EventSink, StepState } from "./events.ts";
import { type JournalWriter, JournalWriteError } from "./journal.ts";

export interface PollPolicy {
  readonly minMs: number;
  readonly maxMs: number;
  /** Next look after this fraction of the time waited so far. */
  readonly fraction: number;
}

export const DEFAULT_POLL: PollPolicy = { minMs: 50, maxMs: 2_000, fraction: 0.0625 };

export interface RunStepsOptions {
  readonly providers: Readonly<Record<string, Provider>>;
  readonly journal: JournalWriter;
  readonly run: string;
  readonly signal: AbortSignal;
  readonly onEvent: EventSink;
  readonly concurrency?: number;
  readonly poll?: PollPolicy;
  /** What each step looked like before the run (from planning), to save a read. */
  readonly inspected?: ReadonlyMap<string, LiveState>;
  /** Steps a previous, unfinished run completed with this digest: re-verified, not redone. */
  readonly doneBefore?: ReadonlyMap<string, string>;
  /** Deadlines, polling and elapsed times are read from it (tests run the engine on virtual time). */
  readonly clock?: Clock;
  /** Outputs known before the run, by step: from a resumed run's journal (inspection's come with `inspected`). */
  readonly outputs?: ReadonlyMap<string, Outputs>;
}

export interface RunStepsResult {
  readonly status: "ok" | "failed" | "interrupted";
  readonly states: ReadonlyMap<string, StepState>;
  /** Every output known at the end, by step. */
  readonly outputs: ReadonlyMap<string, Outputs>;
  /** Why the run stopped, when it did not finish. */
  readonly error?: string;
}

class StepFailed extends Error {
  constructor(readonly verdict: Verdict) {
    super(verdict.message);
  }
}

export async function runSteps(steps: readonly PlanStep[], options: RunStepsOptions): Promise<RunStepsResult> {
  const states = new Map<string, StepState>(steps.map((s) => [s.id, "waiting-on-needs"]));
  const byId = new Map(steps.map((s) => [s.id, s]));
  /** Steps with their output tokens replaced, as they were run: what the final verification checks. */
  const resolvedSteps = new Map<string, PlanStep>();
  const stop = new AbortController();
  setMaxListeners(0, stop.signal); // every waiting step listens to it
  const onOuterAbort = () => stop.abort(options.signal.reason);
  options.signal.addEventListener("abort", onOuterAbort, { once: true });
  const poll = options.poll ?? DEFAULT_POLL;
  const clock = options.clock ?? systemClock;
  const limit = options.concurrency ?? 16;
  const running = new Map<string, Promise<void>>();
  let stopReason: { status: "failed" | "interrupted"; error: string } | undefined;
  // What this machine's earlier run was told, then what is live now (fresher), then what this run is told.
  const outputs = new Map<string, Outputs>();
  const learn = (id: string, more: Outputs | undefined) => {
    if (more && Object.keys(more).length) outputs.set(id, { ...outputs.get(id), ...more });
  };
  for (const [id, known] of options.outputs ?? []) learn(id, known);
  for (const [id, live] of options.inspected ?? []) learn(id, live.outputs);

  const emit = (step: PlanStep, state: StepState, extra: { message?: string; elapsedMs?: number; reason?: string; hint?: string; lines?: readonly string[] } = {}) => {
    states.set(step.id, state);
    options.onEvent({ type: "step", id: step.id, title: step.title, state, ...extra });
  };
  const halt = (status: "failed" | "interrupted", error: string) => {
    stopReason ??= { status, error };
    stop.abort(new Error(error));
  };

  /** Until the provider tells of a change (a watch event) or the poll interval passes, whichever is first. */
  const nextLook = async (step: PlanStep, provider: Provider, ms: number): Promise<void> => {
    const local = new AbortController();
    const onStop = () => local.abort(stop.signal.reason);
    stop.signal.addEventListener("abort", onStop, { once: true });
    try {
      const changed = provider.changed?.(step, local.signal);
      const pause = clock.sleep(ms, local.signal);
      await (changed ? Promise.race([changed, pause]) : pause);
      if (stop.signal.aborted) throw stop.signal.reason;
    } finally {
      stop.signal.removeEventListener("abort", onStop);
      local.abort();
    }
  };
  const deadlineOf = (step: PlanStep, started: number) => started + step.timeoutMs;
  const waitUntilReady = async (step: PlanStep, provider: Provider, stage: "step" | "settled", started: number): Promise<Verdict> => {
    const deadline = deadlineOf(step, started);
    let verdict = await provider.check(step, stage);
    while (!verdict.done) {
      const now = clock.now();
      if (now >= deadline) throw new StepFailed({ ...verdict, done: true, ok: false, reason: "Timeout", message: `not ready after ${Math.round((now - started) / 1000)}s: ${verdict.message}` });
      if (states.get(step.id) !== "waiting") emit(step, "waiting", { message: verdict.message });
      await nextLook(step, provider, Math.min(poll.maxMs, Math.max(poll.minMs, (now - started) * poll.fraction), deadline - now));
      verdict = await provider.check(step, stage);
    }
    if (!verdict.ok) throw new StepFailed(verdict);
    return verdict;
  };

  const verifyAll = async (step: PlanStep, ids: readonly string[]): Promise<string> => {
    const started = clock.now();
    const targets = ids.map((id) => resolvedSteps.get(id) ?? byId.get(id)).filter((s): s is PlanStep => s !== undefined);
    await Promise.all(targets.map((t) => waitUntilReady({ ...t, timeoutMs: step.timeoutMs }, options.providers[t.provider]!, "settled", started)));
    return `${targets.length} objects ready`;
  };

  /**
   * The step as its provider sees it: every output token replaced by the value known now. The digest stays the one
   * over the tokens, so a value assigned remotely never makes a step look changed.
   */
  const resolved = (step: PlanStep): PlanStep => {
    if (!outputRefsIn(step.action).length) return step;
    const { value, missing } = substituteOutputs(step.action, (ref: OutputRef) => outputs.get(ref.resource)?.[ref.output]);
    if (missing.length)
      throw new StepFailed({ done: true, ok: false, reason: "OutputUnknown", message: `${step.title}: ${missing.map((m) => `output "${m.output}" of ${m.resource}`).join(", ")} ${missing.length === 1 ? "is" : "are"} not known` });
    return { ...step, action: value };
  };

  const execute = async (planned: PlanStep): Promise<void> => {
    const started = clock.now();
    if (planned.action.type === "verify") {
      emit(planned, "running");
      emit(planned, "done", { message: await verifyAll(planned, planned.action.steps), elapsedMs: clock.now() - started });
      return;
    }
    const provider = options.providers[planned.provider];
    if (!provider) throw new Error(`no provider "${planned.provider}" for step ${planned.id}`);
    emit(planned, "running");
    const step = resolved(planned);
    if (step !== planned) resolvedSteps.set(step.id, step);
    // An inspection made while outputs were unknown compared tokens, not values: look again.
    const live = (step === planned ? options.inspected?.get(step.id) : undefined) ?? (await provider.inspect(step));
    learn(step.id, live.outputs);
    // The journal says what this machine did; the live object says whether anyone changed it since (another machine's
    // run). Only an object still carrying this step's intent and ready counts as done.
    if (options.doneBefore?.get(step.id) === step.digest && !live.intentChanged) {
      const verdict = await provider.check(step, "step");
      if (verdict.done && verdict.ok) {
        emit(step, "verified", { message: `done in an earlier run; ${verdict.message}`, elapsedMs: clock.now() - started });
        return;
      }
    }
    if (live.ownership === "foreign") throw new StepFailed({ done: true, ok: false, reason: "NotOwned", message: `${step.title}: the object exists and is ${live.owner ?? "not berth's"}` });
    await options.journal.append({ run: options.run, event: "started", step: step.id, digest: step.digest });
    const progress = { note: (message: string) => options.onEvent({ type: "note", id: step.id, message }), deadline: deadlineOf(step, started), signal: stop.signal };
    const result = await provider.run(step, live, progress, stop.signal);
    learn(step.id, result.outputs);
    await options.journal.append({ run: options.run, event: "applied", step: step.id, digest: step.digest, message: result.did, ...(result.outputs && Object.keys(result.outputs).length ? { outputs: result.outputs } : {}) });
    const verdict = await waitUntilReady(step, provider, "step", started);
    await options.journal.append({ run: options.run, event: "done", step: step.id, digest: step.digest, message: verdict.message });
    emit(step, "done", { message: `${result.did}; ${verdict.message}`, elapsedMs: clock.now() - started });
  };

  const settle = async (step: PlanStep, work: Promise<void>): Promise<void> => {
    const started = clock.now();
    try {
      await work;
    } catch (error) {
      const elapsedMs = clock.now() - started;
      if (error instanceof StepFailed) {
        // The final verification is the engine's own step: no provider explains it.
        const provider = options.providers[step.provider];
        const lines = provider ? await provider.explain(step, error.verdict).catch(() => []) : [];
        await safeAppend(options.journal, { run: options.run, event: "failed", step: step.id, digest: step.digest, message: error.verdict.message });
        emit(step, "failed", { message: error.verdict.message, elapsedMs, ...(error.verdict.reason ? { reason: error.verdict.reason, hint: FAILURE_HINTS[error.verdict.reason] } : {}), lines });
        halt("failed", `${step.title} failed: ${error.verdict.message}`);
      } else if (error instanceof JournalWriteError) {
        emit(step, "unknown", { message: error.message, elapsedMs });
        halt("failed", `${error.message}; stopped before any further change`);
      } else if (stop.signal.aborted) {
        await safeAppend(options.journal, { run: options.run, event: "interrupted", step: step.id });
        emit(step, "interrupted", { elapsedMs });
      } else if (error instanceof ProviderRequestFailed && (error.outcomeUnknown || error.status === undefined)) {
        await safeAppend(options.journal, { run: options.run, event: "unknown", step: step.id, message: error.message });
        emit(step, "unknown", { message: error.message, elapsedMs });
        halt("interrupted", `${error.message}; the outcome of "${step.title}" is unknown — run berth up again to resume`);
      } else {
        const message = error instanceof Error ? error.message : String(error);
        await safeAppend(options.journal, { run: options.run, event: "failed", step: step.id, digest: step.digest, message });
        emit(step, "failed", { message, elapsedMs });
        halt("failed", `${step.title} failed: ${message}`);
      }
    } finally {
      running.delete(step.id);
    }
  };

  const finished = (id: string) => states.get(id) === "done" || states.get(id) === "verified";
  const order = longestChainFirst(steps);
  for (const provider of new Set(steps.map((s) => options.providers[s.provider]))) provider?.follow?.(steps.filter((s) => options.providers[s.provider] === provider));
  try {
    for (;;) {
      if (options.signal.aborted) halt("interrupted", "interrupted");
      if (!stop.signal.aborted)
        for (const step of order) {
          if (running.size >= limit) break;
          if (states.get(step.id) !== "waiting-on-needs" || running.has(step.id)) continue;
          if (!step.needs.every(finished)) continue;
          running.set(step.id, settle(step, execute(step)));
        }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
  } finally {
    options.signal.removeEventListener("abort", onOuterAbort);
    for (const provider of Object.values(options.providers)) provider.unfollow?.();
  }
  for (const step of steps) if (states.get(step.id) === "waiting-on-needs") emit(step, "skipped");
  if (stopReason) return { status: stopReason.status, states, outputs, error: stopReason.error };
  return { status: "ok", states, outputs };
}

/**
 * Steps in the order to start them when more are ready than may run: those with the longest chain of dependents
 * first, so the critical path never queues behind work nothing waits for.
 */
function longestChainFirst(steps: readonly PlanStep[]): PlanStep[] {
  const dependents = new Map<string, string[]>();
  for (const s of steps) for (const n of s.needs) dependents.set(n, [...(dependents.get(n) ?? []), s.id]);
  const height = new Map<string, number>();
  const heightOf = (id: string): number => {
    const known = height.get(id);
    if (known !== undefined) return known;
    const h = 1 + Math.max(0, ...(dependents.get(id) ?? []).map(heightOf));
    height.set(id, h);
    return h;
  };
  return steps.map((s, i) => ({ s, i, h: heightOf(s.id) })).sort((a, b) => b.h - a.h || a.i - b.i).map((x) => x.s);
}

/** Recording a failure must not hide it: a journal that cannot be written is reported by the next mutation's append. */
async function safeAppend(journal: JournalWriter, entry: Parameters<JournalWriter["append"]>[0]): Promise<void> {
  try {
    await journal.append(entry);
  } catch {
    // the run is already stopping
  }
}
