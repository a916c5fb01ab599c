/**
 * berth's state in a blob container (blob-state.ts), against Azurite: the lock rules of engine/lock.ts on a real blob
 * lease, revisions created conditionally, the journal as an append blob, and how berth signs in. One Azurite for the
 * file; each test has its own container. Time: the lock's clock is stepped (steppedLockClock); the Blob service keeps
 * its own, and no test waits on it — a lease's end is brought about by breaking it, which the service treats as it
 * treats an expired one.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { gzipSync } from "node:zlib";
import { unfinishedRun } from "../../engine/journal.ts";
import { acquireLease, forceUnlock, LockHeld, LockLost, newHolder } from "../../engine/lock.ts";
import { encodeRevision, newRevision, type Revision } from "../../engine/revisions.ts";
import { StateFileError } from "../../engine/state-file.ts";
import type { Plan, PlanBlobState } from "../../plan/step.ts";
import { type Azurite, AZURITE_KEY, startAzurite } from "../../../test/support/azurite.ts";
import { steppedLockClock } from "../../../test/support/clock.ts";
import { ProviderUnavailable, StateStoreError } from "../provider.ts";
import { blobStateStores, CONNECTION_STRING_ENV } from "./blob-state.ts";

let azurite: Azurite;
before(async () => (azurite = await startAzurite()));
after(() => azurite?.close());

let containers = 0;
/** Stores of `instance` in a fresh container (made by the first write), signed in with Azurite's connection string. */
function stores(instance = "shop.dev", settings: Partial<PlanBlobState> = {}, container = `state-${++containers}`) {
  return blobStateStores({ settings: { endpoint: azurite.endpoint, container, ...settings }, instance, env: { [CONNECTION_STRING_ENV]: azurite.connectionString } });
}

const T0 = Date.parse("2026-11-28T12:00:00Z");

test("lock: a second run is refused naming the holder; unlock --force breaks the lease, the holder stops, the next run takes it", async () => {
  const { lease } = stores();
  const t = steppedLockClock(T0);
  const first = await acquireLease(lease, newHolder("berth up shop --env dev", t.clock), { clock: t.clock });
  const props = await azurite.container(`state-${containers}`).getBlockBlobClient("shop.dev/lock").getProperties();
  assert.deepEqual([props.leaseState, props.leaseDuration], ["leased", "fixed"], "a fixed-duration lease: the service ends it when its holder stops renewing");

  const refused = await acquireLease(lease, newHolder("berth up shop --env dev (second)", t.clock), { clock: t.clock }).then(
    () => assert.fail("a second run got the lock"),
    (e: unknown) => e,
  );
  assert.ok(refused instanceof LockHeld, String(refused));
  assert.equal(refused.holder?.id, first.holder.id);
  assert.match(refused.message, new RegExp(`another berth run holds the lock: berth up shop --env dev \\(pid ${process.pid} on .*, since .*, lock ${first.holder.id}; blob lease ${azurite.endpoint}/state-\\d+/shop\\.dev/lock until `));

  // A clock that says the holder's lease has run out does not win over the service, which still holds it.
  t.advance(31_000);
  await assert.rejects(acquireLease(lease, newHolder("berth up (late clock)", t.clock), { clock: t.clock }), LockHeld);

  const wrongId = await forceUnlock(lease, "not-the-holder").then(() => "cleared", (e: Error) => e.message);
  assert.match(wrongId, /the lock is \w+, not not-the-holder; nothing was cleared/);
  const cleared = await forceUnlock(lease, first.holder.id);
  assert.equal(cleared?.command, "berth up shop --env dev");
  assert.equal(lease.clearing, "broken");

  // The holder's next renewal learns its lease was broken: no further change may be made.
  await first.renew();
  assert.throws(() => first.assertHeld(), (e: unknown) => e instanceof LockLost && /the lease was broken \(berth unlock --force\?\)/.test(e.message));
  assert.ok(first.signal.aborted);
  await first.release();

  const next = await acquireLease(lease, newHolder("berth up (next)", t.clock), { clock: t.clock });
  next.assertHeld();
  await next.renew();
  next.assertHeld();
  await next.release();
  assert.equal(await lease.read(), undefined, "released: free");
  assert.equal(await forceUnlock(lease), undefined, "there was no lock");
});

test("lock: a holder that stops renewing (killed) blocks until the service ends its lease, then the next run takes it without unlock", async () => {
  const { lease } = stores();
  const t = steppedLockClock(T0);
  const dead = await acquireLease(lease, newHolder("berth up (killed)", t.clock), { clock: t.clock });
  // Killed: it never renews or releases again (its stepped clock never moves, nothing else calls it).
  await assert.rejects(acquireLease(lease, newHolder("berth up (too soon)", t.clock), { clock: t.clock }), (e: unknown) => e instanceof LockHeld && e.holder?.id === dead.holder.id);
  // The service ends the lease (expiry, 15–60 s after the last renewal; here a break, which it treats alike).
  await azurite.container(`state-${containers}`).getBlockBlobClient("shop.dev/lock").getBlobLeaseClient().breakLease(0);
  const next = await acquireLease(lease, newHolder("berth up (after)", t.clock), { clock: t.clock });
  assert.equal((await lease.read())?.lease.holder?.id, next.holder.id);
  await next.release();
});

test("lock: of runs racing for a free lock exactly one wins, and every loser names the winner", async () => {
  const { lease } = stores();
  const t = steppedLockClock(T0);
  const results = await Promise.allSettled([1, 2, 3, 4].map((i) => acquireLease(lease, newHolder(`berth up racer ${i}`, t.clock), { clock: t.clock })));
  const won = results.filter((r) => r.status === "fulfilled");
  assert.equal(won.length, 1, JSON.stringify(results.map((r) => r.status)));
  const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLease>>>).value;
  for (const r of results.filter((x) => x.status === "rejected"))
    assert.ok(r.reason instanceof LockHeld && r.reason.holder?.id === winner.holder.id, String(r.reason));
  await winner.release();
});

test("lock: a lease outside the Blob service's 15–60 s is refused before anything is sent", async () => {
  const { lease } = stores();
  await assert.rejects(acquireLease(lease, newHolder("x"), { durationSeconds: 5 }), /a blob lease lasts 15–60 whole seconds, not 5/);
});

const plan = {
  version: 1,
  platform: "shop",
  env: "dev",
  instance: "shop.dev",
  steps: [{ id: "a", title: "apply", provider: "azure", phase: "apps", group: "azure", needs: [], wave: 0, timeoutMs: 1, digest: "d", action: { type: "verify", steps: [] } }],
} as unknown as Plan;
const revision = (n: number, run = `run${n}`): Revision => newRevision(plan, { revision: n, run, action: "up", command: "berth up", startedAt: "2026-11-28T12:00:00Z" }, { berthVersion: "0.1.0", set: [] });

test("revisions: one blob each under the prefix, listed in order, replaced, removed; a number another run wrote is refused", async () => {
  const name = `state-${++containers}`;
  const { revisions } = stores("shop.dev", { prefix: "teams/data" }, name);
  assert.deepEqual(await revisions.list(), [], "no container yet: no history");
  await revisions.create(revision(2));
  await revisions.create(revision(1));
  const blobs: string[] = [];
  for await (const b of azurite.container(name).listBlobsFlat({ includeMetadata: true })) blobs.push(`${b.name} ${JSON.stringify(b.metadata)} ${b.properties.contentType}`);
  assert.deepEqual(blobs, [
    'teams/data/shop.dev/revisions/1.json.gz {"revision":"1","action":"up","status":"in-progress"} application/gzip',
    'teams/data/shop.dev/revisions/2.json.gz {"revision":"2","action":"up","status":"in-progress"} application/gzip',
  ]);
  assert.deepEqual(await revisions.list(), [revision(1), revision(2)]);
  await revisions.replace({ ...revision(2), status: "deployed" });
  assert.equal((await revisions.list())[1]?.status, "deployed");
  await revisions.create(revision(2)); // the same run's create again (a retry whose first try landed): fine
  await assert.rejects(revisions.create(revision(2, "other")), /revision 2 already exists \(http:.*teams\/data\/shop\.dev\/revisions\/2\.json\.gz\): was the lock cleared/);
  await revisions.remove(1);
  await revisions.remove(1);
  assert.deepEqual((await revisions.list()).map((r) => r.revision), [2]);
  assert.match(revisions.where, /^blobs http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/state-\d+\/teams\/data\/shop\.dev\/revisions\/\*\.json\.gz$/);
});

test("revisions: a blob berth cannot read is an error naming it, never left out of the history", async () => {
  const name = `state-${++containers}`;
  const { revisions } = stores("shop.dev", {}, name);
  const blob = azurite.container(name);
  await blob.create();
  const good = encodeRevision(revision(1));
  await blob.getBlockBlobClient("shop.dev/revisions/7.json.gz").uploadData(good);
  await assert.rejects(revisions.list(), (e: unknown) => e instanceof StateFileError && e.code === "STATE-MALFORMED" && /\/shop\.dev\/revisions\/7\.json\.gz: revision 1 in a blob named for revision 7/.test(e.message));
  await blob.getBlockBlobClient("shop.dev/revisions/7.json.gz").uploadData(gzipSync("{ not json"));
  await assert.rejects(revisions.list(), (e: unknown) => e instanceof StateFileError && /7\.json\.gz: not JSON/.test(e.message));
});

test("journal: an append blob each run starts anew, read strictly; appends keep their order; another writer stops the run", async () => {
  const name = `state-${++containers}`;
  const { journal } = stores("shop.dev", {}, name);
  assert.deepEqual(await journal.read(), []);
  const w = journal.writer();
  await w.append({ run: "r1", event: "run-started", revision: 1 });
  // The engine appends from steps running at once: each waits for the one before.
  await Promise.all([
    w.append({ run: "r1", event: "started", step: "a", digest: "d1" }),
    w.append({ run: "r1", event: "started", step: "b", digest: "d2" }),
    w.append({ run: "r1", event: "done", step: "a", digest: "d1" }),
  ]);
  const u = unfinishedRun(await journal.read());
  assert.deepEqual({ run: u?.run, done: [...(u?.done ?? [])], inFlight: u?.inFlight }, { run: "r1", done: [["a", "d1"]], inFlight: ["b"] });
  const props = await azurite.container(name).getAppendBlobClient("shop.dev/journal.jsonl").getProperties();
  assert.equal(props.blobType, "AppendBlob");
  assert.equal(props.blobCommittedBlockCount, 4, "one block per entry");

  // Someone else appends (a run that should not be running): this run's next append fails, and every one after.
  await azurite.container(name).getAppendBlobClient("shop.dev/journal.jsonl").appendBlock("{}\n", 3);
  await assert.rejects(async () => w.append({ run: "r1", event: "applied", step: "b" }), /the journal .*journal\.jsonl was written by someone else during this run/);
  await assert.rejects(async () => w.append({ run: "r1", event: "done", step: "b" }), /written by someone else/);
  await assert.rejects(journal.read(), (e: unknown) => e instanceof StateFileError && /journal\.jsonl:5: /.test(e.message), "read strictly: the foreign line is named");

  const next = journal.writer();
  await next.append({ run: "r2", event: "run-started", revision: 2 });
  assert.deepEqual((await journal.read()).map((e) => `${e.run} ${e.event}`), ["r2 run-started"], "a new run's journal starts anew");
});

test("sign-in: a connection string for another account than the spec names is refused, and its key never shown", async () => {
  const other = blobStateStores({ settings: { storageAccount: "berthstate", container: "berth-state" }, instance: "shop.dev", env: { [CONNECTION_STRING_ENV]: azurite.connectionString } });
  const error = await other.revisions.list().then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof StateStoreError, String(error));
  assert.match(error.message, /AZURE_STORAGE_CONNECTION_STRING is for http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1, and spec\.state\.azureBlob names https:\/\/berthstate\.blob\.core\.windows\.net: /);
  assert.ok(!error.message.includes(AZURITE_KEY));

  const junk = blobStateStores({ settings: { endpoint: azurite.endpoint, container: "x-state" }, instance: "shop.dev", env: { [CONNECTION_STRING_ENV]: `AccountKey=${AZURITE_KEY};nonsense` } });
  const bad = await junk.lease.read().then(() => undefined, (e: unknown) => e);
  assert.ok(bad instanceof StateStoreError && !bad.message.includes(AZURITE_KEY), String(bad));

  const wrongKey = blobStateStores({ settings: { endpoint: azurite.endpoint, container: "x-state" }, instance: "shop.dev", env: { [CONNECTION_STRING_ENV]: azurite.connectionString.replace(AZURITE_KEY, Buffer.from("not the key").toString("base64")) } });
  await assert.rejects(wrongKey.revisions.list(), (e: unknown) => e instanceof StateStoreError && /403 AuthorizationFailure.*check AZURE_STORAGE_CONNECTION_STRING/.test(e.message));

  const unreachable = blobStateStores({ settings: { endpoint: "http://127.0.0.1:1/devstoreaccount1", container: "x-state" }, instance: "shop.dev", env: { [CONNECTION_STRING_ENV]: azurite.connectionString.replace(azurite.endpoint, "http://127.0.0.1:1/devstoreaccount1") }, retry: { maxTries: 1 } });
  await assert.rejects(unreachable.lease.read(), (e: unknown) => e instanceof ProviderUnavailable && /cannot reach berth's state at http:\/\/127\.0\.0\.1:1\/devstoreaccount1\/x-state/.test(e.message));
});
