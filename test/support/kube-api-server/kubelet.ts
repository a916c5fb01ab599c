/** The single simulated node: schedules pods (waiting for their claims to bind), moves them through status, answers logs. */
import type { WorkloadFault } from "./types.ts";
import { podLog, podSnapshot, type LogOptions, type PodClock, type PodMode } from "./pods.ts";
import type { Obj } from "./types.ts";
import { isTerminating, type World } from "./world.ts";
import { mountSecretsStore, waitingForMount, waitForMount } from "./csi.ts";

const MODES: Record<WorkloadFault["type"], PodMode> = {
  "image-pull": "image-pull",
  "crash-loop": "crash-loop",
  oom: "oom",
  "never-ready": "never-ready",
  "progress-deadline": "never-ready",
  "job-failure": "job-failure",
  "slow-pvc": "normal",
};
const POD_FAULTS = Object.keys(MODES).filter((k) => k !== "slow-pvc") as WorkloadFault["type"][];

let ipCounter = 0;
const nextIp = (): string => {
  const n = ipCounter++;
  return `10.244.${Math.floor(n / 250)}.${(n % 250) + 2}`;
};

function claimsBound(w: World, pod: Obj): boolean {
  const claims: string[] = (pod.spec?.volumes ?? []).map((v: Obj) => v.persistentVolumeClaim?.claimName).filter(Boolean);
  return claims.every((c) => w.store.get("", "PersistentVolumeClaim", pod.metadata.namespace, c)?.status?.phase === "Bound");
}

/** Mode and clock of a pod, or undefined while it cannot be scheduled. */
function podState(w: World, pod: Obj): { mode: PodMode; clock: PodClock } | undefined {
  const m = w.mem(pod);
  const chain = w.chain(pod);
  if (m.scheduledAt === undefined) {
    if (!claimsBound(w, pod)) return undefined;
    m.scheduledAt = m.waited ? w.now : w.store.createdAt(pod);
    const top = chain[chain.length - 1]!;
    m.readyAfter = w.readyAfter(top.kind);
    m.runsToCompletion = chain.some((o) => o.kind === "Job");
    m.ip = nextIp();
  }
  const fault = w.faults.forChain(chain, POD_FAULTS);
  return {
    mode: fault ? MODES[fault.type] : "normal",
    clock: { t: w.now - m.scheduledAt, readyAfter: m.readyAfter, createdAt: m.scheduledAt, runsToCompletion: m.runsToCompletion, podIP: m.ip },
  };
}

export function kubelet(w: World): void {
  for (const pod of w.store.list("", "Pod")) {
    if (isTerminating(pod)) continue;
    let state = podState(w, pod);
    if (!state) {
      w.mem(pod).waited = true;
      const msg = "0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
      w.setStatus(pod, {
        phase: "Pending",
        conditions: [{ type: "PodScheduled", status: "False", lastProbeTime: null, lastTransitionTime: pod.metadata.creationTimestamp, reason: "Unschedulable", message: msg }],
        qosClass: pod.status?.qosClass ?? "BestEffort",
      });
      w.event(pod, "default-scheduler", { type: "Warning", reason: "FailedScheduling", message: msg });
      continue;
    }
    const failedMount = mountSecretsStore(w, pod);
    if (failedMount !== undefined) {
      waitForMount(w, pod, state.clock, failedMount);
      continue;
    }
    state = podState(w, pod)!; // a mount that waited restarts the pod's clock
    // A container the scenario runs for real reports its process, not a timeline (container-runner.ts).
    const snap = w.runner?.snapshot(w, pod, state.clock.podIP) ?? podSnapshot(pod, state.mode, state.clock);
    const current = w.setStatus(pod, snap.status);
    for (const e of snap.events) w.event(current, e.reason === "Scheduled" ? "default-scheduler" : "kubelet", e);
  }
  w.runner?.reap(new Set(w.store.list("", "Pod").filter((p) => !isTerminating(p)).map((p) => String(p.metadata.uid))));
}

export function logOf(w: World, pod: Obj, opts: LogOptions): string {
  const ran = w.runner?.log(pod);
  if (ran !== undefined) return ran;
  const state = podState(w, pod);
  if (!state) return podLog(pod, "normal", { t: 0, readyAfter: 0, createdAt: Date.now(), runsToCompletion: false, podIP: "" }, opts);
  return podLog(pod, state.mode, waitingForMount(w, pod) ? { ...state.clock, t: 0 } : state.clock, opts);
}
