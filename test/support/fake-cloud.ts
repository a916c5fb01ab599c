/**
 * A small second provider for tests of the provider-neutral core: an in-memory "cloud" whose resources are `ensure`d
 * and `remove`d, which assigns outputs (an id, and an FQDN to servers) when it creates one, with its planning module
 * and in-memory state stores, so a plan without Kubernetes steps can be planned, deployed and taken down with no
 * cluster at all.
 */
import type { LeaseRecord, LeaseStore } from "../../src/engine/lock.ts";
import type { Revision, RevisionStore } from "../../src/engine/revisions.ts";
import type { PlanStep } from "../../src/plan/step.ts";
import type { ProviderPlanning } from "../../src/providers/planning.ts";
import { type LiveState, type OwnedObject, type Provider, ProviderRequestFailed, type RunResult } from "../../src/providers/provider.ts";
import { ready, type Verdict } from "../../src/readiness/verdict.ts";
import type { AzureResource } from "../../src/resources/azure-resource.ts";
import type { DesiredResource } from "../../src/resources/desired.ts";
import { keyOfId, SUBSCRIPTION_SCOPE } from "../../src/resources/identity.ts";
import type { Outputs } from "../../src/resources/outputs.ts";

export const FAKE = "fake";

export const fakeKey = (type: string, name: string): string => keyOfId({ provider: FAKE, type, scope: SUBSCRIPTION_SCOPE, name });

/** A desired resource of the fake cloud (shaped as an Azure one, named by provider "fake"). */
export function fakeDesired(type: string, name: string, body: Record<string, unknown>, needs: string[] = []): DesiredResource {
  const resource: AzureResource = { type, apiVersion: "1", id: `/fake/${type}/${name}`, name, body };
  return { key: fakeKey(type, name), provider: FAKE, resource, origin: ["spec", "fake", name], group: ["fake", name], ...(needs.length ? { needs } : {}) } as unknown as DesiredResource;
}

const resourceOf = (step: PlanStep): AzureResource => {
  const a = step.action;
  if (a.type !== "ensure" && a.type !== "remove") throw new Error(`the fake cloud cannot ${a.type}`);
  return a.resource;
};

export const fakePlanning: ProviderPlanning = {
  provider: FAKE,
  onCluster: false,
  stepFor(r) {
    const resource = (r as unknown as { resource: AzureResource }).resource;
    return { title: `ensure ${resource.type} ${resource.name}`, action: { type: "ensure", resource } };
  },
  impliedNeeds: () => [],
  phaseOf: () => "core",
  timeoutMs: () => 60_000,
  ordered: () => ({ phase: "core", namespace: undefined }),
  orderingRules: [],
  keyOf: (o) => fakeKey(o.ref.kind, o.ref.name),
  describe: (ref) => `${ref.kind} ${ref.name}`,
  removal: (o) => ({ type: "remove", resource: { type: o.ref.kind, apiVersion: o.ref.apiVersion, id: `/fake/${o.ref.kind}/${o.ref.name}`, name: o.ref.name, body: {} } }),
  containerOf: () => undefined,
  dataHolders: (owned) => new Set(owned.filter((o) => o.holdsData).map((o) => fakeKey(o.ref.kind, o.ref.name))),
  holds: () => "",
};

interface Stored {
  readonly type: string;
  readonly body: unknown;
  readonly digest: string;
  readonly outputs: Outputs;
}

export class FakeCloud implements Provider {
  readonly name = FAKE;
  readonly resources = new Map<string, Stored>();
  readonly runs: string[] = [];
  /** Bodies as each inspect and run saw them (after the engine substituted outputs). */
  readonly seen: { readonly step: string; readonly stage: "inspect" | "run"; readonly body: unknown }[] = [];

  constructor(
    readonly options: {
      /** Names whose run fails (a request the cloud refuses). */
      readonly failing?: Set<string>;
      /** Whether inspect reports a live resource's outputs (a real provider does; off proves the journal's are used). */
      readonly inspectOutputs?: boolean;
    } = {},
  ) {}

  async preflight() {
    return { endpoint: "fake://cloud", version: "fake-1" };
  }

  async inspect(step: PlanStep): Promise<LiveState> {
    const r = resourceOf(step);
    this.seen.push({ step: step.id, stage: "inspect", body: r.body });
    const live = this.resources.get(r.name);
    if (!live) return { exists: false, ownership: "absent", changes: [{ field: "(object)", to: "created" }], intentChanged: true };
    if (step.action.type === "remove") return { exists: true, ownership: "ours", changes: [{ field: "(object)", from: "present", to: "deleted" }], intentChanged: true };
    const same = JSON.stringify(live.body) === JSON.stringify(r.body);
    return {
      exists: true,
      ownership: "ours",
      changes: same ? [] : [{ field: "body", from: live.body, to: r.body }],
      intentChanged: live.digest !== step.digest,
      ...(this.options.inspectOutputs === false ? {} : { outputs: live.outputs }),
    };
  }

  async run(step: PlanStep): Promise<RunResult> {
    const r = resourceOf(step);
    this.runs.push(step.id);
    if (step.action.type === "remove") {
      this.resources.delete(r.name);
      return { did: "deleted", mutated: true };
    }
    this.seen.push({ step: step.id, stage: "run", body: r.body });
    if (this.options.failing?.has(r.name)) throw new ProviderRequestFailed(`ensure ${r.name}: the cloud refused the request`, 400);
    const outputs: Outputs = { id: r.id, ...(r.type === "server" ? { fqdn: `${r.name}.fake.example` } : {}) };
    const created = !this.resources.has(r.name);
    this.resources.set(r.name, { type: r.type, body: r.body, digest: step.digest, outputs });
    return { did: created ? "created" : "updated", mutated: true, outputs };
  }

  async check(): Promise<Verdict> {
    return ready("in place");
  }

  async explain(): Promise<string[]> {
    return [];
  }

  async owned(): Promise<OwnedObject[]> {
    return [...this.resources.entries()].map(([name, r]) => ({ ref: { apiVersion: "1", kind: r.type, name }, holdsData: false, adopted: false, labelled: true }));
  }
}

/** The lock, in memory: conditional writes by a version counter, as the cluster's Lease has. */
export class MemoryLeaseStore implements LeaseStore {
  readonly where = "memory lease";
  #lease: { lease: LeaseRecord; resourceVersion: string } | undefined;
  #version = 0;

  async read() {
    return this.#lease;
  }
  async create(lease: LeaseRecord) {
    if (this.#lease) return "conflict" as const;
    this.#lease = { lease, resourceVersion: String(++this.#version) };
    return { resourceVersion: this.#lease.resourceVersion };
  }
  async replace(lease: LeaseRecord, resourceVersion: string) {
    if (!this.#lease) return "gone" as const;
    if (this.#lease.resourceVersion !== resourceVersion) return "conflict" as const;
    this.#lease = { lease, resourceVersion: String(++this.#version) };
    return { resourceVersion: this.#lease.resourceVersion };
  }
  async remove(resourceVersion?: string) {
    if (!this.#lease || (resourceVersion && this.#lease.resourceVersion !== resourceVersion)) return false;
    this.#lease = undefined;
    return true;
  }
}

export class MemoryRevisionStore implements RevisionStore {
  readonly where = "memory revisions";
  readonly revisions = new Map<number, Revision>();

  async list() {
    return [...this.revisions.values()].sort((a, b) => a.revision - b.revision);
  }
  async create(r: Revision) {
    if (this.revisions.has(r.revision)) throw new Error(`revision ${r.revision} exists`);
    this.revisions.set(r.revision, r);
  }
  async replace(r: Revision) {
    this.revisions.set(r.revision, r);
  }
  async remove(revision: number) {
    this.revisions.delete(revision);
  }
}
