/**
 * The scheduler on a fake provider and virtual time: each fake object becomes ready (or fails) at a set virtual
 * time, so orders, limits and timeouts are exact and nothing waits on the wall clock.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { PlanStep } from "../plan/step.ts";
import type { LiveState, Provider } from "../providers/provider.ts";
import { failed, ready, type Verdict, waiting } from "../readiness/verdict.ts";
import { VirtualClock } from "../../test/support/clock.ts";
import type { EngineEvent } from "./events.ts";
import type { JournalEntry } from "./journal.ts";
import { runSteps, type RunStepsOptions } from "./run-steps.ts";

interface Behaviour {
  /** Virtual ms after its run until the check says ready. */
  readyAfter?: number;
  /** The check says this for good once ready time comes. */
  fails?: string;
  /** Never ready; the check keeps saying this. */
  stuck?: string;
  /** Ready before any run (left by an earlier one). */
  live?: boolean;
  /** The intent the live object carries when not this step's own (another machine applied another one since). */
  liveDigest?: string;
}

const step = (id: string, needs: string[] = [], timeoutMs = 60_000): PlanStep => ({
  id,
  title: `apply ${id}`,
  provider: "kubernetes",
  phase: "apps",
  group: "apps.x",
  needs,
  wave: 0,
  timeoutMs,
  action: { type: "apply", object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: id } } as never },
  digest: `digest-${id}`,
});

class FakeProvider implements Provider {
  readonly name = "kubernetes";
  readonly started: string[] = [];
  readonly checks = new Map<string, number>();
  running = 0;
  maxRunning = 0;
  readonly #ranAt = new Map<string, number>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly behaviour: Record<string, Behaviour> = {},
  ) {}

  async preflight() {
    return { endpoint: "fake", version: "v0" };
  }
  async inspect(s: PlanStep): Promise<LiveState> {
    const b = this.behaviour[s.id] ?? {};
    if (b.live) return { exists: true, ownership: "ours", changes: [], intentChanged: (b.liveDigest ?? s.digest) !== s.digest };
    return { exists: false, ownership: "absent", changes: [], intentChanged: true };
  }
  async run(s: PlanStep) {
    this.started.push(s.id);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    this.#ranAt.set(s.id, this.clock.now());
    return { did: "created", mutated: true };
  }
  async check(s: PlanStep): Promise<Verdict> {
    this.checks.set(s.id, (this.checks.get(s.id) ?? 0) + 1);
    const b = this.behaviour[s.id] ?? {};
    const at = this.#ranAt.get(s.id);
    const verdict = b.live && at === undefined ? ready("was there") : b.stuck ? waiting(b.stuck) : at !== undefined && this.clock.now() >= at + (b.readyAfter ?? 0) ? (b.fails ? failed("Broken", b.fails) : ready("ready")) : waiting(`${s.id} not yet`);
    if (verdict.done && at !== undefined) this.running--;
    return verdict;
  }
  async explain() {
    return ["evidence line"];
  }
  async owned() {
    return [];
  }
}

async function run(steps: PlanStep[], behaviour: Record<string, Behaviour> = {}, more: Partial<RunStepsOptions> = {}) {
  const clock = new VirtualClock();
  const provider = new FakeProvider(clock, behaviour);
  const journal: Omit<JournalEntry, "at">[] = [];
  const events: EngineEvent[] = [];
  const started = clock.now();
  const result = await runSteps(steps, {
    providers: { kubernetes: provider },
    journal: { append: (e) => void journal.push(e) },
    run: "r1",
    signal: new AbortController().signal,
    onEvent: (e) => events.push(e),
    clock,
    ...more,
  });
  return { result, provider, journal, events, clock, elapsed: clock.now() - started };
}

const stepEvents = (events: EngineEvent[]) => events.filter((e): e is Extract<EngineEvent, { type: "step" }> => e.type === "step");
const doneAt = (events: EngineEvent[], id: string) => stepEvents(events).findIndex((e) => e.id === id && e.state === "done");
const startAt = (events: EngineEvent[], id: string) => stepEvents(events).findIndex((e) => e.id === id && e.state === "running");

test("run-steps: a step starts only after all its needs are done; independent steps overlap", async () => {
  const r = await run([step("a"), step("b"), step("c", ["a", "b"]), step("d", ["c"])], { a: { readyAfter: 1_000 }, b: { readyAfter: 3_000 }, c: { readyAfter: 500 }, d: {} });
  assert.equal(r.result.status, "ok");
  assert.ok(startAt(r.events, "c") > doneAt(r.events, "a") && startAt(r.events, "c") > doneAt(r.events, "b"));
  assert.ok(startAt(r.events, "d") > doneAt(r.events, "c"));
  assert.equal(r.provider.maxRunning, 2, "a and b ran at once");
  // b (3 s) then c (0.5 s) then d: the polls back off by a fraction of the wait, so the makespan is close to 3.5 s.
  assert.ok(r.elapsed >= 3_500 && r.elapsed < 3_500 * 1.1, `makespan ${r.elapsed} ms`);
});

test("run-steps: never more steps running than the concurrency limit", async () => {
  const steps = Array.from({ length: 10 }, (_, i) => step(`s${i}`));
  const r = await run(steps, Object.fromEntries(steps.map((s, i) => [s.id, { readyAfter: 100 * (i + 1) }])), { concurrency: 3 });
  assert.equal(r.result.status, "ok");
  assert.equal(r.provider.maxRunning, 3);
  assert.equal(r.provider.started.length, 10);
});

test("run-steps: with one slot, the step with the longest chain of dependents starts first", async () => {
  // "leaf" is listed first but nothing waits for it; "head" has a chain of two behind it.
  const r = await run([step("leaf"), step("head"), step("mid", ["head"]), step("tail", ["mid"])], {}, { concurrency: 1 });
  assert.equal(r.result.status, "ok");
  assert.deepEqual(r.provider.started, ["head", "mid", "leaf", "tail"], "mid before leaf; leaf and tail tie, so plan order");
});

test("run-steps: the first failure stops new starts, running steps finish, the rest is skipped; the failure carries reason, hint and evidence", async () => {
  const r = await run([step("bad"), step("slow"), step("after", ["bad"]), step("later", ["slow"])], { bad: { readyAfter: 100, fails: "it broke" }, slow: { readyAfter: 1_000 } });
  assert.equal(r.result.status, "failed");
  assert.match(r.result.error ?? "", /apply bad failed: it broke/);
  const failure = stepEvents(r.events).find((e) => e.state === "failed")!;
  assert.deepEqual([failure.id, failure.reason, failure.lines], ["bad", "Broken", ["evidence line"]]);
  assert.equal(r.result.states.get("after"), "skipped");
  assert.equal(r.result.states.get("later"), "skipped", "not started although its need finished later");
  assert.ok(!r.provider.started.includes("later"));
});

test("run-steps: an interrupt stops the waits at once, journals the running steps as interrupted and starts nothing more", async () => {
  const abort = new AbortController();
  const clock = new VirtualClock();
  const provider = new FakeProvider(clock, { a: { stuck: "waiting forever" } });
  const journal: Omit<JournalEntry, "at">[] = [];
  const running = runSteps([step("a"), step("b", ["a"])], { providers: { kubernetes: provider }, journal: { append: (e) => void journal.push(e) }, run: "r1", signal: abort.signal, onEvent: () => {}, clock });
  await clock.sleep(5_000);
  abort.abort(new Error("SIGINT"));
  const result = await running;
  assert.equal(result.status, "interrupted");
  assert.deepEqual(journal.filter((e) => e.step === "a").map((e) => e.event), ["started", "applied", "interrupted"]);
  assert.equal(result.states.get("b"), "skipped");
});

test("run-steps: steps done in an earlier run with the same digest are re-verified, not redone; a changed digest is redone", async () => {
  const steps = [step("a"), step("b", ["a"]), step("c", ["b"])];
  const r = await run(steps, { a: { live: true }, b: { live: true } }, { doneBefore: new Map([["a", "digest-a"], ["b", "an older intent"]]) });
  assert.equal(r.result.status, "ok");
  assert.deepEqual(r.provider.started, ["b", "c"]);
  assert.equal(r.result.states.get("a"), "verified");
});

test("run-steps: a step the journal calls done is redone when the live object carries another intent (another machine changed it since)", async () => {
  const steps = [step("a"), step("b", ["a"])];
  const r = await run(steps, { a: { live: true, liveDigest: "digest-from-elsewhere" }, b: { live: true } }, { doneBefore: new Map([["a", "digest-a"], ["b", "digest-b"]]) });
  assert.equal(r.result.status, "ok");
  assert.deepEqual(r.provider.started, ["a"], "a is applied again; b still carries its intent and is only re-verified");
  assert.equal(r.result.states.get("b"), "verified");
});

test("run-steps: one journal entry per mutation, in order: started before the change, applied after it, then done", async () => {
  const r = await run([step("a"), step("b", ["a"])], { a: { readyAfter: 200 } });
  assert.deepEqual(r.journal.map((e) => `${e.step}:${e.event}`), ["a:started", "a:applied", "a:done", "b:started", "b:applied", "b:done"]);
  assert.ok(r.journal.every((e) => e.run === "r1" && e.digest === `digest-${e.step}`));
});

test("run-steps: a step that never gets ready fails at its deadline with the last verdict, not a bare 'timed out'", async () => {
  const r = await run([step("db", [], 120_000)], { db: { stuck: "0/1 pods ready: Readiness probe failed" } });
  assert.equal(r.result.status, "failed");
  const failure = stepEvents(r.events).find((e) => e.state === "failed")!;
  assert.equal(failure.reason, "Timeout");
  assert.equal(failure.message, "not ready after 120s: 0/1 pods ready: Readiness probe failed");
  assert.ok(r.elapsed >= 120_000 && r.elapsed < 121_000, `${r.elapsed} ms`);
  // Polls back off with the time waited (1/16 of it, at least 50 ms, at most 2 s): ~120 looks in two minutes, not thousands.
  const looks = r.provider.checks.get("db")!;
  assert.ok(looks > 100 && looks < 140, `${looks} checks`);
});

test("run-steps: a provider's change signal wakes a waiting step before its next poll; follow and unfollow frame the run", async () => {
  const clock = new VirtualClock();
  const calls: string[] = [];
  class Watching extends FakeProvider {
    follow(steps: readonly PlanStep[]) {
      calls.push(`follow ${steps.length}`);
    }
    unfollow() {
      calls.push("unfollow");
    }
    // The change arrives 300 ms after the run, when the fake object becomes ready.
    changed(_s: PlanStep, signal: AbortSignal) {
      return clock.sleep(Math.max(0, 300 - (clock.now() - t0)), signal).catch(() => undefined);
    }
  }
  const provider = new Watching(clock, { a: { readyAfter: 300 } });
  const t0 = clock.now();
  const result = await runSteps([step("a")], {
    providers: { kubernetes: provider },
    journal: { append: () => {} },
    run: "r1",
    signal: new AbortController().signal,
    onEvent: () => {},
    clock,
    poll: { minMs: 10_000, maxMs: 10_000, fraction: 0 },
  });
  assert.equal(result.status, "ok");
  assert.equal(clock.now() - t0, 300, "done when the change came, not at the 10 s poll");
  assert.equal(provider.checks.get("a"), 2, "one look after the run, one after the change");
  assert.deepEqual(calls, ["follow 1", "unfollow"]);
});
