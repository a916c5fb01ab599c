/**
 * berth's own state in the cluster: one Lease per platform/env (the lock) and one Secret per revision (the history),
 * in a namespace of their own (default `berth-system`) so that `down`, which deletes the platform's namespaces,
 * never deletes its own record. Neither carries the `berth.dev/instance` label: that label is how prune and down
 * find what to delete.
 */
import type { LeaseRecord, LeaseStore, LockHolder } from "../../engine/lock.ts";
import { decodeRevision, encodeRevisionToFit, type Revision, type RevisionStore, RevisionTooLarge } from "../../engine/revisions.ts";
import { LABEL } from "../../resources/labels.ts";
import type { KubeClient } from "./client.ts";
import { serverMessage, statusOf } from "./errors.ts";
import type { Json } from "./rest.ts";
import { StateStoreError } from "../provider.ts";

export const DEFAULT_STATE_NAMESPACE = "berth-system";

/** Labels and annotations of berth's state objects. */
export const STATE = {
  /** Which platform/env a Lease or revision belongs to (not `berth.dev/instance`: prune must never see these). */
  of: "berth.dev/state-of",
  revision: "berth.dev/revision",
  status: "berth.dev/status",
  holder: "berth.dev/holder",
  revisionType: "berth.dev/revision.v1",
} as const;

const LEASE = { apiVersion: "coordination.k8s.io/v1", kind: "Lease" } as const;
const SECRET = { apiVersion: "v1", kind: "Secret" } as const;

export const leaseName = (instance: string): string => `berth.${instance}`;
export const revisionName = (instance: string, n: number): string => `berth.${instance}.v${n}`;

export { StateStoreError } from "../provider.ts";

const PERMISSIONS = "berth needs, in its state namespace, get/create/update/delete on leases and list/create/update/delete on secrets (see docs/design/0004-state-in-the-cluster.md)";

/**
 * How long one state request keeps retrying: about a lease's duration. The run's own steps wait up to their deadline;
 * berth's bookkeeping (lock, history) must not hold a run, or its exit, for minutes after the cluster has gone.
 */
export const STATE_RETRY_MS = 30_000;

/** Sends one request; answers the server gives for a race (404, 409) are results, not errors to retry. */
async function attempt<T>(client: KubeClient, request: () => Promise<T>, what: string): Promise<T | 404 | 409> {
  try {
    return await client.call(async () => {
      try {
        return await request();
      } catch (error) {
        const code = statusOf(error);
        if (code === 404 || code === 409) return code;
        throw error;
      }
    }, { deadlineMs: STATE_RETRY_MS });
  } catch (error) {
    const code = statusOf(error);
    if (code === undefined) throw error;
    throw new StateStoreError(`cannot ${what}: ${serverMessage(error)}${code === 401 || code === 403 ? `; ${PERMISSIONS}` : ""}`);
  }
}

/** The namespace berth's state lives in: read first, created when missing (rights to create namespaces are needed once). */
export class StateNamespace {
  #ready: Promise<void> | undefined;

  /** A getter when the cluster is connected lazily (an AKS cluster of the plan): asked only once the lock is taken. */
  constructor(
    readonly clientOf: KubeClient | (() => KubeClient),
    readonly name: string = DEFAULT_STATE_NAMESPACE,
  ) {}

  get client(): KubeClient {
    return typeof this.clientOf === "function" ? this.clientOf() : this.clientOf;
  }

  ensure(): Promise<void> {
    this.#ready ??= (async () => {
      const rest = this.client.rest;
      const path = await rest.pathOf({ apiVersion: "v1", kind: "Namespace", name: this.name });
      if ((await attempt(this.client, () => rest.request("GET", path), `read the namespace ${this.name}`)) !== 404) return;
      const made = await attempt(this.client, () => rest.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: this.name, labels: { [LABEL.managedBy]: "berth" } } }), `create the namespace ${this.name} (or create it beforehand)`);
      if (made === 404) throw new Error(`cannot create the namespace ${this.name} for berth's lock and history`);
    })().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }
}

/** The lock: `Lease <namespace>/berth.<platform>.<env>`, the holder's details in an annotation. */
export class KubeLeaseStore implements LeaseStore {
  constructor(
    private readonly ns: StateNamespace,
    private readonly instance: string,
  ) {}

  get where(): string {
    return `Lease ${this.ns.name}/${leaseName(this.instance)}`;
  }

  get #client(): KubeClient {
    return this.ns.client;
  }

  async #path(): Promise<string> {
    return this.#client.rest.pathOf({ ...LEASE, namespace: this.ns.name, name: leaseName(this.instance) });
  }

  #object(lease: LeaseRecord, resourceVersion?: string): Json {
    const h = lease.holder;
    return {
      ...LEASE,
      metadata: {
        name: leaseName(this.instance),
        namespace: this.ns.name,
        labels: { [LABEL.managedBy]: "berth", [STATE.of]: this.instance },
        ...(h ? { annotations: { [STATE.holder]: JSON.stringify(h) } } : {}),
        ...(resourceVersion ? { resourceVersion } : {}),
      },
      spec: {
        holderIdentity: lease.holderIdentity,
        leaseDurationSeconds: lease.leaseDurationSeconds,
        acquireTime: lease.acquireTime,
        renewTime: lease.renewTime,
        leaseTransitions: lease.leaseTransitions,
      },
    };
  }

  async read(): Promise<{ lease: LeaseRecord; resourceVersion: string } | undefined> {
    const path = await this.#path();
    const o = await attempt(this.#client, () => this.#client.rest.request("GET", path), `read the lock (${this.where})`);
    if (o === 404 || o === 409) return undefined;
    let holder: LockHolder | undefined;
    try {
      holder = (JSON.parse(o.metadata?.annotations?.[STATE.holder] ?? "null") as LockHolder | null) ?? undefined;
    } catch {
      holder = undefined;
    }
    const spec = o.spec ?? {};
    return {
      resourceVersion: String(o.metadata?.resourceVersion ?? ""),
      lease: {
        holderIdentity: String(spec.holderIdentity ?? ""),
        leaseDurationSeconds: Number(spec.leaseDurationSeconds ?? 0),
        acquireTime: String(spec.acquireTime ?? spec.renewTime ?? ""),
        renewTime: String(spec.renewTime ?? spec.acquireTime ?? ""),
        leaseTransitions: Number(spec.leaseTransitions ?? 0),
        ...(holder ? { holder } : {}),
      },
    };
  }

  async create(lease: LeaseRecord): Promise<{ resourceVersion: string } | "conflict"> {
    await this.ns.ensure();
    const o = await attempt(this.#client, () => this.#client.rest.create(this.#object(lease)), `take the lock (${this.where})`);
    if (o === 409) return "conflict";
    if (o === 404) throw new Error(`the namespace ${this.ns.name} is gone`);
    return { resourceVersion: String(o.metadata?.resourceVersion ?? "") };
  }

  async replace(lease: LeaseRecord, resourceVersion: string): Promise<{ resourceVersion: string } | "conflict" | "gone"> {
    const path = await this.#path();
    const o = await attempt(this.#client, () => this.#client.rest.request("PUT", path, { body: this.#object(lease, resourceVersion) }), `renew the lock (${this.where})`);
    if (o === 409) return "conflict";
    if (o === 404) return "gone";
    return { resourceVersion: String(o.metadata?.resourceVersion ?? "") };
  }

  async remove(resourceVersion?: string): Promise<boolean> {
    const path = await this.#path();
    const body = { kind: "DeleteOptions", apiVersion: "v1", ...(resourceVersion ? { preconditions: { resourceVersion } } : {}) };
    const r = await attempt(this.#client, () => this.#client.rest.request("DELETE", path, { body }), `release the lock (${this.where})`);
    return r !== 404 && r !== 409;
  }
}

/** The history: `Secret <namespace>/berth.<platform>.<env>.v<n>` of type berth.dev/revision.v1, the revision gzip-compressed. */
export class KubeRevisionStore implements RevisionStore {
  constructor(
    private readonly ns: StateNamespace,
    private readonly instance: string,
  ) {}

  get where(): string {
    return `Secrets ${this.ns.name}/berth.${this.instance}.v*`;
  }

  get #client(): KubeClient {
    return this.ns.client;
  }

  #encoded(r: Revision): string {
    try {
      return encodeRevisionToFit(r).toString("base64");
    } catch (error) {
      if (error instanceof RevisionTooLarge) throw new StateStoreError(error.message);
      throw error;
    }
  }

  #secret(r: Revision, resourceVersion?: string): Json {
    return {
      ...SECRET,
      type: STATE.revisionType,
      metadata: {
        name: revisionName(this.instance, r.revision),
        namespace: this.ns.name,
        labels: { [LABEL.managedBy]: "berth", [STATE.of]: this.instance, [STATE.revision]: String(r.revision), [STATE.status]: r.status },
        ...(resourceVersion ? { resourceVersion } : {}),
      },
      data: { revision: this.#encoded(r) },
    };
  }

  async list(): Promise<Revision[]> {
    const found = await attempt(this.#client, () => this.#client.rest.list(SECRET.apiVersion, SECRET.kind, { namespace: this.ns.name, labelSelector: `${STATE.of}=${this.instance}` }), `read the history (${this.where})`);
    const items = typeof found === "number" ? [] : found;
    const out: Revision[] = [];
    for (const s of items) {
      if (s.type !== STATE.revisionType || typeof s.data?.revision !== "string") continue;
      try {
        out.push(decodeRevision(Buffer.from(s.data.revision, "base64")));
      } catch {
        // damaged by hand or written by a newer berth: left out of history and rollback
      }
    }
    return out.sort((a, b) => a.revision - b.revision);
  }

  async create(r: Revision): Promise<void> {
    await this.ns.ensure();
    const o = await attempt(this.#client, () => this.#client.rest.create(this.#secret(r)), `record revision ${r.revision} (${this.where})`);
    if (o === 409 && (await this.list()).find((x) => x.revision === r.revision)?.run !== r.run)
      // (the same run's revision is a retried create whose first try landed)
      throw new Error(`revision ${r.revision} of ${this.instance} already exists (${this.where}): was the lock cleared under a running berth?`);
    if (o === 404) throw new Error(`the namespace ${this.ns.name} is gone`);
  }

  /** Only ever called by the lock's holder, so a plain replace is safe; the revision's own name and labels are rewritten whole. */
  async replace(r: Revision): Promise<void> {
    const path = await this.#client.rest.pathOf({ ...SECRET, namespace: this.ns.name, name: revisionName(this.instance, r.revision) });
    const o = await attempt(this.#client, () => this.#client.rest.request("PUT", path, { body: this.#secret(r) }), `record revision ${r.revision} (${this.where})`);
    if (o === 404) await this.create(r);
    else if (o === 409) throw new Error(`revision ${r.revision} of ${this.instance} changed while being written`);
  }

  async remove(revision: number): Promise<void> {
    const path = await this.#client.rest.pathOf({ ...SECRET, namespace: this.ns.name, name: revisionName(this.instance, revision) });
    await attempt(this.#client, () => this.#client.rest.request("DELETE", path, { body: { kind: "DeleteOptions", apiVersion: "v1" } }), `delete revision ${revision} beyond --history-max (${this.where})`);
  }
}
