/**
 * The controller loop: every move of the clock (and a nudge after every API write) runs every controller in a fixed
 * order. On virtual time the controllers see exactly the time the clock says, so a state arrives after the same
 * virtual delay however slow the machine is; on the system clock a timer ticks instead.
 */
import { autoscalers, crds, disruptionBudgets, garbageCollect, ingresses, namespaces, services, volumes } from "./cluster.ts";
import { kubelet } from "./kubelet.ts";
import { WORKLOAD_CONTROLLERS } from "./workloads.ts";
import type { Obj } from "./types.ts";
import type { VirtualClock } from "../clock.ts";
import type { Clock } from "../../../src/util/clock.ts";
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
  private readonly clock: Clock | VirtualClock;
  private running = false;
  private stopTicking: (() => void) | undefined;
  private nudged = false;
  readonly errors: unknown[] = [];

  constructor(world: World, clock: Clock | VirtualClock) {
    this.world = world;
    this.clock = clock;
  }

  start(): void {
    this.running = true;
    if ("onAdvance" in this.clock) {
      const unsubscribe = this.clock.onAdvance(() => this.tick());
      this.stopTicking = unsubscribe;
      return;
    }
    const timer = setInterval(() => this.tick(), TICK_MS);
    timer.unref();
    this.stopTicking = () => clearInterval(timer);
  }

  stop(): void {
    this.running = false;
    this.stopTicking?.();
    this.stopTicking = undefined;
  }

  /** Runs a pass soon (after the current request has been answered). */
  nudge(): void {
    if (this.nudged || !this.running) return;
    this.nudged = true;
    setImmediate(() => {
      this.nudged = false;
      if (this.running) this.tick();
    });
  }

  tick(): void {
    this.world.now = this.clock.now();
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
