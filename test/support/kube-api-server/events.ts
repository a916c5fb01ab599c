/** core/v1 Events as the kubelet and controllers record them (deduplicated: repeats bump count and lastTimestamp). */
import type { Store } from "./store.ts";
import type { Obj } from "./types.ts";
import { clone, hex, isoSeconds } from "./util.ts";

export interface EventSpec {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  /** for repeating events: how many times it has happened so far */
  count?: number;
  fieldPath?: string;
}

export class Events {
  private readonly store: Store;
  private readonly names = new Map<string, string>();
  constructor(store: Store) {
    this.store = store;
  }

  /** Records `spec` against `involved` (emitted from `component`); a repeat with a higher count updates the existing Event. */
  record(involved: Obj, component: string, spec: EventSpec): void {
    const ns = involved.metadata?.namespace ?? "default";
    const nsObj = this.store.get("", "Namespace", undefined, ns);
    if (!nsObj || nsObj.metadata.deletionTimestamp) return;
    const key = `${involved.metadata.uid}|${spec.reason}|${spec.message}`;
    const count = spec.count ?? 1;
    const now = isoSeconds(this.store.now());
    const existingName = this.names.get(key);
    const existing = existingName ? this.store.get("", "Event", ns, existingName) : undefined;
    if (existing) {
      if ((existing.count ?? 1) >= count) return;
      const next = clone(existing);
      next.count = count;
      next.lastTimestamp = now;
      this.store.update(next);
      return;
    }
    const name = `${involved.metadata.name}.${hex(key, 16)}`;
    this.names.set(key, name);
    if (this.store.get("", "Event", ns, name)) return;
    this.store.create({
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace: ns },
      involvedObject: {
        apiVersion: involved.apiVersion,
        kind: involved.kind,
        name: involved.metadata.name,
        ...(involved.metadata.namespace ? { namespace: involved.metadata.namespace } : {}),
        uid: involved.metadata.uid,
        resourceVersion: involved.metadata.resourceVersion,
        ...(spec.fieldPath ? { fieldPath: spec.fieldPath } : {}),
      },
      reason: spec.reason,
      message: spec.message,
      type: spec.type,
      source: { component, ...(component === "kubelet" ? { host: NODE_NAME } : {}) },
      firstTimestamp: now,
      lastTimestamp: now,
      count,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: component === "kubelet" ? NODE_NAME : "",
    });
  }
}

export const NODE_NAME = "berth-test-node";
