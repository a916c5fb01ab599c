/** Fault bookkeeping: request faults are consumed by count, workload faults stay until the scenario changes. */
import type { Fault, ObjectRef, RequestFault, WorkloadFault } from "./types.ts";
import type { Obj } from "./types.ts";

interface Pending {
  fault: RequestFault;
  remaining: number;
}

const refMatches = (ref: ObjectRef, o: Obj): boolean =>
  ref.kind === o.kind && ref.name === o.metadata?.name && (ref.namespace === undefined || ref.namespace === o.metadata?.namespace);

export class Faults {
  private workload: WorkloadFault[] = [];
  private pending: Pending[] = [];

  reset(faults: Fault[] = []): void {
    this.workload = [];
    this.pending = [];
    for (const f of faults) this.add(f);
  }

  add(f: Fault): void {
    if ("object" in f) this.workload.push(f);
    else this.pending.push({ fault: f, remaining: f.type === "unauthorized-once" ? 1 : Math.max(0, f.count) });
  }

  /** The first pending request fault matching, consumed by one. */
  take(method: string, path: string): RequestFault | undefined {
    const hit = this.pending.find((p) => {
      if (p.remaining <= 0) return false;
      if (p.fault.type === "unauthorized-once") return true;
      const m = p.fault.match;
      return (m.method === undefined || m.method.toUpperCase() === method.toUpperCase()) && (m.path === undefined || m.path.test(path));
    });
    if (!hit) return undefined;
    hit.remaining--;
    this.pending = this.pending.filter((p) => p.remaining > 0);
    return hit.fault;
  }

  /** The first workload fault naming any object of an owner chain (the pod itself, its ReplicaSet, its Deployment…). */
  forChain(chain: Obj[], types?: WorkloadFault["type"][]): WorkloadFault | undefined {
    return this.workload.find((f) => (types === undefined || types.includes(f.type)) && chain.some((o) => refMatches(f.object, o)));
  }
}
