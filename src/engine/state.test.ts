import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { FileJournal, JournalWriteError, readJournal, unfinishedRun } from "./journal.ts";
import { gunzipSync } from "node:zlib";
import { acquireLease, expiresAtMs, forceUnlock, type LeaseRecord, type LeaseStore, LockHeld, LockLost, newHolder } from "./lock.ts";
import { beyondRetention, decodeRevision, encodeRevision, MASK, maskSets, newRevision } from "./revisions.ts";
import type { Plan } from "../plan/step.ts";
import { steppedLockClock } from "../../test/support/clock.ts";

const temp = () => mkdtempSync(join(tmpdir(), "berth-state-"));

test("journal: an unfinished run says what it finished and what was in flight; a torn last line is ignored", () => {
  const path = join(temp(), "journal.jsonl");
  const j = new FileJournal(path);
  j.append({ run: "r1", event: "run-started", revision: 1 });
  j.append({ run: "r1", event: "started", step: "a", digest: "d1" });
  j.append({ run: "r1", event: "applied", step: "a", digest: "d1" });
  j.append({ run: "r1", event: "done", step: "a", digest: "d1" });
  j.append({ run: "r1", event: "started", step: "b", digest: "d2" });
  appendFileSync(path, '{"at":"2026-11-22T00:00:00Z","run":"r1","ev');
  const u = unfinishedRun(readJournal(path));
  assert.deepEqual({ run: u?.run, done: [...(u?.done ?? [])], inFlight: u?.inFlight }, { run: "r1", done: [["a", "d1"]], inFlight: ["b"] });
  const ok = join(temp(), "journal.jsonl");
  const k = new FileJournal(ok);
  k.append({ run: "r2", event: "run-started" });
  k.append({ run: "r2", event: "run-finished", status: "ok" });
  assert.equal(unfinishedRun(readJournal(ok)), undefined);
});

test("journal: a write that fails (disk full) is an error the engine stops on", () => {
  const j = new FileJournal(join(temp(), "journal.jsonl"), () => {
    throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
  });
  assert.throws(() => j.append({ run: "r", event: "started", step: "a" }), (e) => e instanceof JournalWriteError && /ENOSPC/.test(e.message));
});

/** A Lease as the API server keeps it: every write conditional on the resourceVersion, each request a separate turn. */
function memoryLeaseStore() {
  let stored: { lease: LeaseRecord; resourceVersion: string } | undefined;
  let rv = 0;
  const turn = () => new Promise((r) => setImmediate(r));
  const writes: string[] = [];
  const store: LeaseStore = {
    where: "Lease test/berth.x.dev",
    read: async () => {
      await turn();
      return stored && structuredClone(stored);
    },
    create: async (lease) => {
      await turn();
      if (stored) return "conflict";
      stored = { lease, resourceVersion: String(++rv) };
      writes.push(`create ${lease.holder?.id}`);
      return { resourceVersion: stored.resourceVersion };
    },
    replace: async (lease, version) => {
      await turn();
      if (!stored) return "gone";
      if (stored.resourceVersion !== version) return "conflict";
      stored = { lease, resourceVersion: String(++rv) };
      writes.push(`replace ${lease.holder?.id}`);
      return { resourceVersion: stored.resourceVersion };
    },
    remove: async (version) => {
      await turn();
      if (!stored || (version && stored.resourceVersion !== version)) return false;
      stored = undefined;
      return true;
    },
  };
  return { store, writes, current: () => stored };
}


test("lock: of two runs racing for a free lease exactly one wins; the loser is refused naming the winner", async () => {
  for (let round = 0; round < 20; round++) {
    const { store } = memoryLeaseStore();
    const { clock } = steppedLockClock(Date.parse("2026-11-28T12:00:00Z"));
    const a = newHolder("berth up a --env dev", clock);
    const b = newHolder("berth up b --env dev", clock);
    const results = await Promise.allSettled([acquireLease(store, a, { clock }), acquireLease(store, b, { clock })]);
    const won = results.filter((r) => r.status === "fulfilled");
    assert.equal(won.length, 1, `round ${round}: exactly one holder`);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    const winner = (won[0] as PromiseFulfilledResult<{ holder: { command: string; id: string } }>).value.holder;
    assert.ok(lost.reason instanceof LockHeld);
    assert.match(lost.reason.message, new RegExp(`holds the lock: ${winner.command} \\(pid ${process.pid} on .*lock ${winner.id}; Lease test/berth.x.dev until`));
  }
});

test("lock: a lease is refused until it expires, then taken over once; racing takeovers of an expired lease have one winner", async () => {
  const { store, writes } = memoryLeaseStore();
  const t = steppedLockClock(Date.parse("2026-11-28T12:00:00Z"));
  // A SIGKILLed holder: its clock (and so its renewal timer) never moves again, nor does it release.
  const frozen = steppedLockClock(Date.parse("2026-11-28T12:00:00Z")).clock;
  await acquireLease(store, newHolder("berth up killed", frozen), { clock: frozen, durationSeconds: 30 });
  t.advance(29_000);
  await assert.rejects(acquireLease(store, newHolder("too early", t.clock), { clock: t.clock }), LockHeld);
  t.advance(2_000);
  const racers = [newHolder("r1", t.clock), newHolder("r2", t.clock), newHolder("r3", t.clock)];
  const results = await Promise.allSettled(racers.map((h) => acquireLease(store, h, { clock: t.clock })));
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  assert.equal(writes.filter((w) => w.startsWith("replace")).length, 1, "one takeover write succeeded");
});

test("lock: a cluster Lease whose holder's process is gone on this host is still refused until it expires (another machine may share the host name), and says the holder is gone", async () => {
  const { store } = memoryLeaseStore();
  const t = steppedLockClock(Date.parse("2026-11-28T12:00:00Z"));
  const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
  const frozen = steppedLockClock(Date.parse("2026-11-28T12:00:00Z")).clock; // a killed holder never renews
  await acquireLease(store, { ...newHolder("berth up killed", frozen), pid: dead }, { clock: frozen, durationSeconds: 30 });
  await assert.rejects(acquireLease(store, newHolder("next", t.clock), { clock: t.clock }), (e) => e instanceof LockHeld && e.stale);
  t.advance(31_000);
  await acquireLease(store, newHolder("next", t.clock), { clock: t.clock });
});

test("lock: renewal keeps the lease alive past its duration; a renewal refused (taken or cleared) loses it and stops mutations", async () => {
  const { store, current } = memoryLeaseStore();
  const t = steppedLockClock(Date.parse("2026-11-28T12:00:00Z"));
  const held = await acquireLease(store, newHolder("long run", t.clock), { clock: t.clock, durationSeconds: 30 });
  for (let i = 0; i < 9; i++) {
    t.advance(10_000);
    await held.renew();
  }
  held.assertHeld();
  assert.ok(expiresAtMs(current()!.lease) > t.clock.now(), "renewed: not expired after 90 s");
  await acquireLease(store, newHolder("other", t.clock), { clock: t.clock }).then(
    () => assert.fail("must be refused"),
    (e) => assert.ok(e instanceof LockHeld),
  );
  await forceUnlock(store);
  t.advance(10_000);
  await held.renew();
  assert.throws(() => held.assertHeld(), (e) => e instanceof LockLost && /deleted/.test(e.message));
  assert.ok(held.signal.aborted, "waits end at once");
});

test("lock: renewals that keep failing stop mutations before the lease can have expired", async () => {
  const { store } = memoryLeaseStore();
  const t = steppedLockClock(Date.parse("2026-11-28T12:00:00Z"));
  const held = await acquireLease(store, newHolder("cut off", t.clock), { clock: t.clock, durationSeconds: 30 });
  store.replace = async () => {
    throw new Error("connection refused");
  };
  t.advance(10_000);
  await held.renew();
  held.assertHeld();
  t.advance(11_000);
  await held.renew();
  assert.throws(() => held.assertHeld(), (e) => e instanceof LockLost && /not renewed for 21s/.test(e.message));
});

test("lock: release deletes only our version; unlock --force with a wrong id clears nothing", async () => {
  const { store, current } = memoryLeaseStore();
  const t = steppedLockClock(Date.parse("2026-11-28T12:00:00Z"));
  const held = await acquireLease(store, newHolder("a", t.clock), { clock: t.clock });
  await assert.rejects(forceUnlock(store, "other"), new RegExp(`the lock is ${held.holder.id}, not other`));
  assert.ok(current());
  assert.equal((await forceUnlock(store, held.holder.id))?.id, held.holder.id);
  const next = await acquireLease(store, newHolder("b", t.clock), { clock: t.clock });
  await held.release();
  assert.equal(current()?.lease.holder?.id, next.holder.id, "a released lock never removes the next holder's");
  await next.release();
  assert.equal(current(), undefined);
});

const plan = (env: string[]): Plan =>
  ({
    version: 1,
    platform: "x",
    env: "dev",
    instance: "x.dev",
    steps: [{ id: "a", title: "apply", provider: "kubernetes", phase: "apps", group: "apps.web", needs: [], wave: 0, timeoutMs: 1, digest: "d", action: { type: "apply", object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: Object.fromEntries(env.map((e, i) => [`k${i}`, e])) } } }],
  }) as unknown as Plan;

test("revisions: --set values at secret-like paths are masked, and scrubbed from the plan (which then cannot be replayed)", () => {
  const { shown } = maskSets(["apps.web.replicas=3", "apps.web.env[API_TOKEN_FILE]=canary-7f3e", "components.pg.password=x"]);
  assert.deepEqual(shown, ["apps.web.replicas=3", `apps.web.env[API_TOKEN_FILE]=${MASK}`, `components.pg.password=${MASK}`]);
  const r = newRevision(plan(["prefix canary-7f3e suffix", "3"]), { revision: 1, run: "r", action: "up", command: "berth up", startedAt: "t" }, { set: ["apps.web.replicas=3", "apps.web.env[API_TOKEN_FILE]=canary-7f3e"], berthVersion: "0.1.0" });
  const stored = gunzipSync(encodeRevision(r)).toString("utf8");
  assert.ok(!stored.includes("canary-7f3e"), "no masked value anywhere in the stored revision");
  assert.deepEqual(r.scrubbed, ["apps.web.env[API_TOKEN_FILE]"]);
  assert.match(stored, /"k1":"3"/, "other values stay");
  assert.deepEqual(decodeRevision(encodeRevision(r)), r);
  assert.equal(newRevision(plan(["3"]), { revision: 1, run: "r", action: "up", command: "c", startedAt: "t" }, { set: ["apps.web.replicas=3"], berthVersion: "v" }).scrubbed, undefined);
});

test("revisions: retention keeps the newest N (0 keeps all) and never the one just written", () => {
  const all = [3, 1, 2, 5, 4].map((revision) => ({ revision }) as never);
  assert.deepEqual(beyondRetention(all, 2), [3, 2, 1]);
  assert.deepEqual(beyondRetention(all, 0), []);
  assert.deepEqual(beyondRetention(all, 1), [4, 3, 2, 1]);
});

test("lock: a renewal answered 409 after its first try landed is still ours; a lease taken by another run is lost, naming it", async () => {
  const { store, current } = memoryLeaseStore();
  const t = steppedLockClock(Date.parse("2026-11-28T12:00:00Z"));
  const held = await acquireLease(store, newHolder("mine", t.clock), { clock: t.clock, durationSeconds: 30 });
  const replace = store.replace;
  store.replace = async (lease, version) => {
    await replace(lease, version);
    return "conflict";
  };
  t.advance(10_000);
  await held.renew();
  held.assertHeld();
  store.replace = replace;
  t.advance(10_000);
  await held.renew();
  t.advance(10_000);
  await held.renew();
  held.assertHeld();
  assert.equal(Date.parse(current()!.lease.renewTime), t.clock.now(), "renewals go on with the version read back");
  const thief = newHolder("berth up from elsewhere", t.clock);
  const stolen = current()!;
  await store.replace({ ...stolen.lease, holderIdentity: "x", holder: thief }, stolen.resourceVersion);
  t.advance(10_000);
  await held.renew();
  assert.throws(() => held.assertHeld(), /the lease was taken by berth up from elsewhere/);
});

test("lock: release waits for a cluster that does not answer at most a lease's duration (the lease then expires by itself)", async () => {
  const { store } = memoryLeaseStore();
  const t = steppedLockClock(Date.parse("2026-11-28T12:00:00Z"));
  const held = await acquireLease(store, newHolder("exit", t.clock), { clock: t.clock, durationSeconds: 30 });
  store.remove = () => new Promise<boolean>(() => {});
  let done = false;
  const releasing = held.release().then(() => (done = true));
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  assert.equal(done, false, "still waiting for the server");
  t.advance(30_000);
  await releasing;
  assert.equal(done, true);
});
