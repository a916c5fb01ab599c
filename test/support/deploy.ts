/** Helpers for deploy tests: a test API server per test, a kubeconfig for it, the user's secrets seeded, kubectl. */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { build, planFor } from "../../src/index.ts";
import type { Plan } from "../../src/plan/step.ts";
import { type KubeApiServer, type Scenario, startKubeApiServer } from "./kube-api-server/index.ts";
import { runCli, tempDir } from "./cli.ts";
import { ensureKubectl } from "./helm.ts";

export interface Cluster {
  readonly server: KubeApiServer;
  readonly kubeconfig: string;
  readonly stateDir: string;
  /** berth CLI against this cluster: `up`, `down`… with --kubeconfig and --state-dir filled in. */
  berth(command: string, path: string, env: string, ...more: string[]): ReturnType<typeof runCli>;
  kubectl(...args: string[]): Promise<string>;
  close(): Promise<void>;
}

export async function testCluster(scenario: Scenario = {}): Promise<Cluster> {
  const server = await startKubeApiServer({ readyAfterMs: {}, ...scenario });
  const dir = tempDir("berth-cluster-");
  const kubeconfig = server.writeKubeconfig(dir);
  const stateDir = join(dir, "state");
  return {
    server,
    kubeconfig,
    stateDir,
    berth: (command, path, env, ...more) => runCli([command, path, "--env", env, "--kubeconfig", kubeconfig, "--state-dir", stateDir, ...more]),
    kubectl: async (...args) => (await promisify(execFile)(ensureKubectl(), ["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "kubectl-cache"), ...args], { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 })).stdout,
    close: () => server.close(),
  };
}

/**
 * Why `berth up` of this spec cannot run against the Kubernetes test API server alone: its spec.azure needs an ARM
 * endpoint, and the CLI has no fake one to reach yet. A reason to skip with, or false.
 */
export const needsArm = (path: string): string | false =>
  build({ path }).spec?.platform.spec.azure !== undefined && "its spec.azure needs an Azure endpoint for berth up, and this test has only a Kubernetes API server (no ARM fake the CLI can reach yet)";

export const planOf = (path: string, env: string): Plan => {
  const r = planFor({ path, env });
  if (!r.plan) throw new Error(JSON.stringify(r.diagnostics));
  return r.plan;
};

/** The Secrets a user provides (spec.secrets), created beforehand as a user would, each value marked with `canary`. */
export function seedUserSecrets(server: KubeApiServer, plan: Plan, canary: string): void {
  for (const s of plan.steps) {
    if (s.action.type !== "require-secret") continue;
    const { namespace, name } = s.action.ref;
    if (!server.get("v1", "Namespace", undefined, namespace!)) server.seed({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
    server.seed({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name, namespace },
      type: "Opaque",
      data: Object.fromEntries(s.action.keys.map((k) => [k, Buffer.from(`${canary}-${k}`).toString("base64")])),
    });
  }
}

/** Objects controllers make from others, copying their labels (the endpoints controller copies a Service's). */
const DERIVED = new Set(["Endpoints", "EndpointSlice", "Pod", "ReplicaSet", "Event"]);

/** What is live for a platform/env, as `kind ns/name` lines, sorted. */
export function liveObjects(server: KubeApiServer, instance: string): string[] {
  return server
    .list()
    .filter((o) => o.metadata?.labels?.["berth.dev/instance"] === instance && !DERIVED.has(o.kind))
    .map((o) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`)
    .sort();
}

/** Labels and selectors the Job controller derives from the Job's uid. */
const withoutControllerUid = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (key, v) => (/controller-uid$/.test(key) ? undefined : v)));

/** Live objects without what the server sets (uid, resourceVersion, timestamps, managedFields, status): for comparing end states. */
export function snapshot(server: KubeApiServer, instance: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of server.list()) {
    if (o.metadata?.labels?.["berth.dev/instance"] !== instance || DERIVED.has(o.kind)) continue;
    const { uid: _u, resourceVersion: _r, creationTimestamp: _c, managedFields: _m, generation: _g, ...metadata } = o.metadata;
    const { status: _s, ...rest } = o;
    out[`${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`] = o.kind === "Secret" ? { metadata, keys: Object.keys(o.data ?? {}).sort() } : withoutControllerUid({ ...rest, metadata });
  }
  return out;
}
