/**
 * AKS workload identity in the test API server: the mutating webhook at pod creation (what it injects, when it
 * does not), and the kubelet running a Node container for real with the projected token, its termination message
 * and exit code becoming the pod's and the Job's outcome — on virtual time held still while the process runs.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { claimsOf } from "../azure-api-server/testing.ts";
import { startKubeApiServer } from "./index.ts";
import { apply, call, deployment, waitFor } from "./testing.ts";
import type { KubeApiServer, Scenario } from "./types.ts";
import { LAYOUTS, mutatePod } from "./workload-identity-webhook.ts";

const ISSUER = "https://westeurope.oic.prod-aks.azure.com/tenant-a/cluster-1/";
const WI: Scenario["workloadIdentity"] = { webhook: { tenantId: "tenant-a", authorityHost: "https://login.microsoftonline.com/" }, issuer: () => ISSUER };
const NODE_IMAGE = "gcr.io/distroless/nodejs22-debian12:nonroot";

async function withServer(scenario: Scenario, fn: (server: KubeApiServer) => Promise<void>): Promise<void> {
  const server = await startKubeApiServer({ readyAfterMs: {}, ...scenario });
  try {
    await call(server, "POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "apps" } });
    await fn(server);
  } finally {
    await server.close();
  }
}

const serviceAccount = (name: string, clientId?: string) => ({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: "apps", ...(clientId ? { annotations: { "azure.workload.identity/client-id": clientId } } : {}) } });
const pod = (name: string, sa: string, labelled = true) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "apps", ...(labelled ? { labels: { "azure.workload.identity/use": "true" } } : {}) },
  spec: { serviceAccountName: sa, containers: [{ name: "app", image: "nginx:1.27", env: [{ name: "AZURE_TENANT_ID", value: "mine" }] }] },
});
const envOf = (p: Record<string, any>): Record<string, string> => Object.fromEntries(((p.spec.containers[0].env ?? []) as { name: string; value: string }[]).map((e) => [e.name, e.value]));

describe("workload identity webhook", () => {
  test("a labelled pod of an annotated ServiceAccount gets the env and the projected token; others are left alone", () =>
    withServer({ workloadIdentity: WI }, async (server) => {
      await call(server, "POST", "/api/v1/namespaces/apps/serviceaccounts", serviceAccount("api", "client-1"));
      await call(server, "POST", "/api/v1/namespaces/apps/serviceaccounts", serviceAccount("plain"));
      const made = (await call(server, "POST", "/api/v1/namespaces/apps/pods", pod("p1", "api"))).body;
      assert.deepEqual(envOf(made), {
        AZURE_TENANT_ID: "mine", // set by the container: kept
        AZURE_CLIENT_ID: "client-1",
        AZURE_FEDERATED_TOKEN_FILE: "/var/run/secrets/azure/wi/token/azure-identity-token",
        AZURE_AUTHORITY_HOST: "https://login.microsoftonline.com/",
      });
      const volume = made.spec.volumes.find((v: { name: string }) => v.name.startsWith("azure-workload-identity-reserved-"));
      assert.equal(volume.name.length, 63);
      assert.deepEqual(volume.projected.sources, [{ serviceAccountToken: { path: "token/azure-identity-token", expirationSeconds: 3600, audience: "api://AzureADTokenExchange" } }]);
      assert.deepEqual(made.spec.containers[0].volumeMounts, [{ name: volume.name, mountPath: "/var/run/secrets/azure/wi", readOnly: true }]);

      const unlabelled = (await call(server, "POST", "/api/v1/namespaces/apps/pods", pod("p2", "api", false))).body;
      assert.deepEqual(envOf(unlabelled), { AZURE_TENANT_ID: "mine" });
      // The webhook mutates even without a client id, but adds no empty variable: no AZURE_CLIENT_ID.
      const notAnnotated = (await call(server, "POST", "/api/v1/namespaces/apps/pods", pod("p3", "plain"))).body;
      assert.equal(envOf(notAnnotated).AZURE_CLIENT_ID, undefined);
      assert.equal(envOf(notAnnotated).AZURE_FEDERATED_TOKEN_FILE, "/var/run/secrets/azure/wi/token/azure-identity-token");
    }));

  test("pods made before the ServiceAccount was annotated keep no AZURE_CLIENT_ID; a restart's pods have it", () =>
    withServer({ workloadIdentity: WI }, async (server) => {
      await call(server, "POST", "/api/v1/namespaces/apps/serviceaccounts", serviceAccount("web"));
      const d = deployment("web", "apps");
      Object.assign(d.spec.template.metadata.labels, { "azure.workload.identity/use": "true" });
      Object.assign(d.spec.template.spec, { serviceAccountName: "web" });
      await apply(server, "/apis/apps/v1/namespaces/apps/deployments/web", d);
      const before = await waitFor(server, "a pod", () => server.list("v1", "Pod")[0]);
      await apply(server, "/api/v1/namespaces/apps/serviceaccounts/web", serviceAccount("web", "client-2"));
      await server.clock.sleep(50);
      assert.equal(envOf(server.get("v1", "Pod", "apps", before.metadata.name)!).AZURE_CLIENT_ID, undefined, "admission happens once, at creation");
      await call(server, "DELETE", `/api/v1/namespaces/apps/pods/${before.metadata.name}`);
      const after = await waitFor(server, "a new pod", () => server.list("v1", "Pod").find((p) => p.metadata.name !== before.metadata.name));
      assert.equal(envOf(after).AZURE_CLIENT_ID, "client-2");
    }));

  test("without a workload identity scenario (no webhook installed) nothing is injected", () =>
    withServer({}, async (server) => {
      await call(server, "POST", "/api/v1/namespaces/apps/serviceaccounts", serviceAccount("api", "client-1"));
      const made = (await call(server, "POST", "/api/v1/namespaces/apps/pods", pod("p1", "api"))).body;
      assert.deepEqual(envOf(made), { AZURE_TENANT_ID: "mine" });
    }));

  test("the v1.5 layout: volume azure-identity-token at /var/run/secrets/azure/tokens; tenant and expiry from annotations", () => {
    const p: Record<string, any> = pod("p", "api");
    p.metadata.annotations = { "azure.workload.identity/service-account-token-expiration": "7200" };
    const sa: Record<string, any> = serviceAccount("api", "c");
    sa.metadata.annotations["azure.workload.identity/tenant-id"] = "tenant-b";
    p.spec.containers[0].env = [];
    mutatePod(p, sa, { tenantId: "tenant-a", authorityHost: "https://login.microsoftonline.com/", version: "v1.5" });
    assert.equal(envOf(p).AZURE_FEDERATED_TOKEN_FILE, `${LAYOUTS["v1.5"].mountPath}/azure-identity-token`);
    assert.equal(envOf(p).AZURE_TENANT_ID, "tenant-b");
    assert.equal(p.spec.volumes[0].name, "azure-identity-token");
    assert.equal(p.spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds, 7200);
  });
});

describe("kubelet: a Node container run for real", () => {
  const SCRIPT = `
import { readFileSync, writeFileSync } from "node:fs";
const token = readFileSync(process.env.AZURE_FEDERATED_TOKEN_FILE, "utf8");
writeFileSync(process.env.BERTH_TERMINATION_LOG, JSON.stringify({ token, greeting: process.env.GREETING, from: process.env.FROM_CM }));
console.log("hello from the pod");
process.exit(Number(process.env.EXIT_CODE));
`;
  const job = (name: string, exit: number) => ({
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: "apps" },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels: { "azure.workload.identity/use": "true" } },
        spec: {
          serviceAccountName: "checker",
          restartPolicy: "Never",
          containers: [
            {
              name: "check",
              image: `${NODE_IMAGE}@sha256:${"a".repeat(64)}`,
              args: ["/scripts/check.mjs"],
              env: [
                { name: "GREETING", value: "hi" },
                { name: "EXIT_CODE", value: String(exit) },
                { name: "FROM_CM", valueFrom: { configMapKeyRef: { name: "scripts", key: "note" } } },
              ],
              volumeMounts: [{ name: "scripts", mountPath: "/scripts", readOnly: true }],
            },
          ],
          volumes: [{ name: "scripts", configMap: { name: "scripts" } }],
        },
      },
    },
  });

  test("runs node with the mounted script and the projected token; the termination message and exit code decide the Job", () =>
    withServer({ workloadIdentity: WI, containerRunner: { images: [NODE_IMAGE] } }, async (server) => {
      await call(server, "POST", "/api/v1/namespaces/apps/serviceaccounts", serviceAccount("checker", "client-3"));
      await call(server, "POST", "/api/v1/namespaces/apps/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "scripts", namespace: "apps" }, data: { "check.mjs": SCRIPT, note: "from a ConfigMap" } });
      await call(server, "POST", "/apis/batch/v1/namespaces/apps/jobs", job("good", 0));
      await call(server, "POST", "/apis/batch/v1/namespaces/apps/jobs", job("bad", 3));
      const done = (name: string) => server.get("batch/v1", "Job", "apps", name)?.status?.conditions?.find((c: { type: string; status: string }) => c.status === "True" && (c.type === "Complete" || c.type === "Failed"))?.type;
      await waitFor(server, "both Jobs finished", () => done("good") === "Complete" && done("bad") === "Failed", 60_000);
      const podOf = (name: string) => server.list("v1", "Pod").find((p) => p.metadata.labels?.["job-name"] === name)!;
      const terminated = podOf("good").status.containerStatuses[0].state.terminated;
      assert.deepEqual([podOf("good").status.phase, terminated.exitCode, terminated.reason], ["Succeeded", 0, "Completed"]);
      const message = JSON.parse(terminated.message);
      assert.deepEqual([message.greeting, message.from], ["hi", "from a ConfigMap"]);
      const claims = claimsOf(message.token);
      assert.deepEqual([claims.iss, claims.sub, claims.aud], [ISSUER, "system:serviceaccount:apps:checker", ["api://AzureADTokenExchange"]]);
      assert.equal(claims.exp - claims.iat, 3600);
      const failed = podOf("bad").status.containerStatuses[0].state.terminated;
      assert.deepEqual([podOf("bad").status.phase, failed.exitCode, failed.reason], ["Failed", 3, "Error"]);
      const log = await call(server, "GET", `/api/v1/namespaces/apps/pods/${podOf("good").metadata.name}/log`);
      assert.equal(log.body, "hello from the pod\n");
    }));
});
