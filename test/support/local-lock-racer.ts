/**
 * One process racing others for the local lock (src/engine/local-state.test.ts): prints `ready`, waits for a line on
 * stdin (the parent sends it to all racers at once, so their start-up does not serialise the race), then takes the
 * lock of the state folder given at the lock time given and prints `won <id>` or `lost`; then stays alive until its
 * stdin ends, as a holder does while it runs: a winner that exited at once would leave a lock whose holder is gone,
 * which another racer on this host may rightly take over (local-lease.ts), and the race would not be what it tests.
 */
import { once } from "node:events";
import { acquireLease, LockHeld, newHolder, type LockClock } from "../../src/engine/lock.ts";
import { LocalLeaseStore } from "../../src/engine/local-lease.ts";

const [dir, at] = process.argv.slice(2) as [string, string];
const clock: LockClock = { now: () => Number(at), every: () => () => undefined };
process.stdout.write("ready\n");
const ended = once(process.stdin, "end");
await once(process.stdin, "data");
try {
  const held = await acquireLease(new LocalLeaseStore(dir), newHolder(`racer ${process.pid}`, clock), { clock });
  process.stdout.write(`won ${held.holder.id}\n`);
} catch (error) {
  if (!(error instanceof LockHeld)) throw error;
  process.stdout.write("lost\n");
}
await ended;
