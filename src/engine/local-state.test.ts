import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { steppedLockClock } from "../../test/support/clock.ts";
import type { Plan } from "../plan/step.ts";
import { FileJournal, readJournal, unfinishedRun } from "./journal.ts";
import { LocalLeaseStore } from "./local-lease.ts";
import { LocalRevisionStore } from "./local-revisions.ts";
import { localStateStores } from "./local-state.ts";
import { acquireLease, forceUnlock, LockHeld, LockLost, newHolder } from "./lock.ts";
import { encodeRevision, newRevision, type Revision } from "./revisions.ts";
import { StateFileError } from "./state-file.ts";

const temp = () => mkdtempSync(join(tmpdir(), "berth-local-state-"));
const T0 = Date.parse("2026-11-28T12:00:00Z");
const lockFiles = (dir: string) => readdirSync(join(dir, "lock")).filter((n) => !n.startsWith("."));
const newestLockFile = (dir: string) => JSON.parse(readFileSync(join(dir, "lock", lockFiles(dir).sort().at(-1)!), "utf8"));
const isStateFileError = (code: string, file: string, detail: RegExp) => (e: unknown) =>
  e instanceof StateFileError && e.code === code && e.file === file && e.message.includes(file) && detail.test(e.message);

test("local lock: taken, renewed and released as a versioned file readable only by the user; the next run takes it again", async () => {
  const dir = temp();
  const { lease } = localStateStores(dir, "shop.dev");
  const t = steppedLockClock(T0);
  const held = await acquireLease(lease, newHolder("berth up shop --env dev", t.clock), { clock: t.clock, durationSeconds: 30 });
  const instanceDir = join(dir, "shop.dev");
  assert.deepEqual(lockFiles(instanceDir), ["0000000001.json"]);
  assert.equal(statSync(join(instanceDir, "lock", "0000000001.json")).mode & 0o777, 0o600);
  assert.equal(statSync(join(instanceDir, "lock")).mode & 0o777, 0o700);
  assert.deepEqual({ ...newestLockFile(instanceDir), lease: undefined }, { version: 1, generation: 1, lease: undefined });
  assert.equal(newestLockFile(instanceDir).lease.holder.id, held.holder.id);
  for (let i = 0; i < 4; i++) {
    t.advance(10_000);
    await held.renew();
  }
  held.assertHeld();
  assert.deepEqual(lockFiles(instanceDir), ["0000000005.json"], "each renewal is the next generation; older ones are cleaned away");
  assert.equal(Date.parse(newestLockFile(instanceDir).lease.renewTime), t.clock.now());
  await held.release();
  assert.deepEqual(newestLockFile(instanceDir), { version: 1, generation: 6, released: true });
  assert.equal(await lease.read(), undefined);
  const next = await acquireLease(lease, newHolder("berth up again", t.clock), { clock: t.clock });
  assert.equal((await lease.read())?.lease.holder?.id, next.holder.id);
  assert.equal((await lease.read())?.resourceVersion, "7");
});

test("local lock: held by another run is refused naming the holder and the lock files", async () => {
  const dir = temp();
  const t = steppedLockClock(T0);
  const first = await acquireLease(new LocalLeaseStore(dir), newHolder("berth up first", t.clock), { clock: t.clock });
  t.advance(29_000);
  await assert.rejects(
    acquireLease(new LocalLeaseStore(dir), newHolder("berth up second", t.clock), { clock: t.clock }),
    (e) => e instanceof LockHeld && e.holder?.id === first.holder.id && e.message.includes(`holds the lock: berth up first (pid ${process.pid}`) && e.message.includes(`lock files ${join(dir, "lock")} until 2026-11-28T12:00:30.000Z`),
  );
});

test("local lock: an expired lock is taken over (one more transition); the old holder's next renewal finds it lost", async () => {
  const dir = temp();
  const t = steppedLockClock(T0);
  // A SIGKILLed holder: its clock (and so its renewal timer) never moves again, nor does it release.
  const frozen = steppedLockClock(T0).clock;
  const killed = await acquireLease(new LocalLeaseStore(dir), newHolder("berth up killed", frozen), { clock: frozen, durationSeconds: 30 });
  t.advance(31_000);
  const taker = await acquireLease(new LocalLeaseStore(dir), newHolder("berth up next", t.clock), { clock: t.clock });
  const now = await new LocalLeaseStore(dir).read();
  assert.equal(now?.lease.holder?.id, taker.holder.id);
  assert.equal(now?.lease.leaseTransitions, 1);
  await killed.renew();
  assert.throws(() => killed.assertHeld(), (e) => e instanceof LockLost && /taken by berth up next/.test(e.message));
  await killed.release();
  assert.equal((await new LocalLeaseStore(dir).read())?.lease.holder?.id, taker.holder.id, "a lost holder's release leaves the new holder's lock");
});

test("local lock: a holder on this host whose process is gone (SIGKILL) is taken over at once; one on another host only after expiry", async () => {
  const t = steppedLockClock(T0);
  const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
  const frozen = steppedLockClock(T0).clock; // a killed holder never renews
  const killed = { ...newHolder("berth up killed", frozen), pid: dead };
  const dir = temp();
  await acquireLease(new LocalLeaseStore(dir), killed, { clock: frozen, durationSeconds: 30 });
  const taker = await acquireLease(new LocalLeaseStore(dir), newHolder("berth up next", t.clock), { clock: t.clock });
  assert.equal((await new LocalLeaseStore(dir).read())?.lease.holder?.id, taker.holder.id, "taken without waiting for the lease to expire");
  assert.equal((await new LocalLeaseStore(dir).read())?.lease.leaseTransitions, 1);

  const shared = temp();
  const elsewhere = { ...killed, id: "elsewhere", host: `${killed.host}-other` };
  await acquireLease(new LocalLeaseStore(shared), elsewhere, { clock: frozen, durationSeconds: 30 });
  await assert.rejects(acquireLease(new LocalLeaseStore(shared), newHolder("berth up next", t.clock), { clock: t.clock }), (e) => e instanceof LockHeld && e.holder?.id === "elsewhere" && !e.stale);
  const alive = temp();
  await acquireLease(new LocalLeaseStore(alive), newHolder("berth up running", t.clock), { clock: t.clock, durationSeconds: 30 });
  await assert.rejects(acquireLease(new LocalLeaseStore(alive), newHolder("berth up next", t.clock), { clock: t.clock }), LockHeld, "a live holder (this process) keeps it");
});

test("local lock: two writers of the same generation — exactly one wins, the other is told conflict", async () => {
  const dir = temp();
  const t = steppedLockClock(T0);
  await acquireLease(new LocalLeaseStore(dir), newHolder("old", t.clock), { clock: t.clock });
  const a = new LocalLeaseStore(dir);
  const b = new LocalLeaseStore(dir);
  const [ra, rb] = await Promise.all([a.read(), b.read()]);
  assert.equal(ra?.resourceVersion, rb?.resourceVersion);
  const results = await Promise.all([a.replace({ ...ra!.lease, holderIdentity: "a" }, ra!.resourceVersion), b.replace({ ...rb!.lease, holderIdentity: "b" }, rb!.resourceVersion)]);
  assert.equal(results.filter((r) => typeof r === "object").length, 1, `one winner: ${JSON.stringify(results)}`);
  assert.ok(results.includes("conflict"));
  const winner = results[0] !== "conflict" ? "a" : "b";
  assert.equal((await a.read())?.lease.holderIdentity, winner, "the lock holds the winner's write");
  assert.equal(await a.remove(ra!.resourceVersion), false, "a removal of the version both read is refused too");
});

test("local lock: racing takeovers of an expired lock, in one process and in separate processes, have exactly one winner", async () => {
  for (let round = 0; round < 15; round++) {
    const dir = temp();
    const frozen = steppedLockClock(T0).clock;
    await acquireLease(new LocalLeaseStore(dir), newHolder("killed", frozen), { clock: frozen });
    const t = steppedLockClock(T0 + 31_000);
    const results = await Promise.allSettled(["r1", "r2", "r3"].map((c) => acquireLease(new LocalLeaseStore(dir), newHolder(c, t.clock), { clock: t.clock })));
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1, `round ${round}`);
    for (const r of results) if (r.status === "rejected") assert.ok(r.reason instanceof LockHeld, String(r.reason));
  }
  const dir = temp();
  const frozen = steppedLockClock(T0).clock;
  await acquireLease(new LocalLeaseStore(dir), newHolder("killed", frozen), { clock: frozen });
  const racers = Array.from({ length: 4 }, () => spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "../../test/support/local-lock-racer.ts"), dir, String(T0 + 31_000)], { stdio: ["pipe", "pipe", "inherit"] }));
  const outputs = racers.map((p) => {
    let text = "";
    p.stdout.on("data", (d: Buffer) => (text += d.toString()));
    return {
      ready: new Promise<void>((resolve) => p.stdout.on("data", () => text.includes("ready") && resolve())),
      answered: new Promise<void>((resolve) => p.stdout.on("data", () => /won|lost/.test(text) && resolve())),
      done: new Promise<string>((resolve) => p.on("close", () => resolve(text))),
    };
  });
  await Promise.all(outputs.map((o) => o.ready));
  for (const p of racers) p.stdin.write("go\n");
  // Every racer holds on (a winner alive, as a running holder is) until all have answered.
  await Promise.all(outputs.map((o) => o.answered));
  for (const p of racers) p.stdin.end();
  const said = (await Promise.all(outputs.map((o) => o.done))).map((s) => s.replace("ready\n", "").trim());
  const won = said.filter((s) => s.startsWith("won "));
  assert.equal(won.length, 1, `one process won: ${JSON.stringify(said)}`);
  assert.equal(said.filter((s) => s === "lost").length, 3);
  assert.equal((await new LocalLeaseStore(dir).read())?.lease.holder?.id, won[0]!.slice(4));
});

test("local lock: a writer whose generation was cleaned away while it waited is told conflict, not handed the lock", async () => {
  const dir = temp();
  const t = steppedLockClock(T0);
  const held = await acquireLease(new LocalLeaseStore(dir), newHolder("holder", t.clock), { clock: t.clock });
  const slow = new LocalLeaseStore(dir);
  const seen = (await slow.read())!;
  t.advance(10_000);
  await held.renew(); // generation 2; 1 cleaned
  t.advance(10_000);
  await held.renew(); // generation 3; 2 cleaned — the name the slow writer will try is free again
  assert.deepEqual(lockFiles(dir), ["0000000003.json"]);
  assert.equal(await slow.replace({ ...seen.lease, holderIdentity: "slow" }, seen.resourceVersion), "conflict");
  assert.deepEqual(lockFiles(dir), ["0000000003.json"], "its stray generation is removed");
  assert.equal((await slow.read())?.lease.holder?.id, held.holder.id);
  held.assertHeld();
});

test("local lock: unlock --force, then the holder's renewal finds it deleted; a release never removes the last generation", async () => {
  const dir = temp();
  const t = steppedLockClock(T0);
  const store = new LocalLeaseStore(dir);
  const held = await acquireLease(store, newHolder("a", t.clock), { clock: t.clock });
  const before = (await store.read())!;
  await assert.rejects(forceUnlock(store, "other"), /nothing was cleared/);
  assert.equal((await forceUnlock(store, held.holder.id))?.id, held.holder.id);
  t.advance(10_000);
  await held.renew();
  assert.throws(() => held.assertHeld(), (e) => e instanceof LockLost && /deleted/.test(e.message));
  assert.deepEqual(lockFiles(dir), ["0000000002.json"], "the release is itself a generation, so generation numbers never start over");
  assert.equal(await store.replace({ ...before.lease, holderIdentity: "x" }, before.resourceVersion), "gone", "a version read before the release matches nothing");
});

test("local lock: a lock file berth cannot read is an error naming it (unknown version, junk, wrong generation, bad field)", async () => {
  const cases: { body: string; code: string; detail: RegExp }[] = [
    { body: JSON.stringify({ version: 2, generation: 1, released: true }), code: "STATE-VERSION", detail: /format version 2, this berth reads version 1/ },
    { body: '{"version":1,"generation":1,"lea', code: "STATE-MALFORMED", detail: /not JSON/ },
    { body: JSON.stringify({ version: 1, generation: 4, released: true }), code: "STATE-MALFORMED", detail: /generation 4 in a file named for generation 1/ },
    { body: JSON.stringify({ version: 1, generation: 1, lease: { holderIdentity: "x", leaseDurationSeconds: 30, acquireTime: "t", renewTime: "2026-11-28T12:00:00Z", leaseTransitions: 0 } }), code: "STATE-MALFORMED", detail: /lease\.acquireTime: not a time/ },
    { body: JSON.stringify({ generation: 1, released: true }), code: "STATE-MALFORMED", detail: /no format version/ },
    { body: JSON.stringify({ version: 1, generation: 1 }), code: "STATE-MALFORMED", detail: /exactly one of lease and released/ },
  ];
  for (const c of cases) {
    const dir = temp();
    mkdirSync(join(dir, "lock"));
    const file = join(dir, "lock", "0000000001.json");
    writeFileSync(file, c.body);
    const t = steppedLockClock(T0);
    await assert.rejects(acquireLease(new LocalLeaseStore(dir), newHolder("x", t.clock), { clock: t.clock }), isStateFileError(c.code, file, c.detail), c.body);
  }
});

const plan = {
  version: 1,
  platform: "shop",
  env: "dev",
  instance: "shop.dev",
  steps: [
    { id: "a", title: "apply", provider: "kubernetes", phase: "apps", group: "apps.web", needs: [], wave: 0, timeoutMs: 1, digest: "d", action: { type: "apply", object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } } } },
    { id: "b", title: "apply", provider: "kubernetes", phase: "apps", group: "apps.web", needs: ["a"], wave: 1, timeoutMs: 1, digest: "e", action: { type: "apply", object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "d" } } } },
  ],
} as unknown as Plan;
const revision = (n: number, run = `run${n}`): Revision => newRevision(plan, { revision: n, run, action: "up", command: "berth up", startedAt: "2026-11-28T12:00:00Z" }, { berthVersion: "0.1.0", set: ["apps.web.replicas=2"] });

test("local revisions: written whole and 0600, listed in order, replaced, removed; a second create of a number by another run is refused", async () => {
  const dir = temp();
  const { revisions } = localStateStores(dir, "shop.dev");
  assert.deepEqual(await revisions.list(), []);
  await revisions.create(revision(2));
  await revisions.create(revision(1));
  const folder = join(dir, "shop.dev", "revisions");
  assert.deepEqual(readdirSync(folder).sort(), ["1.json.gz", "2.json.gz"], "no temporary left behind");
  assert.equal(statSync(join(folder, "1.json.gz")).mode & 0o777, 0o600);
  assert.deepEqual(await revisions.list(), [revision(1), revision(2)]);
  await revisions.replace({ ...revision(2), status: "deployed", finishedAt: "2026-11-28T12:01:00Z" });
  assert.equal((await revisions.list())[1]?.status, "deployed");
  await revisions.create(revision(2)); // the same run's create again (a retry): fine
  await assert.rejects(revisions.create(revision(2, "other")), /revision 2 already exists .*2\.json\.gz.*lock cleared/);
  await revisions.remove(1);
  await revisions.remove(1);
  assert.deepEqual((await revisions.list()).map((r) => r.revision), [2]);
  assert.deepEqual((await revisions.list())[0]?.plan, plan, "needs read back by id");
});

test("local revisions: a file berth cannot read is an error naming it (unknown version, truncated gzip, junk JSON, wrong number, bad field)", async () => {
  const good = encodeRevision(revision(1));
  const body = JSON.parse((await import("node:zlib")).gunzipSync(good).toString("utf8"));
  const cases: { name: string; data: Buffer; code: string; detail: RegExp }[] = [
    { name: "1.json.gz", data: gzipSync(JSON.stringify({ ...body, version: 2 })), code: "STATE-VERSION", detail: /format version 2/ },
    { name: "1.json.gz", data: good.subarray(0, good.length - 10), code: "STATE-MALFORMED", detail: /not a whole gzip stream/ },
    { name: "1.json.gz", data: gzipSync("{ not json"), code: "STATE-MALFORMED", detail: /not JSON/ },
    { name: "7.json.gz", data: good, code: "STATE-MALFORMED", detail: /revision 1 in a file named for revision 7/ },
    { name: "1.json.gz", data: gzipSync(JSON.stringify({ ...body, status: "maybe" })), code: "STATE-MALFORMED", detail: /status: / },
    { name: "1.json.gz", data: gzipSync(JSON.stringify({ ...body, surprise: 1 })), code: "STATE-MALFORMED", detail: /surprise/ },
    { name: "1.json.gz", data: gzipSync(JSON.stringify({ ...body, needLists: [] })), code: "STATE-MALFORMED", detail: /plan\.steps\.0\.needs: no needs list 0/ },
  ];
  for (const c of cases) {
    const dir = temp();
    const folder = join(dir, "revisions");
    mkdirSync(folder);
    writeFileSync(join(folder, c.name), c.data);
    await assert.rejects(new LocalRevisionStore(dir).list(), isStateFileError(c.code, join(folder, c.name), c.detail), c.name + " " + c.detail);
  }
  const { version: _v, ...unversioned } = body;
  const dir = temp();
  mkdirSync(join(dir, "revisions"));
  writeFileSync(join(dir, "revisions", "1.json.gz"), gzipSync(JSON.stringify(unversioned)));
  assert.deepEqual(await new LocalRevisionStore(dir).list(), [revision(1)], "a record without a version (written before versions) is version 1");
});

test("journal: lines carry the format version and outputs; a torn last line is tolerated and cut before the next append", () => {
  const path = join(temp(), "journal.jsonl");
  const j = new FileJournal(path);
  j.append({ run: "r1", event: "run-started", revision: 1 });
  j.append({ run: "r1", event: "done", step: "azure.kv", digest: "d1", outputs: { vaultUri: "https://kv.vault.azure.net/" } });
  assert.match(readFileSync(path, "utf8").split("\n")[0]!, /^\{"version":1,"at":"/);
  appendFileSync(path, '{"version":1,"at":"2026-11-28T12:00:00Z","run":"r1","ev');
  assert.deepEqual(readJournal(path).map((e) => e.outputs), [undefined, { vaultUri: "https://kv.vault.azure.net/" }]);
  j.append({ run: "r1", event: "started", step: "b", digest: "d2" });
  const lines = readFileSync(path, "utf8").split("\n");
  assert.equal(lines.length, 4, "three whole lines and the empty text after the last newline");
  assert.ok(lines.every((l) => !l.includes('"ev{')), "the fragment was cut, not glued to the next entry");
  const u = unfinishedRun(readJournal(path));
  assert.deepEqual({ done: [...(u?.done ?? [])], inFlight: u?.inFlight }, { done: [["azure.kv", "d1"]], inFlight: ["b"] });
});

test("journal: lines without a version (berth before versions) are read, including one glued after a torn line", () => {
  const path = join(temp(), "journal.jsonl");
  writeFileSync(
    path,
    [
      '{"at":"2026-11-20T00:00:00Z","run":"r0","event":"run-started","revision":1}',
      '{"at":"2026-11-20T00:00:01Z","run":"r0","event":"started","step":"a","dig{"at":"2026-11-20T00:01:00Z","run":"r1","event":"run-started","revision":2}',
      '{"at":"2026-11-20T00:01:01Z","run":"r1","event":"done","step":"a","digest":"d"}',
      "",
    ].join("\n"),
  );
  const entries = readJournal(path);
  assert.deepEqual(entries.map((e) => `${e.run} ${e.event}`), ["r0 run-started", "r1 run-started", "r1 done"]);
  assert.equal(unfinishedRun(entries)?.run, "r1", "the run that started after the torn line is the one to resume");
});

test("journal: a line of an unknown version, or that is not an entry, is an error naming file and line", () => {
  const cases: { line: string; code: string; detail: RegExp }[] = [
    { line: '{"version":2,"at":"t","run":"r","event":"done"}', code: "STATE-VERSION", detail: /format version 2, this berth reads version 1/ },
    { line: '{"version":1,"at":"t","run":"r","event":"exploded"}', code: "STATE-MALFORMED", detail: /event: / },
    { line: '{"version":1,"at":"t","run":"r","event":"done","outputs":{"fqdn":5}}', code: "STATE-MALFORMED", detail: /outputs\.fqdn: / },
    { line: "garbage", code: "STATE-MALFORMED", detail: /not JSON/ },
    { line: "[1,2]", code: "STATE-MALFORMED", detail: /expected a JSON object, found an array/ },
    { line: "", code: "STATE-MALFORMED", detail: /an empty line/ },
  ];
  for (const c of cases) {
    const path = join(temp(), "journal.jsonl");
    writeFileSync(path, `{"version":1,"at":"t","run":"r","event":"run-started"}\n${c.line}\n{"version":1,"at":"t","run":"r","event":"run-finished","status":"ok"}\n`);
    assert.throws(() => readJournal(path), isStateFileError(c.code, `${path}:2`, c.detail), c.line);
  }
});
