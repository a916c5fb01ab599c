/** What the kubelet would report for a pod: a status timeline per mode (normal or a fault), its events and its log. */
import { NODE_NAME, type EventSpec } from "./events.ts";
import { ApiError, badRequest } from "./status.ts";
import type { Obj } from "./types.ts";
import { clone, hex, isoSeconds } from "./util.ts";

export type PodMode = "normal" | "image-pull" | "crash-loop" | "oom" | "never-ready" | "job-failure";

/** How long one crash / back-off round takes in the simulation. */
export const CYCLE_MS = 25;

export interface PodClock {
  /** ms since the pod was created */
  t: number;
  /** ms from creation until its containers are up (readyAfterMs of the owning workload kind) */
  readyAfter: number;
  /** ms creation time */
  createdAt: number;
  /** the pod runs to completion (Job pods) */
  runsToCompletion: boolean;
  podIP: string;
}

interface Snapshot {
  status: Obj;
  events: EventSpec[];
}

const at = (clock: PodClock, offset: number): string => isoSeconds(clock.createdAt + offset);

const condition = (type: string, status: boolean, time: string, reason?: string, message?: string): Obj => ({
  type,
  status: status ? "True" : "False",
  lastProbeTime: null,
  lastTransitionTime: time,
  ...(reason ? { reason } : {}),
  ...(message ? { message } : {}),
});

const containersOf = (pod: Obj): Obj[] => (Array.isArray(pod.spec?.containers) ? pod.spec.containers : []);
const fieldPath = (c: Obj): string => `spec.containers{${c.name}}`;

type ContainerState = { state: Obj; ready: boolean; started: boolean; restartCount: number; lastState: Obj };

/** Container state at time t for each mode, once the readiness delay is over. */
const CONTAINER: Record<PodMode, (c: Obj, pod: Obj, clk: PodClock) => ContainerState> = {
  normal: (_c, _p, clk) => ({ state: { running: { startedAt: at(clk, clk.readyAfter) } }, ready: true, started: true, restartCount: 0, lastState: {} }),
  "never-ready": (_c, _p, clk) => ({ state: { running: { startedAt: at(clk, clk.readyAfter) } }, ready: false, started: true, restartCount: 0, lastState: {} }),
  "image-pull": (c, _p, clk) => ({
    state: {
      waiting:
        clk.t < clk.readyAfter + CYCLE_MS
          ? { reason: "ErrImagePull", message: pullError(c.image) }
          : { reason: "ImagePullBackOff", message: `Back-off pulling image "${c.image}": ErrImagePull: ${pullError(c.image)}` },
    },
    ready: false,
    started: false,
    restartCount: 0,
    lastState: {},
  }),
  "crash-loop": (c, p, clk) => crashing(c, p, clk, 1, "Error"),
  oom: (c, p, clk) => crashing(c, p, clk, 137, "OOMKilled"),
  "job-failure": (_c, _p, clk) => ({
    state: { terminated: { exitCode: 1, reason: "Error", startedAt: at(clk, clk.readyAfter / 2), finishedAt: at(clk, clk.readyAfter) } },
    ready: false,
    started: false,
    restartCount: 0,
    lastState: {},
  }),
};

export const restartsAt = (clk: PodClock): number => 1 + Math.floor((clk.t - clk.readyAfter) / CYCLE_MS);

function crashing(c: Obj, pod: Obj, clk: PodClock, exitCode: number, reason: string): ContainerState {
  const restarts = restartsAt(clk);
  const lastStart = clk.readyAfter + (restarts - 1) * CYCLE_MS;
  const backoff = Math.min(10 * 2 ** (restarts - 1), 300);
  return {
    state: { waiting: { reason: "CrashLoopBackOff", message: `back-off ${backoff >= 60 ? `${Math.floor(backoff / 60)}m${backoff % 60}s` : `${backoff}s`} restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})` } },
    ready: false,
    started: false,
    restartCount: restarts,
    lastState: { terminated: { exitCode, reason, startedAt: at(clk, lastStart), finishedAt: at(clk, lastStart), containerID: containerId(pod, c, restarts - 1) } },
  };
}

const pullError = (image: string): string =>
  `failed to pull and unpack image "${qualify(image)}": failed to resolve reference "${qualify(image)}": ${qualify(image)}: not found`;
const qualify = (image: string): string => {
  const withTag = /:[^/]+$/.test(image) || image.includes("@") ? image : `${image}:latest`;
  const first = withTag.split("/")[0]!;
  if (withTag.includes("/") && (first.includes(".") || first.includes(":"))) return withTag;
  return withTag.includes("/") ? `docker.io/${withTag}` : `docker.io/library/${withTag}`;
};
const containerId = (pod: Obj, c: Obj, attempt: number): string => `containerd://${hex(`${pod.metadata.uid}/${c.name}/${attempt}`, 64)}`;

function containerStatus(c: Obj, pod: Obj, s: ContainerState): Obj {
  return {
    name: c.name,
    image: c.image,
    imageID: s.started || s.restartCount > 0 || s.state.terminated ? `${qualify(c.image)}@sha256:${hex(String(c.image), 64)}` : "",
    ...(s.started || s.state.terminated ? { containerID: containerId(pod, c, s.restartCount) } : {}),
    ready: s.ready,
    started: s.started,
    restartCount: s.restartCount,
    state: s.state,
    lastState: s.lastState,
  };
}

function waitingStatus(c: Obj): Obj {
  return { name: c.name, image: c.image, imageID: "", ready: false, started: false, restartCount: 0, state: { waiting: { reason: "ContainerCreating" } }, lastState: {} };
}

/** Events every started container gets. */
const startEvents = (c: Obj, count = 1): EventSpec[] => [
  { type: "Normal", reason: "Pulling", message: `Pulling image "${c.image}"`, fieldPath: fieldPath(c) },
  { type: "Normal", reason: "Pulled", message: `Successfully pulled image "${c.image}" in 812ms (812ms including waiting). Image size: 18734032 bytes.`, fieldPath: fieldPath(c) },
  { type: "Normal", reason: "Created", message: `Created container: ${c.name}`, fieldPath: fieldPath(c), count },
  { type: "Normal", reason: "Started", message: `Started container ${c.name}`, fieldPath: fieldPath(c), count },
];

const MODE_EVENTS: Record<PodMode, (c: Obj, pod: Obj, clk: PodClock) => EventSpec[]> = {
  normal: (c) => startEvents(c),
  "never-ready": (c, _p, clk) => [
    ...startEvents(c),
    { type: "Warning", reason: "Unhealthy", message: "Readiness probe failed: HTTP probe failed with statuscode: 503", fieldPath: fieldPath(c), count: restartsAt(clk) },
  ],
  "image-pull": (c, _p, clk) => [
    { type: "Normal", reason: "Pulling", message: `Pulling image "${c.image}"`, fieldPath: fieldPath(c) },
    { type: "Warning", reason: "Failed", message: `Failed to pull image "${c.image}": rpc error: code = NotFound desc = ${pullError(c.image)}`, fieldPath: fieldPath(c) },
    { type: "Warning", reason: "Failed", message: "Error: ErrImagePull", fieldPath: fieldPath(c) },
    ...(clk.t >= clk.readyAfter + CYCLE_MS
      ? ([
          { type: "Normal", reason: "BackOff", message: `Back-off pulling image "${c.image}"`, fieldPath: fieldPath(c), count: restartsAt(clk) - 1 },
          { type: "Warning", reason: "Failed", message: "Error: ImagePullBackOff", fieldPath: fieldPath(c), count: restartsAt(clk) - 1 },
        ] satisfies EventSpec[])
      : []),
  ],
  "crash-loop": (c, p, clk) => [...startEvents(c, restartsAt(clk)), backOff(c, p, clk)],
  oom: (c, p, clk) => [
    ...startEvents(c, restartsAt(clk)),
    { type: "Warning", reason: "OOMKilling", message: `Memory cgroup out of memory: Killed process 4242 (${c.name}) total-vm:1048576kB, anon-rss:524288kB, file-rss:0kB, shmem-rss:0kB`, fieldPath: fieldPath(c), count: restartsAt(clk) },
    backOff(c, p, clk),
  ],
  "job-failure": (c) => startEvents(c),
};

const backOff = (c: Obj, pod: Obj, clk: PodClock): EventSpec => ({
  type: "Warning",
  reason: "BackOff",
  message: `Back-off restarting failed container ${c.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
  fieldPath: fieldPath(c),
  count: restartsAt(clk),
});

/** The pod's status at clock time, and the events that have happened by then. */
export function podSnapshot(pod: Obj, mode: PodMode, clk: PodClock): Snapshot {
  const containers = containersOf(pod);
  const names = containers.map((c) => c.name).join(" ");
  const created = at(clk, 0);
  const scheduled: EventSpec = { type: "Normal", reason: "Scheduled", message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${NODE_NAME}` };
  const base: Obj = { hostIP: "172.18.0.2", hostIPs: [{ ip: "172.18.0.2" }], qosClass: qosClass(pod), startTime: created };
  const startAfter = clk.runsToCompletion ? clk.readyAfter / 2 : clk.readyAfter;
  if (clk.t < startAfter) {
    return {
      status: {
        phase: "Pending",
        conditions: [
          condition("PodReadyToStartContainers", false, created),
          condition("Initialized", true, created),
          condition("Ready", false, created, "ContainersNotReady", `containers with unready status: [${names}]`),
          condition("ContainersReady", false, created, "ContainersNotReady", `containers with unready status: [${names}]`),
          condition("PodScheduled", true, created),
        ],
        ...base,
        containerStatuses: containers.map(waitingStatus),
      },
      events: [scheduled],
    };
  }
  const ip = { podIP: clk.podIP, podIPs: [{ ip: clk.podIP }] };
  const started = at(clk, startAfter);
  if (clk.runsToCompletion) return jobSnapshot(pod, mode, clk, base, ip, scheduled);
  const states = containers.map((c) => CONTAINER[mode](c, pod, clk));
  const ready = states.every((s) => s.ready);
  const unready = containers.filter((_c, i) => !states[i]!.ready).map((c) => c.name).join(" ");
  const phase = mode === "image-pull" ? "Pending" : "Running";
  return {
    status: {
      phase,
      conditions: [
        condition("PodReadyToStartContainers", true, started),
        condition("Initialized", true, created),
        ready ? condition("Ready", true, started) : condition("Ready", false, started, "ContainersNotReady", `containers with unready status: [${unready}]`),
        ready ? condition("ContainersReady", true, started) : condition("ContainersReady", false, started, "ContainersNotReady", `containers with unready status: [${unready}]`),
        condition("PodScheduled", true, created),
      ],
      ...base,
      ...ip,
      containerStatuses: containers.map((c, i) => containerStatus(c, pod, states[i]!)),
    },
    events: [scheduled, ...containers.flatMap((c) => MODE_EVENTS[mode](c, pod, clk))],
  };
}

/** Pods that run to completion: Running from readyAfter/2, then Succeeded (or Failed with job-failure) at readyAfter. */
function jobSnapshot(pod: Obj, mode: PodMode, clk: PodClock, base: Obj, ip: Obj, scheduled: EventSpec): Snapshot {
  const containers = containersOf(pod);
  const created = at(clk, 0);
  const started = at(clk, clk.readyAfter / 2);
  const done = clk.t >= clk.readyAfter;
  const failed = mode === "job-failure" || mode === "crash-loop" || mode === "oom";
  const events = [scheduled, ...containers.flatMap((c) => startEvents(c))];
  if (!done) {
    return {
      status: {
        phase: "Running",
        conditions: [
          condition("PodReadyToStartContainers", true, started),
          condition("Initialized", true, created),
          condition("Ready", true, started),
          condition("ContainersReady", true, started),
          condition("PodScheduled", true, created),
        ],
        ...base,
        ...ip,
        containerStatuses: containers.map((c) => containerStatus(c, pod, CONTAINER.normal(c, pod, { ...clk, readyAfter: clk.readyAfter / 2 }))),
      },
      events,
    };
  }
  const finished = at(clk, clk.readyAfter);
  const exit = failed ? (mode === "oom" ? { exitCode: 137, reason: "OOMKilled" } : { exitCode: 1, reason: "Error" }) : { exitCode: 0, reason: "Completed" };
  return {
    status: {
      phase: failed ? "Failed" : "Succeeded",
      conditions: [
        condition("PodReadyToStartContainers", false, finished),
        condition("Initialized", true, created),
        condition("Ready", false, finished, "PodCompleted"),
        condition("ContainersReady", false, finished, "PodCompleted"),
        condition("PodScheduled", true, created),
      ],
      ...base,
      ...ip,
      containerStatuses: containers.map((c) =>
        containerStatus(c, pod, { state: { terminated: { ...exit, startedAt: started, finishedAt: finished, containerID: containerId(pod, c, 0) } }, ready: false, started: false, restartCount: 0, lastState: {} }),
      ),
    },
    events,
  };
}

function qosClass(pod: Obj): string {
  const res = containersOf(pod).map((c) => c.resources ?? {});
  if (res.every((r) => !r.requests && !r.limits)) return "BestEffort";
  const guaranteed = res.every((r) => r.limits?.cpu && r.limits?.memory && (!r.requests || (r.requests.cpu === r.limits.cpu && r.requests.memory === r.limits.memory)));
  return guaranteed ? "Guaranteed" : "Burstable";
}

const LOGS: Record<PodMode, (c: string) => string[]> = {
  normal: (c) => [`INFO starting ${c}`, "INFO configuration loaded", "INFO listening on :8080"],
  "never-ready": (c) => [`INFO starting ${c}`, "INFO listening on :8080", "WARN readiness check failing: dependency not available"],
  "image-pull": () => [],
  "crash-loop": (c) => [`INFO starting ${c}`, "INFO connecting to postgresql:5432", "Error: connection refused to postgresql:5432"],
  oom: (c) => [`INFO starting ${c}`, "INFO loading cache into memory", "INFO cache size 1.9Gi"],
  "job-failure": (c) => [`INFO starting ${c}`, "INFO running task", "Error: task failed: exit status 1"],
};

export interface LogOptions {
  container: string | null;
  tailLines: number | undefined;
  timestamps: boolean;
  previous: boolean;
}

/** A container's log as `GET …/pods/{name}/log` returns it, or the API server's error when there is none yet. */
export function podLog(pod: Obj, mode: PodMode, clk: PodClock, opts: LogOptions): string {
  const containers = containersOf(pod).map((c) => String(c.name));
  let container = opts.container;
  if (!container) {
    if (containers.length !== 1) throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.join(" ")}]`);
    container = containers[0]!;
  }
  if (!containers.includes(container)) throw badRequest(`container ${container} is not valid for pod ${pod.metadata.name}`);
  const status: Obj | undefined = (pod.status?.containerStatuses ?? []).find((s: Obj) => s.name === container);
  if (opts.previous && !status?.lastState?.terminated)
    throw badRequest(`previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
  const waiting = status?.state?.waiting;
  if (!status || (waiting && !status.lastState?.terminated)) {
    const why = waiting?.reason === "ImagePullBackOff" || waiting?.reason === "ErrImagePull" ? "trying and failing to pull image" : (waiting?.reason ?? "ContainerCreating");
    throw new ApiError(400, `container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${why}`);
  }
  const effective = clk.runsToCompletion && mode === "normal" ? [...LOGS.normal(container).slice(0, 2), "INFO job finished successfully"] : LOGS[mode](container);
  let lines = effective.map((l, i) => (opts.timestamps ? `${new Date(clk.createdAt + clk.readyAfter + i).toISOString()} ${l}` : l));
  if (opts.tailLines !== undefined && opts.tailLines >= 0) lines = lines.slice(Math.max(0, lines.length - opts.tailLines));
  return lines.map((l) => `${l}\n`).join("");
}

/** A pod built from a template the way controllers do it. */
export function podFromTemplate(template: Obj, meta: { name: string; namespace: string; labels?: Record<string, string>; owner: Obj; extraSpec?: Obj }): Obj {
  const t = clone(template ?? {});
  const tm: Obj = t.metadata ?? {};
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      labels: { ...(tm.labels ?? {}), ...(meta.labels ?? {}) },
      ...(tm.annotations ? { annotations: tm.annotations } : {}),
      ownerReferences: [ownerRef(meta.owner)],
    },
    spec: { ...(t.spec ?? {}), ...(meta.extraSpec ?? {}), nodeName: NODE_NAME, serviceAccountName: t.spec?.serviceAccountName ?? "default", serviceAccount: t.spec?.serviceAccountName ?? "default" },
  };
}

export const ownerRef = (owner: Obj): Obj => ({
  apiVersion: owner.apiVersion,
  kind: owner.kind,
  name: owner.metadata.name,
  uid: owner.metadata.uid,
  controller: true,
  blockOwnerDeletion: true,
});
