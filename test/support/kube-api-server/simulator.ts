/** The controller loop: a timer (and a nudge after every API write) runs every controller in a fixed order. */
import { autoscalers, crds, disruptionBudgets, garbageCollect, ingresses, namespaces, services, volumes } from "./cluster.ts";
import { kubelet } from "./kubelet.ts";
import { WORKLOAD_CONTROLLERS } from "./workloads.ts";
import type { Obj } from "./types.ts";
import type { World } from "./world.ts";

export const TICK_MS = 5;

/** One pass, deterministic: namespaces and CRDs, workloads create children, the kubelet moves pods, workloads report, then the rest. */
const PASS: readonly ((w: World) => void)[] = [
  namespaces,
  crds,
  (w) => {
    for (const c of WORKLOAD_CONTROLLERS) for (const o of w.store.list(c.group, c.kind)) c.reconcile(w, o);
  },
  kubelet,
  (w) => {
    for (const c of WORKLOAD_CONTROLLERS) for (const o of w.store.list(c.group, c.kind)) c.status(w, fresh(w, o));
  },
  services,
  volumes,
  ingresses,
  autoscalers,
  disruptionBudgets,
  garbageCollect,
];

const fresh = (w: World, o: Obj): Obj => w.store.byUid(o.metadata.uid) ?? o;

export class Simulator {
  private readonly world: World;
  private timer: NodeJS.Timeout | undefined;
  private nudged = false;
  readonly errors: unknown[] = [];

  constructor(world: World) {
    this.world = world;
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Runs a pass soon (after the current request has been answered). */
  nudge(): void {
    if (this.nudged || !this.timer) return;
    this.nudged = true;
    setImmediate(() => {
      this.nudged = false;
      if (this.timer) this.tick();
    });
  }

  tick(): void {
    this.world.now = Date.now();
    for (const step of PASS) {
      try {
        step(this.world);
      } catch (e) {
        if (this.errors.length < 20) {
          this.errors.push(e);
          console.error("kube-api-server simulator:", e);
        }
      }
    }
  }
}
