import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { FileJournal, JournalWriteError, readJournal, unfinishedRun } from "./journal.ts";
import { acquireLock, forceUnlock, LockHeld } from "./lock.ts";

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

test("lock: a second holder is refused with the holder's details; a dead holder is called stale; unlock --force clears it", () => {
  const path = join(temp(), "lock.json");
  const first = acquireLock(path, "berth up x --env dev");
  assert.throws(() => acquireLock(path, "berth up x --env dev"), (e) => e instanceof LockHeld && !e.stale && e.holder?.pid === process.pid && /berth up x --env dev \(pid \d+/.test(e.message));
  first.release();
  const again = acquireLock(path, "second");
  again.release();
  appendFileSync(path, JSON.stringify({ id: "dead0001", pid: 2 ** 22 + 17, host: hostname(), user: "u", command: "berth up", since: "then" }));
  assert.throws(() => acquireLock(path, "third"), (e) => e instanceof LockHeld && e.stale && /no longer running/.test(e.message));
  assert.throws(() => forceUnlock(path, "other"), /the lock is dead0001/);
  assert.equal(forceUnlock(path, "dead0001")?.id, "dead0001");
  acquireLock(path, "fourth").release();
});
