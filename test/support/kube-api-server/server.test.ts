/** Fidelity: the real kubectl, @kubernetes/client-node 1.4.0, and the injectable faults. */
import { execFile } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { ApiException, KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from "@kubernetes/client-node";
import { ensureKubectl } from "../helm.ts";
import { startKubeApiServer } from "./index.ts";
import { apply, call, deployment, namespace, waitFor } from "./testing.ts";

const run = promisify(execFile);
/** The machine's kubectl (v1.32) or the one npm ci brings (v1.35); KUBE_API_SERVER_KUBECTL picks another. */
const KUBECTL = process.env.KUBE_API_SERVER_KUBECTL ?? ensureKubectl();

const dirs: string[] = [];
const tempDir = (prefix: string): string => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function kubectlFor(kubeconfig: string, dir: string) {
  const home = join(dir, "home");
  mkdirSync(home, { recursive: true });
  return async (...args: string[]): Promise<string> =>
    (await run(KUBECTL, ["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), ...args], { timeout: 15_000, env: { ...process.env, HOME: home } })).stdout;
}

const MANIFEST = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  mode: prod
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: nginx:1.27
`;

test("kubectl: server-side apply, get with status, label-selected pods, delete with cascade", async () => {
  const server = await startKubeApiServer({ readyAfterMs: { Deployment: 40 } });
  try {
    const dir = tempDir("kube-api-kubectl-");
    const kubectl = kubectlFor(server.writeKubeconfig(dir), dir);
    const file = join(dir, "app.yaml");
    writeFileSync(file, MANIFEST);

    const applied = await kubectl("apply", "--server-side", "--field-manager", "test", "-f", file);
    assert.equal(applied.trim(), ["namespace/shop serverside-applied", "configmap/settings serverside-applied", "deployment.apps/web serverside-applied"].join("\n"));
    assert.equal(server.get("v1", "ConfigMap", "shop", "settings")?.data?.mode, "prod");

    await waitFor(server, "2 ready replicas", () => server.get("apps/v1", "Deployment", "shop", "web")?.status?.readyReplicas === 2);
    const live = JSON.parse(await kubectl("get", "deployment", "-n", "shop", "web", "-o", "json", "--show-managed-fields"));
    assert.equal(live.metadata.generation, 1);
    assert.equal(live.status.observedGeneration, 1);
    assert.equal(live.status.availableReplicas, 2);
    assert.equal(live.status.updatedReplicas, 2);
    assert.deepEqual(
      live.status.conditions.map((c: { type: string; status: string; reason: string }) => `${c.type}=${c.status}/${c.reason}`),
      ["Available=True/MinimumReplicasAvailable", "Progressing=True/NewReplicaSetAvailable"],
    );
    assert.deepEqual(live.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`), ["test/Apply"]);

    const pods = (await kubectl("get", "pods", "-n", "shop", "-l", "app=web", "-o", "name")).trim().split("\n");
    assert.equal(pods.length, 2);
    for (const p of pods) assert.match(p, /^pod\/web-[a-z0-9]{10}-[a-z0-9]{5}$/);
    const table = await kubectl("get", "pods", "-n", "shop");
    assert.match(table, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    assert.match(table, /web-\S+\s+1\/1\s+Running\s+0\s+\d+s/);
    assert.equal((await kubectl("rollout", "status", "deployment/web", "-n", "shop", "--timeout=5s")).trim(), 'deployment "web" successfully rolled out');

    const deleted = await kubectl("delete", "-f", file);
    // kubectl >= 1.33 adds " from shop namespace"
    assert.match(deleted.trim(), /^namespace "shop" deleted\nconfigmap "settings" deleted( from shop namespace)?\ndeployment\.apps "web" deleted( from shop namespace)?$/);
    assert.equal(server.get("v1", "Namespace", undefined, "shop"), undefined);
    assert.deepEqual(server.list("v1", "Pod").filter((p) => p.metadata.namespace === "shop"), []);
    assert.deepEqual(server.list("apps/v1", "ReplicaSet").filter((p) => p.metadata.namespace === "shop"), []);
  } finally {
    await server.close();
  }
});

test("kubectl: apply conflicts between field managers unless --force-conflicts", async () => {
  const server = await startKubeApiServer();
  try {
    const dir = tempDir("kube-api-kubectl-");
    const kubectl = kubectlFor(server.writeKubeconfig(dir, { context: "ci" }), dir);
    const file = join(dir, "app.yaml");
    writeFileSync(file, MANIFEST);
    await kubectl("apply", "--server-side", "--field-manager", "first", "-f", file);
    writeFileSync(file, MANIFEST.replace("replicas: 2", "replicas: 3"));
    await assert.rejects(kubectl("apply", "--server-side", "--field-manager", "second", "-f", file), (e: Error & { stderr: string }) => {
      assert.match(e.stderr, /Apply failed with 1 conflict: conflict with "first" using apps\/v1: \.spec\.replicas/);
      return true;
    });
    await kubectl("apply", "--server-side", "--field-manager", "second", "--force-conflicts", "-f", file);
    const d = server.get("apps/v1", "Deployment", "shop", "web")!;
    assert.equal(d.spec.replicas, 3);
    assert.equal(d.metadata.generation, 2);
  } finally {
    await server.close();
  }
});

const asKubeObject = (o: object): KubernetesObject => o as KubernetesObject;

async function apiError(p: Promise<unknown>): Promise<{ code: number; status: { kind: string; reason: string; message: string; code: number; details?: Record<string, unknown> } }> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiException, `expected ApiException, got ${String(e)}`);
    return { code: e.code, status: JSON.parse(e.body as string) };
  }
  assert.fail("expected the call to fail");
}

test("client-node: server-side apply creates then updates; read, list, delete; errors are ApiExceptions with Status bodies", async () => {
  const server = await startKubeApiServer();
  try {
    const dir = tempDir("kube-api-client-");
    const kc = new KubeConfig();
    kc.loadFromFile(server.writeKubeconfig(dir, { token: "secret-token" }));
    const api = KubernetesObjectApi.makeApiClient(kc);

    await api.patch(asKubeObject(namespace("shop")), undefined, undefined, "berth", true, PatchStrategy.ServerSideApply);
    const created = await api.patch(asKubeObject(deployment("web", "shop", { replicas: 1 })), undefined, undefined, "berth", true, PatchStrategy.ServerSideApply);
    assert.equal(created.metadata?.generation, 1);
    assert.ok(created.metadata?.uid);
    const rv1 = created.metadata?.resourceVersion;

    const updated = await api.patch(asKubeObject(deployment("web", "shop", { replicas: 3 })), undefined, undefined, "berth", true, PatchStrategy.ServerSideApply);
    assert.equal(updated.metadata?.generation, 2);
    assert.equal(updated.metadata?.uid, created.metadata?.uid);
    assert.notEqual(updated.metadata?.resourceVersion, rv1);
    assert.equal((updated as KubernetesObject & { spec: { replicas: number } }).spec.replicas, 3);
    assert.equal(updated.metadata?.managedFields?.[0]?.manager, "berth");
    assert.equal(updated.metadata?.managedFields?.[0]?.operation, "Apply");

    // an identical apply changes nothing: same generation (and, where no controller writes status, same resourceVersion)
    const again = await api.patch(asKubeObject(deployment("web", "shop", { replicas: 3 })), undefined, undefined, "berth", true, PatchStrategy.ServerSideApply);
    assert.equal(again.metadata?.generation, 2);
    const settings = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "shop" }, data: { mode: "prod" } };
    const s1 = await api.patch(asKubeObject(settings), undefined, undefined, "berth", true, PatchStrategy.ServerSideApply);
    const s2 = await api.patch(asKubeObject(settings), undefined, undefined, "berth", true, PatchStrategy.ServerSideApply);
    assert.equal(s2.metadata?.resourceVersion, s1.metadata?.resourceVersion);

    const read = await api.read({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" } });
    assert.equal(read.metadata?.uid, created.metadata?.uid);
    const list = await api.list("apps/v1", "Deployment", "shop");
    assert.deepEqual(list.items.map((d) => d.metadata?.name), ["web"]);

    const missing = await apiError(api.read({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "nope", namespace: "shop" } }));
    assert.equal(missing.code, 404);
    assert.deepEqual(missing.status, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: 'configmaps "nope" not found', reason: "NotFound", details: { name: "nope", kind: "configmaps" }, code: 404 });

    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "shop" }, data: { a: "1" } };
    await api.create(asKubeObject(cm));
    const exists = await apiError(api.create(asKubeObject(cm)));
    assert.equal(exists.code, 409);
    assert.equal(exists.status.reason, "AlreadyExists");
    assert.equal(exists.status.message, 'configmaps "c" already exists');

    const bad = deployment("bad", "shop");
    bad.spec.template.metadata.labels = { app: "other" };
    const invalid = await apiError(api.patch(asKubeObject(bad), undefined, undefined, "berth", true, PatchStrategy.ServerSideApply));
    assert.equal(invalid.code, 422);
    assert.equal(invalid.status.reason, "Invalid");
    assert.match(invalid.status.message, /^Deployment\.apps "bad" is invalid: spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/);

    const gone = await api.delete({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" } }, undefined, undefined, undefined, undefined, "Background");
    assert.equal(gone.kind, "Deployment"); // 200 with the deleted object (client-node reads it as a V1Status)
    assert.equal(server.get("apps/v1", "Deployment", "shop", "web"), undefined);
    await waitFor(server, "pods garbage-collected", () => server.list("v1", "Pod").every((p) => p.metadata.namespace !== "shop"));
    const ua = server.requests.find((r) => r.method === "PATCH");
    assert.equal(ua?.contentType, "application/apply-patch+yaml");
    assert.match(ua?.query ?? "", /fieldManager=berth/);
  } finally {
    await server.close();
  }
});

// ------------------------------------------------------------------ faults

async function withServer(fn: (server: Awaited<ReturnType<typeof startKubeApiServer>>) => Promise<void>, scenario = {}): Promise<void> {
  const server = await startKubeApiServer(scenario);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

const podsOf = (server: Awaited<ReturnType<typeof startKubeApiServer>>, ns: string, app: string) =>
  server.list("v1", "Pod").filter((p) => p.metadata.namespace === ns && p.metadata.labels?.app === app);

test("fault crash-loop: CrashLoopBackOff, growing restartCount, exit code 1, a log tail ending with the error", () =>
  withServer(
    async (server) => {
      await call(server, "POST", "/api/v1/namespaces", namespace("shop"));
      assert.equal((await apply(server, "/apis/apps/v1/namespaces/shop/deployments/api", deployment("api", "shop"))).code, 201);
      const pod = await waitFor(server, "restartCount >= 2", () => podsOf(server, "shop", "api").find((p) => p.status?.containerStatuses?.[0]?.restartCount >= 2));
      const cs = pod.status.containerStatuses[0];
      assert.equal(pod.status.phase, "Running");
      assert.equal(cs.ready, false);
      assert.equal(cs.state.waiting.reason, "CrashLoopBackOff");
      assert.equal(cs.lastState.terminated.exitCode, 1);
      assert.equal(cs.lastState.terminated.reason, "Error");
      const log = await call(server, "GET", `/api/v1/namespaces/shop/pods/${pod.metadata.name}/log?container=app&tailLines=2`);
      assert.equal(log.code, 200);
      assert.equal(log.body, "INFO connecting to postgresql:5432\nError: connection refused to postgresql:5432\n");
      const previous = await call(server, "GET", `/api/v1/namespaces/shop/pods/${pod.metadata.name}/log?previous=true&tailLines=1`);
      assert.equal(previous.body, "Error: connection refused to postgresql:5432\n");
      const events = (await call(server, "GET", `/api/v1/namespaces/shop/events?fieldSelector=involvedObject.name%3D${pod.metadata.name},reason%3DBackOff`)).body.items;
      assert.equal(events.length, 1);
      assert.equal(events[0].type, "Warning");
      assert.match(events[0].message, /^Back-off restarting failed container app in pod /);
      const d = server.get("apps/v1", "Deployment", "shop", "api")!;
      assert.equal(d.status.readyReplicas, undefined);
      assert.equal(d.status.unavailableReplicas, 1);
    },
    { readyAfterMs: { Deployment: 5 }, faults: [{ type: "crash-loop", object: { kind: "Deployment", namespace: "shop", name: "api" } }] },
  ));

test("fault oom: last state OOMKilled with exit code 137, then CrashLoopBackOff", () =>
  withServer(
    async (server) => {
      await call(server, "POST", "/api/v1/namespaces", namespace("shop"));
      await apply(server, "/apis/apps/v1/namespaces/shop/deployments/cache", deployment("cache", "shop"));
      const pod = await waitFor(server, "terminated", () => podsOf(server, "shop", "cache").find((p) => p.status?.containerStatuses?.[0]?.lastState?.terminated));
      const cs = pod.status.containerStatuses[0];
      assert.deepEqual([cs.lastState.terminated.reason, cs.lastState.terminated.exitCode, cs.state.waiting.reason], ["OOMKilled", 137, "CrashLoopBackOff"]);
    },
    { faults: [{ type: "oom", object: { kind: "Deployment", name: "cache" } }] },
  ));

test("fault image-pull: ErrImagePull then ImagePullBackOff, with a Warning Failed event", () =>
  withServer(
    async (server) => {
      await call(server, "POST", "/api/v1/namespaces", namespace("shop"));
      await apply(server, "/apis/apps/v1/namespaces/shop/deployments/web", deployment("web", "shop", { image: "ghcr.io/acme/web:9.9" }));
      const first = await waitFor(server, "ErrImagePull", () => podsOf(server, "shop", "web").find((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === "ErrImagePull"));
      assert.equal(first.status.phase, "Pending");
      const pod = await waitFor(server, "ImagePullBackOff", () => podsOf(server, "shop", "web").find((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === "ImagePullBackOff"));
      const failed = server.list("v1", "Event").filter((e) => e.involvedObject.name === pod.metadata.name && e.reason === "Failed");
      assert.ok(failed.every((e) => e.type === "Warning"));
      assert.ok(failed.some((e) => e.message.startsWith('Failed to pull image "ghcr.io/acme/web:9.9": ') && e.message.endsWith("not found")), JSON.stringify(failed.map((e) => e.message)));
      const log = await call(server, "GET", `/api/v1/namespaces/shop/pods/${pod.metadata.name}/log`);
      assert.equal(log.code, 400);
      assert.equal(log.body.message, `container "app" in pod "${pod.metadata.name}" is waiting to start: trying and failing to pull image`);
    },
    { faults: [{ type: "image-pull", object: { kind: "Deployment", namespace: "shop", name: "web" } }] },
  ));

test("fault http: 429 with Retry-After and a TooManyRequests Status, for `count` matching requests only", () =>
  withServer(async (server) => {
    server.addFault({ type: "http", match: { method: "GET", path: /\/configmaps/ }, status: 429, count: 2, retryAfterSeconds: 3 });
    const other = await call(server, "GET", "/api/v1/namespaces/default/secrets");
    assert.equal(other.code, 200);
    for (let i = 0; i < 2; i++) {
      const r = await call(server, "GET", "/api/v1/namespaces/default/configmaps");
      assert.equal(r.code, 429);
      assert.equal(r.headers.get("retry-after"), "3");
      assert.equal(r.body.reason, "TooManyRequests");
      assert.equal(r.body.code, 429);
      assert.equal(r.body.details.retryAfterSeconds, 3);
    }
    assert.equal((await call(server, "GET", "/api/v1/namespaces/default/configmaps")).code, 200);
    assert.deepEqual(server.requests.map((r) => r.status), [200, 429, 429, 200]);
  }));

test("fault http 503 and 500 answer ServiceUnavailable and InternalError Status bodies", () =>
  withServer(async (server) => {
    server.addFault({ type: "http", match: { method: "PATCH" }, status: 503, count: 1 });
    server.addFault({ type: "http", match: { path: /^\/api\/v1\/namespaces$/ }, status: 500, count: 1 });
    const a = await apply(server, "/api/v1/namespaces/x", namespace("x"));
    assert.deepEqual([a.code, a.body.reason], [503, "ServiceUnavailable"]);
    const b = await call(server, "GET", "/api/v1/namespaces");
    assert.deepEqual([b.code, b.body.reason], [500, "InternalError"]);
    assert.equal(server.get("v1", "Namespace", undefined, "x"), undefined);
  }));

test("fault drop: the socket is destroyed without a response (ECONNRESET / socket hang up)", () =>
  withServer(async (server) => {
    server.addFault({ type: "drop", match: { path: /\/api\/v1\/namespaces\/default\/pods/ }, count: 1 });
    const err = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
      const req = request(`${server.url}/api/v1/namespaces/default/pods`, (res) => reject(new Error(`got a response ${res.statusCode}`)));
      req.on("error", resolve);
      req.end();
    });
    assert.ok(err.code === "ECONNRESET" || err.message === "socket hang up", String(err));
    assert.equal((await call(server, "GET", "/api/v1/namespaces/default/pods")).code, 200);
    assert.deepEqual(server.requests.map((r) => r.status), [0, 200]);
  }));

test("fault unauthorized-once: the next request gets 401, the one after succeeds", () =>
  withServer(async (server) => {
    server.addFault({ type: "unauthorized-once" });
    const a = await call(server, "GET", "/api/v1/namespaces");
    assert.deepEqual([a.code, a.body.reason, a.body.message], [401, "Unauthorized", "Unauthorized"]);
    assert.equal((await call(server, "GET", "/api/v1/namespaces")).code, 200);
  }));

test("fault job-failure: the pod fails, then status.failed >= 1 and Failed=True/BackoffLimitExceeded", () =>
  withServer(
    async (server) => {
      const job = {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: "migrate", namespace: "default" },
        spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "migrate", image: "acme/migrate:1" }] } } },
      };
      assert.equal((await apply(server, "/apis/batch/v1/namespaces/default/jobs/migrate", job)).code, 201);
      const failed = await waitFor(server, "Failed condition", () => {
        const j = server.get("batch/v1", "Job", "default", "migrate");
        return j?.status?.conditions?.find((c: { type: string }) => c.type === "Failed") && j;
      });
      assert.ok(failed.status.failed >= 1);
      const cond = failed.status.conditions.find((c: { type: string }) => c.type === "Failed");
      assert.deepEqual([cond.status, cond.reason], ["True", "BackoffLimitExceeded"]);
      assert.equal(failed.status.succeeded, undefined);
      const pod = server.list("v1", "Pod").find((p) => p.metadata.labels?.["job-name"] === "migrate")!;
      assert.equal(pod.status.phase, "Failed");
      assert.equal(pod.status.containerStatuses[0].state.terminated.exitCode, 1);
      const log = await call(server, "GET", `/api/v1/namespaces/default/pods/${pod.metadata.name}/log`);
      assert.match(log.body, /Error: task failed: exit status 1\n$/);
    },
    { readyAfterMs: { Job: 20 }, faults: [{ type: "job-failure", object: { kind: "Job", namespace: "default", name: "migrate" } }] },
  ));

test("fault slow-pvc: the claim stays Pending (with an event) for delayMs, then Bound", () =>
  withServer(
    async (server) => {
      const pvc = { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data", namespace: "default" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } };
      const start = server.clock.now();
      assert.equal((await call(server, "POST", "/api/v1/namespaces/default/persistentvolumeclaims", pvc)).code, 201);
      await server.clock.sleep(60);
      assert.equal(server.get("v1", "PersistentVolumeClaim", "default", "data")?.status?.phase, "Pending");
      assert.ok(server.list("v1", "Event").some((e) => e.involvedObject.name === "data" && e.reason === "WaitForFirstConsumer"));
      const bound = await waitFor(server, "Bound", () => {
        const c = server.get("v1", "PersistentVolumeClaim", "default", "data");
        return c?.status?.phase === "Bound" && c;
      });
      assert.ok(server.clock.now() - start >= 200);
      assert.equal(bound.status.capacity.storage, "1Gi");
      assert.equal(bound.spec.volumeName, `pvc-${bound.metadata.uid}`);
      assert.equal(server.get("v1", "PersistentVolume", undefined, bound.spec.volumeName)?.spec?.claimRef?.name, "data");
    },
    { faults: [{ type: "slow-pvc", object: { kind: "PersistentVolumeClaim", namespace: "default", name: "data" }, delayMs: 200 }] },
  ));

test("fault progress-deadline: Progressing=False/ProgressDeadlineExceeded and pods never ready", () =>
  withServer(
    async (server) => {
      await apply(server, "/apis/apps/v1/namespaces/default/deployments/web", deployment("web", "default"));
      const d = await waitFor(server, "deadline", () => {
        const x = server.get("apps/v1", "Deployment", "default", "web");
        return x?.status?.conditions?.find((c: { type: string; status: string }) => c.type === "Progressing" && c.status === "False") && x;
      });
      const progressing = d.status.conditions.find((c: { type: string }) => c.type === "Progressing");
      assert.equal(progressing.reason, "ProgressDeadlineExceeded");
      assert.match(progressing.message, /^ReplicaSet "web-[a-z0-9]+" has timed out progressing\.$/);
      const pod = podsOf(server, "default", "web")[0]!;
      assert.equal(pod.status.phase, "Running");
      assert.equal(pod.status.conditions.find((c: { type: string }) => c.type === "Ready").status, "False");
    },
    { readyAfterMs: { Deployment: 30 }, faults: [{ type: "progress-deadline", object: { kind: "Deployment", name: "web" } }] },
  ));

test("fault never-ready: Running, Ready=False/ContainersNotReady, service endpoints list it as not ready", () =>
  withServer(
    async (server) => {
      await apply(server, "/apis/apps/v1/namespaces/default/deployments/web", deployment("web", "default"));
      await call(server, "POST", "/api/v1/namespaces/default/services", { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: "http" }] } });
      const pod = await waitFor(server, "running", () => podsOf(server, "default", "web").find((p) => p.status?.phase === "Running"));
      const ready = pod.status.conditions.find((c: { type: string }) => c.type === "Ready");
      assert.deepEqual([ready.status, ready.reason, ready.message], ["False", "ContainersNotReady", "containers with unready status: [app]"]);
      const ep = await waitFor(server, "endpoints", () => server.get("v1", "Endpoints", "default", "web")?.subsets?.[0]);
      assert.equal(ep.addresses, undefined);
      assert.deepEqual(ep.notReadyAddresses.map((a: { ip: string }) => a.ip), [pod.status.podIP]);
      assert.deepEqual(ep.ports, [{ port: 8080, protocol: "TCP" }]);
    },
    { faults: [{ type: "never-ready", object: { kind: "Deployment", namespace: "default", name: "web" } }] },
  ));

test("requestLatencyMs delays every answer", () =>
  withServer(
    async (server) => {
      const t = Date.now();
      await call(server, "GET", "/version");
      await call(server, "GET", "/api/v1/namespaces");
      assert.ok(Date.now() - t >= 100, `took ${Date.now() - t} ms`);
    },
    { requestLatencyMs: 50 },
  ));

test("PUT with a stale resourceVersion is a 409 Conflict; POST of an existing name is 409 AlreadyExists", () =>
  withServer(async (server) => {
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1" } };
    const created = await call(server, "POST", "/api/v1/namespaces/default/configmaps", cm);
    assert.equal(created.code, 201);
    const stale = created.body;
    const first = await call(server, "PUT", "/api/v1/namespaces/default/configmaps/c", { ...stale, data: { a: "2" } });
    assert.equal(first.code, 200);
    assert.notEqual(first.body.metadata.resourceVersion, stale.metadata.resourceVersion);
    const second = await call(server, "PUT", "/api/v1/namespaces/default/configmaps/c", { ...stale, data: { a: "3" } });
    assert.equal(second.code, 409);
    assert.equal(second.body.reason, "Conflict");
    assert.equal(second.body.message, 'Operation cannot be fulfilled on configmaps "c": the object has been modified; please apply your changes to the latest version and try again');
    assert.equal(server.get("v1", "ConfigMap", "default", "c")?.data?.a, "2");
    const dup = await call(server, "POST", "/api/v1/namespaces/default/configmaps", cm);
    assert.deepEqual([dup.code, dup.body.reason, dup.body.details], [409, "AlreadyExists", { name: "c", kind: "configmaps" }]);
  }));

test("namespace delete: Terminating (new content forbidden), then the namespace and everything in it are gone", () =>
  withServer(
    async (server) => {
      await call(server, "POST", "/api/v1/namespaces", namespace("shop"));
      await apply(server, "/apis/apps/v1/namespaces/shop/deployments/web", deployment("web", "shop", { replicas: 2 }));
      await call(server, "POST", "/api/v1/namespaces/shop/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } });
      await waitFor(server, "pods", () => podsOf(server, "shop", "web").length === 2);
      const del = await call(server, "DELETE", "/api/v1/namespaces/shop");
      assert.equal(del.code, 200);
      assert.equal(del.body.status.phase, "Terminating");
      assert.ok(del.body.metadata.deletionTimestamp);
      const denied = await call(server, "POST", "/api/v1/namespaces/shop/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "d" } });
      assert.equal(denied.code, 403);
      assert.equal(denied.body.reason, "Forbidden");
      assert.equal(denied.body.message, 'configmaps "d" is forbidden: unable to create new content in namespace shop because it is being terminated');
      await waitFor(server, "namespace gone", () => server.get("v1", "Namespace", undefined, "shop") === undefined);
      assert.deepEqual(server.list().filter((o) => o.metadata.namespace === "shop").map((o) => `${o.kind}/${o.metadata.name}`), []);
      const missing = await call(server, "POST", "/api/v1/namespaces/shop/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "d" } });
      assert.deepEqual([missing.code, missing.body.message], [404, 'namespaces "shop" not found']);
    },
    { readyAfterMs: { Deployment: 5 } },
  ));
