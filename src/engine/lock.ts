/**
 * One run at a time per platform/env, across machines: a Lease in the cluster (coordination.k8s.io/v1), not a file
 * beside the spec. The holder renews it well within its duration; a holder that dies (SIGKILL, a lost CI runner)
 * stops renewing and the lease expires, so the next run takes it over without anyone clearing it by hand.
 *
 * Taking it is optimistic concurrency only: create, or — when it exists and has expired — an update carrying the
 * resourceVersion that was read. Of two runs racing for it, the API server lets exactly one write win; the other
 * gets 409 and is refused, naming the winner. The rules are here; the REST calls are behind `LeaseStore`.
 */
import { hostname, userInfo } from "node:os";
import { randomUUID } from "node:crypto";

export interface LockHolder {
  readonly id: string;
  readonly pid: number;
  readonly host: string;
  readonly user: string;
  readonly command: string;
  readonly since: string;
}

/** The Lease as berth reads and writes it: spec fields plus the holder's details (kept in annotations). */
export interface LeaseRecord {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime: string;
  readonly renewTime: string;
  readonly leaseTransitions: number;
  readonly holder?: LockHolder;
}

/** The cluster side of the lock; `resourceVersion` is what makes a write conditional. */
export interface LeaseStore {
  /** Where the lease lives, for messages (`Lease berth-system/berth.shop.dev`). */
  readonly where: string;
  read(): Promise<{ readonly lease: LeaseRecord; readonly resourceVersion: string } | undefined>;
  /** Creates it; "conflict" when it already exists. */
  create(lease: LeaseRecord): Promise<{ readonly resourceVersion: string } | "conflict">;
  /**
   * Replaces the version read; "conflict" when someone wrote since, "gone" when it was deleted. A store that knows for
   * certain the lease is no longer the caller's (a blob lease broken or taken over) says so and why with `lost`.
   */
  replace(lease: LeaseRecord, resourceVersion: string): Promise<{ readonly resourceVersion: string } | "conflict" | "gone" | LeaseLost>;
  /** Deletes it (only that version when one is given); false when there was nothing (of that version) to delete. */
  remove(resourceVersion?: string): Promise<boolean>;
  /**
   * The lock protects this machine only (files in the state folder): a holder on this host whose process is gone is
   * dead for certain, so its lease is taken over at once instead of after it expires. A cluster's Lease does not say
   * this — another machine may share the host name (CI runners, containers), so there only expiry counts.
   */
  readonly machineLocal?: boolean;
  /** What `unlock --force` does to it, for the message: "deleted" (a Lease) unless said otherwise ("broken": a blob lease). */
  readonly clearing?: string;
}

/** The lease is definitely no longer the caller's, and why (for the message that stops the run). */
export interface LeaseLost {
  readonly lost: string;
}

const isLost = (r: unknown): r is LeaseLost => typeof r === "object" && r !== null && "lost" in r;

/** Time for the lock, injectable so tests step it instead of waiting. */
export interface LockClock {
  now(): number;
  /** Calls `fn` every `ms` until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

export const SYSTEM_CLOCK: LockClock = {
  now: () => Date.now(),
  every: (ms, fn) => {
    const timer = setInterval(fn, ms);
    // A renewal timer must never keep a finished CLI alive.
    timer.unref();
    return () => clearInterval(timer);
  },
};

export interface LeaseOptions {
  /** How long the lease stays valid without a renewal; a crashed holder blocks others at most this long. */
  readonly durationSeconds?: number;
  readonly clock?: LockClock;
}

/** 30 s: a crashed run blocks the next for half a minute; renewals every 10 s leave room for two to fail. */
export const DEFAULT_LEASE_SECONDS = 30;
const RENEWALS_PER_LEASE = 3;

export class LockHeld extends Error {
  constructor(
    readonly holder: LockHolder | undefined,
    /** The holder's process is gone (same host, no such pid): the lease will expire by itself. */
    readonly stale: boolean,
    readonly expiresAt: string | undefined,
    where: string,
  ) {
    super(
      holder
        ? `another berth run holds the lock: ${holder.command} (pid ${holder.pid} on ${holder.host}, user ${holder.user}, since ${holder.since}, lock ${holder.id}; ${where} until ${expiresAt ?? "?"} unless renewed)${stale ? "; that process is no longer running, so the lease expires by itself" : ""}`
        : `another berth run holds the lock (${where}, holder unknown)`,
    );
  }
}

/** The lease was lost mid-run (renewal refused, taken over, or cleared with unlock --force): no further change may be made. */
export class LockLost extends Error {}

/** The holder ran on this host and its process is no longer there. */
const holderGone = (holder: LockHolder | undefined): boolean => holder !== undefined && holder.host === hostname() && !processAlive(holder.pid);

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export const microTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");

export const holderIdentity = (h: LockHolder): string => `${h.user}@${h.host}/${h.pid}/${h.id}`;

export const expiresAtMs = (lease: LeaseRecord): number => Date.parse(lease.renewTime) + lease.leaseDurationSeconds * 1000;

export function newHolder(command: string, clock: LockClock = SYSTEM_CLOCK): LockHolder {
  return { id: randomUUID().slice(0, 8), pid: process.pid, host: hostname(), user: userInfo().username, command, since: new Date(clock.now()).toISOString() };
}

export interface HeldLease {
  readonly holder: LockHolder;
  /** Throws LockLost when the lease is lost or may have expired unrenewed; called before every mutation. */
  assertHeld(): void;
  /** Aborted when the lease is lost, so waits end at once. */
  readonly signal: AbortSignal;
  /** One renewal now (the timer calls this; tests call it directly). */
  renew(): Promise<void>;
  release(): Promise<void>;
}

export async function acquireLease(store: LeaseStore, holder: LockHolder, options: LeaseOptions = {}): Promise<HeldLease> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const duration = options.durationSeconds ?? DEFAULT_LEASE_SECONDS;
  const record = (acquireTime: string, transitions: number): LeaseRecord => ({
    holderIdentity: holderIdentity(holder),
    leaseDurationSeconds: duration,
    acquireTime,
    renewTime: microTime(clock.now()),
    leaseTransitions: transitions,
    holder,
  });
  const refuse = (found: LeaseRecord | undefined): LockHeld =>
    new LockHeld(found?.holder, holderGone(found?.holder), found ? new Date(expiresAtMs(found)).toISOString() : undefined, store.where);

  let acquired = record(microTime(clock.now()), 0);
  let created = await store.create(acquired);
  if (created === "conflict") {
    const current = await store.read();
    if (current?.lease.holder?.id === holder.id) {
      // Our own create, answered 409 on a retry after a lost connection: it is ours.
      created = { resourceVersion: current.resourceVersion };
    } else if (current) {
      const abandoned = store.machineLocal === true && holderGone(current.lease.holder);
      if (expiresAtMs(current.lease) > clock.now() && !abandoned) throw refuse(current.lease);
      // Expired or abandoned: take it over, but only the version just read — a racing run that got there first wins.
      acquired = record(microTime(clock.now()), current.lease.leaseTransitions + 1);
      const taken = await store.replace(acquired, current.resourceVersion);
      if (taken === "conflict" || taken === "gone" || isLost(taken)) throw refuse((await store.read())?.lease);
      created = taken;
    } else {
      // Deleted between our create and read (its holder released it): one more create, no loop.
      created = await store.create(acquired);
      if (created === "conflict") throw refuse((await store.read())?.lease);
    }
  }
  return holdLease(store, holder, acquired, created.resourceVersion, duration, clock);
}

/** Waits for `work` at most `ms` on the lock's clock. */
function within(clock: LockClock, ms: number, work: Promise<unknown>): Promise<void> {
  let cancel: (() => void) | undefined;
  const timeUp = new Promise<void>((resolve) => {
    cancel = clock.every(ms, () => {
      cancel?.();
      resolve();
    });
  });
  return Promise.race([work.then(() => undefined, () => undefined), timeUp]).finally(() => cancel?.());
}

function holdLease(store: LeaseStore, holder: LockHolder, acquired: LeaseRecord, firstVersion: string, duration: number, clock: LockClock): HeldLease {
  const controller = new AbortController();
  let version = firstVersion;
  let renewedAt = clock.now();
  let lost: string | undefined;
  let renewing: Promise<void> | undefined;
  let released = false;
  const lose = (why: string) => {
    lost ??= why;
    controller.abort(new LockLost(`lost the lock (${store.where}): ${why}`));
  };
  const renewOnce = async (): Promise<void> => {
    if (lost || released) return;
    try {
      const r = await store.replace({ ...acquired, renewTime: microTime(clock.now()) }, version);
      if (r === "gone") lose("the lease was deleted (berth unlock --force?)");
      else if (isLost(r)) lose(r.lost);
      else if (r === "conflict") {
        // A retried renewal whose first try did land answers 409 too: still ours if the holder is us.
        const now = await store.read();
        if (now?.lease.holder?.id === holder.id) {
          version = now.resourceVersion;
          renewedAt = Date.parse(now.lease.renewTime);
        } else lose(`the lease was taken by ${now?.lease.holder?.command ?? now?.lease.holderIdentity ?? "someone else"}`);
      } else {
        version = r.resourceVersion;
        renewedAt = clock.now();
      }
    } catch {
      // A failed renewal is retried on the next tick; assertHeld stops mutations once the lease may have run out.
    }
  };
  const renew = () => (renewing ??= renewOnce().finally(() => (renewing = undefined)));
  const stop = clock.every((duration * 1000) / RENEWALS_PER_LEASE, () => void renew());
  return {
    holder,
    signal: controller.signal,
    assertHeld: () => {
      // Stop a renewal period before the lease could expire: another run may take it only after it has.
      if (!lost && clock.now() - renewedAt > (duration * 1000 * (RENEWALS_PER_LEASE - 1)) / RENEWALS_PER_LEASE) lose(`not renewed for ${Math.round((clock.now() - renewedAt) / 1000)}s`);
      if (lost) throw new LockLost(`lost the lock (${store.where}): ${lost}; stopped before the next change`);
    },
    renew,
    release: async () => {
      stop();
      // Bounded: a cluster gone away must not hold the exit for minutes; an unreleased lease expires by itself.
      await within(clock, duration * 1000, (async () => {
        await renewing;
        released = true;
        // Only the version we last wrote: a lease someone took over since is theirs and stays.
        await store.remove(version).catch(() => false);
      })());
      released = true;
    },
  };
}

/** Clears the lease whoever holds it; with an id, only that holder's (so a lock taken since is not cleared by mistake). */
export async function forceUnlock(store: LeaseStore, id?: string): Promise<LockHolder | undefined> {
  const current = await store.read();
  if (!current) return undefined;
  if (id && current.lease.holder?.id !== id) throw new Error(`the lock is ${current.lease.holder?.id ?? current.lease.holderIdentity}, not ${id}; nothing was cleared`);
  if (!(await store.remove(current.resourceVersion))) throw new Error("the lock changed while clearing it; nothing was cleared, look again");
  return current.lease.holder ?? { id: current.lease.holderIdentity, pid: 0, host: "?", user: "?", command: "?", since: current.lease.acquireTime };
}
