/** The simulated Secrets Store CSI driver: a pod starts only when its SecretProviderClass resolves and every object fetches. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startKubeApiServer } from "./index.ts";
import { mountAttempts } from "./csi.ts";
import type { KubeApiServer, Scenario } from "./types.ts";
import { apply, call, namespace, waitFor } from "./testing.ts";

const NS = "shop";
const objects = "array:\n  - |\n    objectName: shop--db--password\n    objectType: secret\n    objectAlias: db.password\n";
const spc = {
  apiVersion: "secrets-store.csi.x-k8s.io/v1",
  kind: "SecretProviderClass",
  metadata: { name: "api", namespace: NS },
  spec: {
    provider: "azure",
    parameters: { clientID: "11111111-1111-1111-1111-111111111111", keyvaultName: "kv-shop", tenantId: "t", objects },
    secretObjects: [{ secretName: "api-db", type: "Opaque", data: [{ objectName: "db.password", key: "password" }] }],
  },
};
const api = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "api", namespace: NS },
  spec: {
    selector: { matchLabels: { app: "api" } },
    template: {
      metadata: { labels: { app: "api" } },
      spec: {
        containers: [
          {
            name: "api",
            image: "ghcr.io/acme/api:1.0.0",
            env: [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "api-db", key: "password" } } }],
            volumeMounts: [{ name: "secrets-store", mountPath: "/mnt/secrets-store", readOnly: true }],
          },
        ],
        volumes: [{ name: "secrets-store", csi: { driver: "secrets-store.csi.k8s.io", readOnly: true, volumeAttributes: { secretProviderClass: "api" } } }],
      },
    },
  },
};

async function withServer(scenario: Scenario, fn: (server: KubeApiServer) => Promise<void>): Promise<void> {
  const server = await startKubeApiServer(scenario);
  try {
    await apply(server, `/api/v1/namespaces/${NS}`, namespace(NS));
    await fn(server);
  } finally {
    await server.close();
  }
}

const pod = (server: KubeApiServer) => server.list("v1", "Pod").find((p) => p.metadata.namespace === NS);
const failedMounts = (server: KubeApiServer) => server.list("v1", "Event").filter((e) => e.reason === "FailedMount").map((e) => String(e.message));
const running = (server: KubeApiServer) => pod(server)?.status?.phase === "Running";

test("a pod mounting a SecretProviderClass that does not exist stays ContainerCreating with the driver's FailedMount, and starts once it exists", async () => {
  let fetched: string[] = [];
  const csi = { fetch: (_spc: object, name: string) => (fetched.push(name), "s3cr3t-canary") };
  await withServer({ crds: ["default", "secrets-store-csi"], csi }, async (server) => {
    await apply(server, `/apis/apps/v1/namespaces/${NS}/deployments/api`, api);
    const message = await waitFor(server, "FailedMount", () => failedMounts(server)[0]);
    assert.match(message, /^MountVolume\.SetUp failed for volume "secrets-store" : rpc error: code = Unknown desc = failed to get secretproviderclass shop\/api, error: SecretProviderClass\.secrets-store\.csi\.x-k8s\.io "api" not found$/);
    await server.clock.sleep(1000);
    assert.equal(pod(server)!.status.phase, "Pending");
    assert.equal(pod(server)!.status.containerStatuses[0].state.waiting.reason, "ContainerCreating");
    assert.equal(server.get("v1", "Secret", NS, "api-db"), undefined);
    const log = await call(server, "GET", `/api/v1/namespaces/${NS}/pods/${pod(server)!.metadata.name}/log`);
    assert.equal(log.code, 400, "no log while the containers wait for the volume");

    fetched = [];
    await apply(server, `/apis/secrets-store.csi.x-k8s.io/v1/namespaces/${NS}/secretproviderclasses/api`, spc);
    await waitFor(server, "running pod", () => running(server));
    assert.deepEqual(fetched, ["shop--db--password"]);
    const synced = server.get("v1", "Secret", NS, "api-db")!;
    assert.equal(synced.metadata.labels["secrets-store.csi.k8s.io/managed"], "true");
    assert.equal(Buffer.from(synced.data.password, "base64").toString(), "s3cr3t-canary");
    await server.clock.sleep(200);
    assert.deepEqual(fetched, ["shop--db--password"], "mounted once, not on every pass");
  });
});

test("a fetch the provider refuses (Key Vault 403) fails the mount with its text; the pod starts when the vault answers", async () => {
  let allowed = false;
  const forbidden = "GET https://kv-shop.vault.azure.net/secrets/shop--db--password/ RESPONSE 403: 403 Forbidden ERROR CODE: Forbidden";
  const csi = { fetch: () => (allowed ? "v" : { error: forbidden }) };
  await withServer({ crds: ["default", "secrets-store-csi"], csi }, async (server) => {
    await apply(server, `/apis/secrets-store.csi.x-k8s.io/v1/namespaces/${NS}/secretproviderclasses/api`, spc);
    await apply(server, `/apis/apps/v1/namespaces/${NS}/deployments/api`, api);
    const message = await waitFor(server, "FailedMount", () => failedMounts(server)[0]);
    const podName = pod(server)!.metadata.name;
    assert.equal(
      message,
      `MountVolume.SetUp failed for volume "secrets-store" : rpc error: code = Unknown desc = failed to mount secrets store objects for pod shop/${podName}, err: rpc error: code = Unknown desc = failed to mount objects, error: failed to get objectType:secret, objectName:shop--db--password, objectVersion:: ${forbidden}`,
    );
    await server.clock.sleep(2000);
    assert.equal(pod(server)!.status.phase, "Pending");
    const event = server.list("v1", "Event").find((e) => e.reason === "FailedMount")!;
    assert.ok(event.count > 1 && event.count < 10, `the kubelet retries with back-off (count ${event.count})`);
    allowed = true;
    await waitFor(server, "running pod", () => running(server));
  });
});

test("without the driver installed the kubelet cannot find it", async () => {
  await withServer({ csi: { fetch: () => "v" } }, async (server) => {
    await apply(server, `/apis/apps/v1/namespaces/${NS}/deployments/api`, api);
    const message = await waitFor(server, "FailedMount", () => failedMounts(server)[0]);
    assert.equal(message, 'MountVolume.SetUp failed for volume "secrets-store" : kubernetes.io/csi: mounter.SetUpAt failed to get CSI client: driver name secrets-store.csi.k8s.io not found in the list of registered CSI drivers');
    const served = await call(server, "GET", "/apis/secrets-store.csi.x-k8s.io/v1");
    assert.equal(served.code, 404, "crds default: the driver's CRDs are not there either");
  });
});

test("FailedMount retries back off from 500 ms to 2m2s", () => {
  assert.deepEqual([0, 499, 500, 1499, 1500, 3500].map(mountAttempts), [1, 1, 2, 2, 3, 4]);
  assert.equal(mountAttempts(10 * 60_000 + 122_000) - mountAttempts(10 * 60_000), 1, "one try per 2m2s once backed off");
});
