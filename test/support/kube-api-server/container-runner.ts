/**
 * The simulated kubelet running a container for real: a pod whose one container's image matches
 * `Scenario.containerRunner.images` is run as a `node` child process (the image's entrypoint is node: a distroless
 * or official Node image), the way the kubelet would run it —
 *
 * - each volume the container mounts is a folder of a temporary directory: ConfigMap and Secret keys as files,
 *   projected service account tokens as JWTs (iss the cluster's OIDC issuer from `Scenario.workloadIdentity`, sub
 *   `system:serviceaccount:<ns>:<sa>`, aud the projection's audience; not signed — nothing here verifies them),
 *   emptyDirs empty; paths in the container's args and env values under a mount point are rewritten to the folder;
 * - env from `value`, ConfigMap/Secret key references and the pod's name/namespace/ServiceAccount, plus the
 *   scenario's (NODE_EXTRA_CA_CERTS), plus BERTH_TERMINATION_LOG: the file that stands for terminationMessagePath
 *   (a real kubelet mounts it at that path; a process here cannot write /dev/termination-log);
 * - the pod is Running while the process runs and then Succeeded or Failed with the exit code, its
 *   `state.terminated.message` the termination file's first 4096 bytes, its log the process's output.
 *
 * The process is real work on the wall clock: the runner marks it busy on the server's clock, so virtual time stands
 * still until it exits (nothing can time out "during" it), then nudges the controllers.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { EventSpec } from "./events.ts";
import type { Obj } from "./types.ts";
import { isoSeconds } from "./util.ts";
import type { World } from "./world.ts";

const MAX_MESSAGE = 4096;
const DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";

interface Run {
  readonly root: string;
  readonly startedAt: number;
  readonly child: ChildProcess;
  output: string;
  exit?: { readonly code: number; readonly message: string; readonly finishedAt: number };
}

export interface RunnerHooks {
  /** Holds the server's clock while the process runs. */
  busy<T>(work: Promise<T>): Promise<T>;
  /** Runs the controllers soon (the process ended). */
  nudge(): void;
}

const matches = (image: string, patterns: readonly (string | RegExp)[]): boolean => patterns.some((p) => (typeof p === "string" ? image === p || image.startsWith(`${p}@`) || image.startsWith(`${p}:`) : p.test(image)));

const b64url = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString("base64url");

export class ContainerRunner {
  readonly #runs = new Map<string, Run>();
  readonly #hooks: RunnerHooks;

  constructor(hooks: RunnerHooks) {
    this.#hooks = hooks;
  }

  /** The container run for real in this pod, or undefined when the kubelet simulates the pod as usual. */
  static containerOf(w: World, pod: Obj): Obj | undefined {
    const images = w.scenario.containerRunner?.images;
    const containers: Obj[] = pod.spec?.containers ?? [];
    if (!images?.length || containers.length !== 1 || pod.spec?.initContainers?.length) return undefined;
    return matches(String(containers[0]!.image ?? ""), images) ? containers[0] : undefined;
  }

  /** Status and events of a pod whose container runs here (started on the first look); undefined for other pods. */
  snapshot(w: World, pod: Obj, podIP: string): { status: Obj; events: EventSpec[] } | undefined {
    const container = ContainerRunner.containerOf(w, pod);
    if (!container) return undefined;
    const run = this.#runs.get(pod.metadata.uid) ?? this.#start(w, pod, container);
    const created = pod.metadata.creationTimestamp as string;
    const started = isoSeconds(run.startedAt);
    const base = { hostIP: "172.18.0.2", hostIPs: [{ ip: "172.18.0.2" }], podIP, podIPs: [{ ip: podIP }], qosClass: "Burstable", startTime: created };
    const cond = (type: string, status: boolean, reason?: string) => ({ type, status: status ? "True" : "False", lastProbeTime: null, lastTransitionTime: started, ...(reason ? { reason } : {}) });
    const events: EventSpec[] = [
      { type: "Normal", reason: "Scheduled", message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to berth-test-node` },
      { type: "Normal", reason: "Pulled", message: `Container image "${container.image}" already present on machine`, fieldPath: `spec.containers{${container.name}}` },
      { type: "Normal", reason: "Created", message: `Created container: ${container.name}`, fieldPath: `spec.containers{${container.name}}` },
      { type: "Normal", reason: "Started", message: `Started container ${container.name}`, fieldPath: `spec.containers{${container.name}}` },
    ];
    const id = `containerd://${pod.metadata.uid.replace(/-/g, "")}`;
    const common = { name: container.name, image: container.image, imageID: `${container.image}`, containerID: id, restartCount: 0, lastState: {} };
    if (!run.exit) {
      return {
        status: {
          phase: "Running",
          conditions: [cond("PodReadyToStartContainers", true), cond("Initialized", true), cond("Ready", true), cond("ContainersReady", true), cond("PodScheduled", true)],
          ...base,
          containerStatuses: [{ ...common, ready: true, started: true, state: { running: { startedAt: started } } }],
        },
        events,
      };
    }
    const ok = run.exit.code === 0;
    const terminated = { exitCode: run.exit.code, reason: ok ? "Completed" : "Error", startedAt: started, finishedAt: isoSeconds(run.exit.finishedAt), containerID: id, ...(run.exit.message ? { message: run.exit.message } : {}) };
    return {
      status: {
        phase: ok ? "Succeeded" : "Failed",
        conditions: [cond("PodReadyToStartContainers", false), cond("Initialized", true), cond("Ready", false, "PodCompleted"), cond("ContainersReady", false, "PodCompleted"), cond("PodScheduled", true)],
        ...base,
        containerStatuses: [{ ...common, ready: false, started: false, state: { terminated } }],
      },
      events,
    };
  }

  /** What the process wrote to stdout and stderr, for `pods/log`; undefined for pods not run here. */
  log(pod: Obj): string | undefined {
    return this.#runs.get(pod.metadata?.uid)?.output;
  }

  /** Stops the processes of pods that are gone. */
  reap(live: ReadonlySet<string>): void {
    for (const [uid, run] of this.#runs)
      if (!live.has(uid)) {
        if (!run.exit) run.child.kill("SIGKILL");
        rmSync(run.root, { recursive: true, force: true });
        this.#runs.delete(uid);
      }
  }

  stop(): void {
    this.reap(new Set());
  }

  #start(w: World, pod: Obj, container: Obj): Run {
    const root = mkdtempSync(join(tmpdir(), "berth-kubelet-"));
    const mounts = this.#mountVolumes(w, pod, container, root);
    // The longest mount point first, so /a/b maps before /a.
    const order = [...mounts].sort((a, b) => b[0].length - a[0].length);
    const mapPath = (value: string): string => {
      for (const [at, dir] of order) if (value === at || value.startsWith(`${at}/`)) return dir + value.slice(at.length);
      return value;
    };
    const termination = join(root, "termination-log");
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", ...this.#env(w, pod, container, mapPath), ...(w.scenario.containerRunner?.env ?? {}), BERTH_TERMINATION_LOG: termination };
    const command: string[] = container.command ?? [];
    // The image's entrypoint is node; a command naming node (/nodejs/bin/node, node) is the same.
    const argv = [...(command.length && basename(command[0]!) === "node" ? command.slice(1) : command), ...(container.args ?? [])].map(mapPath);
    const child = spawn(process.execPath, argv, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    const run: Run = { root, startedAt: w.now, child, output: "" };
    child.stdout!.on("data", (d: Buffer) => (run.output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (run.output += d.toString()));
    const exited = new Promise<void>((resolve) => {
      child.on("error", (e) => {
        run.output += `${e.message}\n`;
      });
      child.on("close", (code) => {
        let message = "";
        try {
          message = readFileSync(termination).subarray(0, MAX_MESSAGE).toString("utf8");
        } catch {
          // No termination message written.
        }
        run.exit = { code: code ?? 137, message, finishedAt: w.now };
        this.#hooks.nudge();
        resolve();
      });
    });
    void this.#hooks.busy(exited);
    this.#runs.set(pod.metadata.uid, run);
    return run;
  }

  /** Writes each mounted volume into `root`; returns mount point → folder. */
  #mountVolumes(w: World, pod: Obj, container: Obj, root: string): [string, string][] {
    const ns = pod.metadata.namespace;
    const volumes = new Map<string, Obj>(((pod.spec?.volumes ?? []) as Obj[]).map((v) => [v.name, v]));
    const write = (dir: string, path: string, content: string | Buffer) => {
      const file = join(dir, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    };
    const keys = (dir: string, data: Record<string, string> | undefined, items: Obj[] | undefined, decode: boolean) => {
      for (const [k, v] of Object.entries(data ?? {})) {
        const item = items?.find((i) => i.key === k);
        if (items && !item) continue;
        write(dir, item?.path ?? k, decode ? Buffer.from(v, "base64") : v);
      }
    };
    const out: [string, string][] = [];
    for (const m of (container.volumeMounts ?? []) as Obj[]) {
      const v = volumes.get(m.name);
      const dir = join(root, "volumes", m.name);
      mkdirSync(dir, { recursive: true });
      if (v?.configMap) keys(dir, w.store.get("", "ConfigMap", ns, v.configMap.name)?.data, v.configMap.items, false);
      if (v?.secret) keys(dir, w.store.get("", "Secret", ns, v.secret.secretName)?.data, v.secret.items, true);
      for (const source of (v?.projected?.sources ?? []) as Obj[]) {
        if (source.serviceAccountToken) write(dir, source.serviceAccountToken.path, this.#token(w, pod, source.serviceAccountToken));
        if (source.configMap) keys(dir, w.store.get("", "ConfigMap", ns, source.configMap.name)?.data, source.configMap.items, false);
      }
      out.push([String(m.mountPath).replace(/\/+$/, ""), m.subPath ? join(dir, m.subPath) : dir]);
    }
    return out;
  }

  /** A projected service account token as the API server issues it (unsigned here). */
  #token(w: World, pod: Obj, projection: Obj): string {
    const issuer = w.scenario.workloadIdentity?.issuer;
    const iss = (typeof issuer === "function" ? issuer() : issuer) ?? DEFAULT_ISSUER;
    const now = Math.floor(w.now / 1000);
    const ns = pod.metadata.namespace;
    const sa = String(pod.spec?.serviceAccountName || "default");
    const claims = {
      aud: [projection.audience ?? iss],
      exp: now + Number(projection.expirationSeconds ?? 3600),
      iat: now,
      nbf: now,
      iss,
      sub: `system:serviceaccount:${ns}:${sa}`,
      "kubernetes.io": { namespace: ns, pod: { name: pod.metadata.name, uid: pod.metadata.uid }, serviceaccount: { name: sa, uid: w.store.get("", "ServiceAccount", ns, sa)?.metadata?.uid ?? "" } },
    };
    return `${b64url({ alg: "RS256", kid: "berth-test" })}.${b64url(claims)}.c2ln`;
  }

  #env(w: World, pod: Obj, container: Obj, mapPath: (v: string) => string): Record<string, string> {
    const ns = pod.metadata.namespace;
    const fields: Record<string, string> = { "metadata.name": pod.metadata.name, "metadata.namespace": ns, "spec.serviceAccountName": String(pod.spec?.serviceAccountName ?? "default") };
    const out: Record<string, string> = {};
    for (const e of (container.env ?? []) as Obj[]) {
      const from = e.valueFrom;
      const value =
        e.value ??
        (from?.configMapKeyRef ? w.store.get("", "ConfigMap", ns, from.configMapKeyRef.name)?.data?.[from.configMapKeyRef.key] : undefined) ??
        (from?.secretKeyRef ? decode(w.store.get("", "Secret", ns, from.secretKeyRef.name)?.data?.[from.secretKeyRef.key]) : undefined) ??
        (from?.fieldRef ? fields[from.fieldRef.fieldPath] : undefined);
      if (value !== undefined) out[e.name] = mapPath(String(value));
    }
    return out;
  }
}

const decode = (v: string | undefined): string | undefined => (v === undefined ? undefined : Buffer.from(v, "base64").toString("utf8"));
