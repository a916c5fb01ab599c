/**
 * The lock in a blob container: a **blob lease** on `<folder>/lock`, an empty block blob whose metadata names the
 * holder. The Blob service is the judge: a lease is held or not, for a fixed 15–60 s unless renewed, and expires by
 * itself when its holder dies — no clock of berth's decides who holds it. Mapped onto LeaseStore (engine/lock.ts):
 *
 * - create  — when the blob is not leased: write the holder to its metadata, only if the blob is still the version
 *             just read (If-Match), then acquire the lease, only if the blob is still the version written. Of two
 *             runs, one writes first and the other's write or acquire is refused (412); a blob leased meanwhile is
 *             "conflict". So the metadata of a leased blob is always its holder's: a refused run names the holder.
 * - read    — the blob's properties: not leased (available, expired, broken) is no lock; leased is the holder from
 *             the metadata, renewed as of the service's clock (it expires at most a lease's duration from now).
 * - replace — with the lease id this store handed out (`lease:<id>`): renew it; a lease broken, released or taken
 *             by another run since answers that the lease is lost, and why. With a version `read` handed out
 *             (`etag:<etag>`, the engine's clock says the holder's lease has expired): take it as `create` does, only
 *             if the blob is still that version and the service no longer holds the lease — whatever the clocks say,
 *             a live holder is never taken over.
 * - remove  — with the lease id: release it; with a version read, or none: break it at once (`berth unlock --force`),
 *             only that version when given.
 *
 * Renewals do not change the blob, so its ETag names one holding: `unlock --force --id` breaks only the lease it read.
 */
import { randomUUID } from "node:crypto";
import type { BlobGetPropertiesResponse, BlockBlobClient } from "@azure/storage-blob";
import type { LeaseLost, LeaseRecord, LeaseStore, LockHolder } from "../../engine/lock.ts";
import { type BlobStateContainer, isAnswer } from "./blob-container.ts";

export const LOCK_BLOB = "lock";
/** The Blob service's bounds for a fixed lease. */
export const MIN_LEASE_SECONDS = 15;
export const MAX_LEASE_SECONDS = 60;
/** Metadata format of the lock blob. */
const LOCK_METADATA_VERSION = "1";
/** Looks at the blob again at most this often in one `create` when other runs keep writing it first. */
const RACE_PASSES = 10;

export class BlobLeaseStore implements LeaseStore {
  constructor(private readonly container: BlobStateContainer) {}

  get where(): string {
    return `blob lease ${this.container.where(LOCK_BLOB)}`;
  }

  /** unlock --force breaks the lease (the blob stays). */
  readonly clearing = "broken";

  #blob(c: { getBlockBlobClient(name: string): BlockBlobClient }): BlockBlobClient {
    return c.getBlockBlobClient(this.container.name(LOCK_BLOB));
  }

  async read(): Promise<{ lease: LeaseRecord; resourceVersion: string } | undefined> {
    const p = await this.#properties();
    if (p === undefined || !isLeased(p)) return undefined;
    return { lease: recordOf(p), resourceVersion: `etag:${p.etag}` };
  }

  async create(lease: LeaseRecord): Promise<{ resourceVersion: string } | "conflict"> {
    const duration = checkedDuration(lease.leaseDurationSeconds);
    // Each pass ends with the lock taken, held by another, or someone else's write seen: then look again.
    for (let pass = 0; pass < RACE_PASSES; pass++) {
      const p = await this.#properties();
      if (p === undefined) {
        // The first run of this platform/env: the blob (and perhaps the container) is made, already naming us.
        const made = await this.container.request(`create the lock blob (${this.where})`, (c) => this.#blob(c).upload("", 0, { conditions: { ifNoneMatch: "*" }, metadata: metadataOf(lease) }), [409, 412], true);
        if (isAnswer(made)) continue;
        const taken = await this.#acquire(duration, made.etag!);
        if (taken) return taken;
        continue;
      }
      if (isLeased(p)) return "conflict";
      const taken = await this.#take(lease, duration, p);
      if (taken) return taken;
    }
    return "conflict";
  }

  async replace(lease: LeaseRecord, resourceVersion: string): Promise<{ resourceVersion: string } | "conflict" | "gone" | LeaseLost> {
    const [kind, value] = splitVersion(resourceVersion);
    if (kind === "lease") {
      const renewed = await this.container.request(`renew the lock (${this.where})`, (c) => this.#blob(c).getBlobLeaseClient(value).renewLease(), [404, 409]);
      if (!isAnswer(renewed)) return { resourceVersion };
      if (renewed.status === 404) return { lost: "the lock blob was deleted" };
      if (renewed.code === "LeaseIsBrokenAndCannotBeRenewed") return { lost: "the lease was broken (berth unlock --force?)" };
      return { lost: await this.#lostTo() };
    }
    if (kind !== "etag") return "conflict";
    const p = await this.#properties();
    if (p === undefined) return "gone";
    if (p.etag !== value || isLeased(p)) return "conflict";
    return (await this.#take(lease, checkedDuration(lease.leaseDurationSeconds), p)) ?? "conflict";
  }

  async remove(resourceVersion?: string): Promise<boolean> {
    const [kind, value] = resourceVersion ? splitVersion(resourceVersion) : ["etag", undefined];
    if (kind === "lease") {
      const released = await this.container.request(`release the lock (${this.where})`, (c) => this.#blob(c).getBlobLeaseClient(value).releaseLease(), [404, 409]);
      return !isAnswer(released);
    }
    if (kind !== "etag") return false;
    const conditions = value ? { conditions: { ifMatch: value } } : {};
    const broken = await this.container.request(`break the lock (${this.where})`, (c) => this.#blob(c).getBlobLeaseClient().breakLease(0, conditions), [404, 409, 412]);
    return !isAnswer(broken);
  }

  async #properties(): Promise<BlobGetPropertiesResponse | undefined> {
    const p = await this.container.request(`read the lock (${this.where})`, (c) => this.#blob(c).getProperties(), [404]);
    return isAnswer(p) ? undefined : p;
  }

  /** Names us in the metadata of the blob as read, then leases it; undefined when another run changed it first. */
  async #take(lease: LeaseRecord, duration: number, p: BlobGetPropertiesResponse): Promise<{ resourceVersion: string } | undefined> {
    let etag = p.etag!;
    // Already naming us: our own write, whose answer was lost and the request retried.
    if (!(lease.holder && holderIdOf(p) === lease.holder.id)) {
      const named = await this.container.request(`record the lock's holder (${this.where})`, (c) => this.#blob(c).setMetadata(metadataOf(lease), { conditions: { ifMatch: etag } }), [404, 412]);
      if (isAnswer(named)) return undefined;
      etag = named.etag!;
    }
    return this.#acquire(duration, etag);
  }

  /** Leases the blob if it is still version `etag`; undefined when it is not (written or leased since). */
  async #acquire(duration: number, etag: string): Promise<{ resourceVersion: string } | undefined> {
    // A new lease id each time; a retried acquire with the same id is answered as ours by the service.
    const id = randomUUID();
    const taken = await this.container.request(`take the lock (${this.where})`, (c) => this.#blob(c).getBlobLeaseClient(id).acquireLease(duration, { conditions: { ifMatch: etag } }), [404, 409, 412]);
    return isAnswer(taken) ? undefined : { resourceVersion: `lease:${id}` };
  }

  /** Why a renewal was refused although the lease was not broken: another run holds it now, or nobody does. */
  async #lostTo(): Promise<string> {
    const now = await this.read().catch(() => undefined);
    const by = now?.lease.holder?.command ?? now?.lease.holderIdentity;
    return by ? `the lease expired unrenewed and was taken by ${by}` : "the lease expired unrenewed or was released";
  }
}

const isLeased = (p: BlobGetPropertiesResponse): boolean => p.leaseState === "leased" || p.leaseState === "breaking";

function checkedDuration(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < MIN_LEASE_SECONDS || seconds > MAX_LEASE_SECONDS)
    throw new Error(`a blob lease lasts ${MIN_LEASE_SECONDS}–${MAX_LEASE_SECONDS} whole seconds, not ${seconds}`);
  return seconds;
}

const splitVersion = (version: string): [string, string] => {
  const colon = version.indexOf(":");
  return colon < 0 ? ["", version] : [version.slice(0, colon), version.slice(colon + 1)];
};

/**
 * Metadata values are HTTP header values (ASCII): the record is stored as base64 JSON, and the holder's identity
 * URI-encoded beside it for people reading it with `az storage blob metadata show`.
 */
function metadataOf(lease: LeaseRecord): Record<string, string> {
  return {
    berthlock: LOCK_METADATA_VERSION,
    holder: encodeURIComponent(lease.holderIdentity),
    lease: Buffer.from(JSON.stringify(lease)).toString("base64"),
  };
}

const storedOf = (p: BlobGetPropertiesResponse): Partial<LeaseRecord> => {
  try {
    if (p.metadata?.berthlock === LOCK_METADATA_VERSION && p.metadata.lease) return JSON.parse(Buffer.from(p.metadata.lease, "base64").toString("utf8")) as Partial<LeaseRecord>;
  } catch {
    // not berth's, or damaged: no holder
  }
  return {};
};

const holderIdOf = (p: BlobGetPropertiesResponse): string | undefined => {
  const h = storedOf(p).holder;
  return isHolder(h) ? h.id : undefined;
};

/** The lease as read: its holder from the metadata (unknown when another tool leased the blob), renewed as of now. */
function recordOf(p: BlobGetPropertiesResponse): LeaseRecord {
  const now = (p.date ?? new Date()).toISOString();
  const stored = storedOf(p);
  const holder = isHolder(stored.holder) ? stored.holder : undefined;
  return {
    holderIdentity: typeof stored.holderIdentity === "string" ? stored.holderIdentity : "unknown (the lease carries no berth holder)",
    // An infinite lease (taken by hand) never expires by itself: shown as the longest a fixed one lasts.
    leaseDurationSeconds: typeof stored.leaseDurationSeconds === "number" ? stored.leaseDurationSeconds : MAX_LEASE_SECONDS,
    acquireTime: typeof stored.acquireTime === "string" ? stored.acquireTime : now,
    // The service says it is leased now: it expires at most a lease's duration from the service's now.
    renewTime: now,
    leaseTransitions: typeof stored.leaseTransitions === "number" ? stored.leaseTransitions : 0,
    ...(holder ? { holder } : {}),
  };
}

const isHolder = (h: unknown): h is LockHolder => {
  const x = h as Partial<LockHolder> | undefined;
  return typeof x === "object" && x !== null && typeof x.id === "string" && typeof x.pid === "number" && typeof x.host === "string" && typeof x.user === "string" && typeof x.command === "string" && typeof x.since === "string";
};
