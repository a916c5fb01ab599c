/** What simulated controllers share: the store, events, faults, timing and write helpers that only bump resourceVersion on change. */
import { applyDefaults, initialStatus } from "./defaults.ts";
import type { Events, EventSpec } from "./events.ts";
import type { Faults } from "./faults.ts";
import { groupOf, type Registry } from "./resources.ts";
import type { Store } from "./store.ts";
import type { Obj, Scenario } from "./types.ts";
import { clone, deepEqual, isoSeconds } from "./util.ts";
import type { ContainerRunner } from "./container-runner.ts";
import { admitPod } from "./workload-identity-webhook.ts";

export const DEFAULT_READY_MS = 5;

export class World {
  readonly store: Store;
  readonly events: Events;
  readonly faults: Faults;
  readonly registry: Registry;
  scenario: Scenario = {};
  now = 0;
  /** Runs the containers the scenario wants run for real (container-runner.ts). */
  runner: ContainerRunner | undefined;
  /** per-object memory of controllers (rollout start, first-seen times), keyed by uid */
  private readonly memory = new Map<string, Obj>();

  constructor(store: Store, events: Events, faults: Faults, registry: Registry) {
    this.store = store;
    this.events = events;
    this.faults = faults;
    this.registry = registry;
  }

  readyAfter(kind: string): number {
    return this.scenario.readyAfterMs?.[kind] ?? DEFAULT_READY_MS;
  }

  mem(o: Obj): Obj {
    const uid = o.metadata.uid;
    let m = this.memory.get(uid);
    if (!m) this.memory.set(uid, (m = {}));
    return m;
  }

  forget(uid: string): void {
    this.memory.delete(uid);
  }

  nowIso(): string {
    return isoSeconds(this.now);
  }

  /** Objects of `group/kind` whose controller owner reference names `owner`. */
  owned(owner: Obj, group: string, kind: string): Obj[] {
    return this.store
      .list(group, kind, owner.metadata.namespace)
      .filter((o) => (o.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === owner.metadata.uid && r.controller));
  }

  /** The object and its controller owners up the chain (pod, replicaset, deployment). */
  chain(o: Obj): Obj[] {
    const out = [o];
    let cur: Obj | undefined = o;
    while (cur && out.length < 5) {
      const ref: Obj | undefined = (cur.metadata.ownerReferences ?? []).find((r: Obj) => r.controller) ?? cur.metadata.ownerReferences?.[0];
      cur = ref ? this.store.byUid(ref.uid) : undefined;
      if (cur) out.push(cur);
    }
    return out;
  }

  /** Creates an object the way the API server would store it (defaults, initial status, generation). */
  create(o: Obj): Obj {
    const next = clone(o);
    applyDefaults(next);
    admitPod(this.store, this.scenario, next);
    const def = this.registry.byKind(groupOf(next.apiVersion), next.kind);
    const s = initialStatus(next.kind);
    if (s && next.status === undefined) next.status = s;
    if (def?.generation) next.metadata.generation = 1;
    return this.store.create(next);
  }

  /** Writes a changed spec/metadata (bumping generation when the spec changed). */
  update(o: Obj, mutate: (x: Obj) => void): Obj {
    const next = clone(o);
    mutate(next);
    if (deepEqual(next, o)) return o;
    const def = this.registry.byKind(groupOf(next.apiVersion), next.kind);
    if (def?.generation && !deepEqual(next.spec, o.spec)) next.metadata.generation = (o.metadata.generation ?? 0) + 1;
    return this.store.update(next);
  }

  /** Writes status only when it differs from the stored one. */
  setStatus(o: Obj, status: Obj): Obj {
    if (deepEqual(o.status, status)) return o;
    return this.store.update({ ...clone(o), status: clone(status) });
  }

  remove(o: Obj): void {
    this.store.remove(o);
    this.forget(o.metadata.uid);
  }

  event(involved: Obj, component: string, spec: EventSpec): void {
    this.events.record(involved, component, spec);
  }

  /** A condition list entry that keeps its transition time while its status stays the same. */
  condition(prev: Obj[] | undefined, type: string, status: boolean, reason: string, message: string, withUpdateTime = false): Obj {
    const old = (prev ?? []).find((c) => c.type === type);
    const s = status ? "True" : "False";
    const now = this.nowIso();
    const sameStatus = old?.status === s;
    const same = sameStatus && old?.reason === reason && old?.message === message;
    return {
      type,
      status: s,
      ...(withUpdateTime ? { lastUpdateTime: same ? (old?.lastUpdateTime ?? now) : now } : {}),
      lastTransitionTime: sameStatus ? (old?.lastTransitionTime ?? now) : now,
      reason,
      message,
    };
  }
}

export const isPodReady = (p: Obj): boolean =>
  p.status?.phase === "Running" && (p.status?.conditions ?? []).some((c: Obj) => c.type === "Ready" && c.status === "True");
export const isTerminating = (o: Obj): boolean => Boolean(o.metadata?.deletionTimestamp);
export const omitZero = (o: Obj): Obj => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0 && v !== undefined));
