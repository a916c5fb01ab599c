/** Simulated controllers: workloads through status over time, endpoints, volumes, ingress, autoscalers, events. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startKubeApiServer } from "./index.ts";
import type { KubeApiServer, Scenario } from "./types.ts";
import { apply, call, deployment, waitFor } from "./testing.ts";

async function withServer(fn: (server: KubeApiServer) => Promise<void>, scenario: Scenario = {}): Promise<void> {
  const server = await startKubeApiServer(scenario);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

type Cond = { type: string; status: string; reason?: string };
const cond = (o: { status?: { conditions?: Cond[] } } | undefined, type: string): Cond | undefined => o?.status?.conditions?.find((c) => c.type === type);

test("Deployment: pods appear Pending, become Running+Ready after readyAfterMs; ReplicaSet and pods carry owner references and labels", () =>
  withServer(
    async (server) => {
      const start = server.clock.now();
      await apply(server, "/apis/apps/v1/namespaces/default/deployments/web", deployment("web", "default", { replicas: 2 }));
      const pending = await waitFor(server, "pods", () => {
        const pods = server.list("v1", "Pod").filter((p) => p.metadata.labels?.app === "web");
        return pods.length === 2 && pods;
      });
      assert.equal(pending[0]!.status.phase, "Pending");
      assert.equal(pending[0]!.status.containerStatuses[0].state.waiting.reason, "ContainerCreating");
      const d = server.get("apps/v1", "Deployment", "default", "web")!;
      const rs = server.list("apps/v1", "ReplicaSet")[0]!;
      assert.deepEqual(rs.metadata.ownerReferences, [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      assert.equal(rs.metadata.name, `web-${rs.metadata.labels["pod-template-hash"]}`);
      assert.equal(rs.metadata.annotations["deployment.kubernetes.io/revision"], "1");
      const pod = pending[0]!;
      assert.equal(pod.metadata.ownerReferences[0].uid, rs.metadata.uid);
      assert.equal(pod.metadata.labels["pod-template-hash"], rs.metadata.labels["pod-template-hash"]);
      assert.equal(pod.spec.containers[0].image, "nginx:1.27");
      assert.equal(pod.spec.nodeName, "berth-test-node");

      const ready = await waitFor(server, "ready", () => {
        const x = server.get("apps/v1", "Deployment", "default", "web");
        return x?.status?.availableReplicas === 2 && x;
      });
      assert.ok(server.clock.now() - start >= 100, "not ready before readyAfterMs");
      assert.deepEqual(
        { observedGeneration: ready.status.observedGeneration, replicas: ready.status.replicas, updatedReplicas: ready.status.updatedReplicas, readyReplicas: ready.status.readyReplicas },
        { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2 },
      );
      assert.equal(cond(ready, "Available")?.status, "True");
      assert.equal(cond(ready, "Progressing")?.reason, "NewReplicaSetAvailable");
      const running = server.list("v1", "Pod").find((p) => p.metadata.labels?.app === "web")!;
      assert.equal(running.status.phase, "Running");
      assert.match(running.status.podIP, /^10\.244\.\d+\.\d+$/);
      assert.deepEqual(running.status.conditions.map((c: Cond) => `${c.type}=${c.status}`), ["PodReadyToStartContainers=True", "Initialized=True", "Ready=True", "ContainersReady=True", "PodScheduled=True"]);
      assert.equal(running.status.containerStatuses[0].ready, true);
      assert.ok(running.status.containerStatuses[0].state.running.startedAt);
      const noPrevious = await call(server, "GET", `/api/v1/namespaces/default/pods/${running.metadata.name}/log?previous=true`);
      assert.deepEqual([noPrevious.code, noPrevious.body.message], [400, `previous terminated container "app" in pod "${running.metadata.name}" not found`]);
      const reasons = server.list("v1", "Event").filter((e) => e.involvedObject.name === running.metadata.name).map((e) => e.reason).sort();
      assert.deepEqual(reasons, ["Created", "Pulled", "Pulling", "Scheduled", "Started"]);
      assert.ok(server.list("v1", "Event").some((e) => e.involvedObject.kind === "Deployment" && e.reason === "ScalingReplicaSet" && e.message === `Scaled up replica set ${rs.metadata.name} from 0 to 2`));
    },
    { readyAfterMs: { Deployment: 100 } },
  ));

test("Deployment: a template change rolls out a new ReplicaSet, old pods go once new ones are ready", () =>
  withServer(
    async (server) => {
      const path = "/apis/apps/v1/namespaces/default/deployments/web";
      await apply(server, path, deployment("web", "default"));
      await waitFor(server, "ready", () => server.get("apps/v1", "Deployment", "default", "web")?.status?.readyReplicas === 1);
      const oldPod = server.list("v1", "Pod")[0]!;
      const r = await apply(server, path, deployment("web", "default", { image: "nginx:1.28" }));
      assert.equal(r.body.metadata.generation, 2);
      await waitFor(server, "rolled out", () => {
        const d = server.get("apps/v1", "Deployment", "default", "web");
        return d?.status?.observedGeneration === 2 && d.status.updatedReplicas === 1 && d.status.replicas === 1 && d.status.availableReplicas === 1 && cond(d, "Progressing")?.reason === "NewReplicaSetAvailable";
      });
      const pods = server.list("v1", "Pod");
      assert.equal(pods.length, 1);
      assert.notEqual(pods[0]!.metadata.name, oldPod.metadata.name);
      assert.equal(pods[0]!.spec.containers[0].image, "nginx:1.28");
      const rs = server.list("apps/v1", "ReplicaSet").map((x) => [x.metadata.annotations["deployment.kubernetes.io/revision"], x.spec.replicas]);
      assert.deepEqual(rs.sort(), [["1", 0], ["2", 1]]);
      assert.equal(server.get("apps/v1", "Deployment", "default", "web")!.metadata.annotations["deployment.kubernetes.io/revision"], "2");
    },
    { readyAfterMs: { Deployment: 20 } },
  ));

test("StatefulSet: ordered pods name-0..n, claims from volumeClaimTemplates bound, revisions and status", () =>
  withServer(
    async (server) => {
      const sts = {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "db", namespace: "default" },
        spec: {
          replicas: 2,
          serviceName: "db",
          selector: { matchLabels: { app: "db" } },
          template: { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "pg", image: "postgres:16" }] } },
          volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } } } }],
        },
      };
      await apply(server, "/apis/apps/v1/namespaces/default/statefulsets/db", sts);
      const s = await waitFor(server, "ready", () => {
        const x = server.get("apps/v1", "StatefulSet", "default", "db");
        return x?.status?.readyReplicas === 2 && x;
      });
      assert.equal(s.status.currentRevision, s.status.updateRevision);
      assert.match(s.status.updateRevision, /^db-[a-z0-9]{10}$/);
      assert.deepEqual([s.status.replicas, s.status.currentReplicas, s.status.updatedReplicas, s.status.availableReplicas, s.status.observedGeneration], [2, 2, 2, 2, 1]);
      assert.deepEqual(server.list("v1", "Pod").map((p) => p.metadata.name), ["db-0", "db-1"]);
      assert.ok(server.list("v1", "Pod")[0]!.spec.volumes.some((v: { persistentVolumeClaim?: { claimName: string } }) => v.persistentVolumeClaim?.claimName === "data-db-0"));
      assert.deepEqual(server.list("v1", "PersistentVolumeClaim").map((c) => `${c.metadata.name}:${c.status.phase}`), ["data-db-0:Bound", "data-db-1:Bound"]);
      assert.ok(server.list("v1", "Pod")[1]!.metadata.creationTimestamp >= server.list("v1", "Pod")[0]!.metadata.creationTimestamp);

      const forbidden = await apply(server, "/apis/apps/v1/namespaces/default/statefulsets/db", { ...sts, spec: { ...sts.spec, serviceName: "other" } });
      assert.equal(forbidden.code, 422);
      assert.match(forbidden.body.message, /spec: Forbidden: updates to statefulset spec for fields other than/);

      const updated = structuredClone(sts);
      updated.spec.template.spec.containers[0]!.image = "postgres:17";
      await apply(server, "/apis/apps/v1/namespaces/default/statefulsets/db", updated);
      const rolled = await waitFor(server, "rolled", () => {
        const x = server.get("apps/v1", "StatefulSet", "default", "db");
        return x?.status?.observedGeneration === 2 && x.status.updatedReplicas === 2 && x.status.readyReplicas === 2 && x.status.currentRevision === x.status.updateRevision && x;
      });
      assert.notEqual(rolled.status.updateRevision, s.status.updateRevision);
      assert.ok(server.list("v1", "Pod").every((p) => p.spec.containers[0].image === "postgres:17"));
    },
    { readyAfterMs: { StatefulSet: 10, PersistentVolumeClaim: 10 } },
  ));

test("slow-pvc keeps a StatefulSet pod Pending/Unschedulable until its claim binds", () =>
  withServer(
    async (server) => {
      const sts = {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "db" },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: "db" } },
          template: { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "pg", image: "postgres:16" }] } },
          volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { resources: { requests: { storage: "1Gi" } } } }],
        },
      };
      await apply(server, "/apis/apps/v1/namespaces/default/statefulsets/db", sts);
      const pod = await waitFor(server, "unschedulable", () => {
        const p = server.get("v1", "Pod", "default", "db-0");
        return cond(p, "PodScheduled")?.reason === "Unschedulable" && p;
      });
      assert.equal(pod.status.phase, "Pending");
      assert.ok(server.list("v1", "Event").some((e) => e.reason === "FailedScheduling" && e.type === "Warning"));
      await waitFor(server, "ready after bind", () => server.get("apps/v1", "StatefulSet", "default", "db")?.status?.readyReplicas === 1);
      assert.equal(server.get("v1", "PersistentVolumeClaim", "default", "data-db-0")?.status?.phase, "Bound");
    },
    { faults: [{ type: "slow-pvc", object: { kind: "PersistentVolumeClaim", name: "data-db-0" }, delayMs: 120 }] },
  ));

test("DaemonSet: one pod on the one node, status counts", () =>
  withServer(async (server) => {
    const ds = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "agent" },
      spec: { selector: { matchLabels: { app: "agent" } }, template: { metadata: { labels: { app: "agent" } }, spec: { containers: [{ name: "a", image: "agent:1" }] } } },
    };
    await apply(server, "/apis/apps/v1/namespaces/default/daemonsets/agent", ds);
    const d = await waitFor(server, "ready", () => {
      const x = server.get("apps/v1", "DaemonSet", "default", "agent");
      return x?.status?.numberReady === 1 && x;
    });
    assert.deepEqual(
      [d.status.desiredNumberScheduled, d.status.currentNumberScheduled, d.status.updatedNumberScheduled, d.status.numberAvailable, d.status.observedGeneration, d.status.numberUnavailable],
      [1, 1, 1, 1, 1, undefined],
    );
    assert.equal(server.list("v1", "Pod").length, 1);
  }));

test("Job: pod runs then Succeeded; Job gets succeeded=1, completionTime, Complete=True", () =>
  withServer(
    async (server) => {
      const job = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "once" }, spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1" }] } } } };
      const created = await apply(server, "/apis/batch/v1/namespaces/default/jobs/once", job);
      assert.equal(created.body.spec.selector.matchLabels["batch.kubernetes.io/controller-uid"], created.body.metadata.uid);
      const running = await waitFor(server, "active", () => server.get("batch/v1", "Job", "default", "once")?.status?.active === 1);
      assert.equal(running, true);
      const j = await waitFor(server, "complete", () => {
        const x = server.get("batch/v1", "Job", "default", "once");
        return cond(x, "Complete")?.status === "True" && x;
      });
      assert.equal(j.status.succeeded, 1);
      assert.equal(j.status.active, undefined);
      assert.ok(j.status.completionTime && j.status.startTime);
      assert.equal(cond(j, "SuccessCriteriaMet")?.status, "True");
      const pod = server.list("v1", "Pod")[0]!;
      assert.equal(pod.status.phase, "Succeeded");
      assert.equal(pod.metadata.labels["job-name"], "once");
      assert.equal(pod.status.containerStatuses[0].state.terminated.reason, "Completed");
      assert.equal((await call(server, "GET", `/api/v1/namespaces/default/pods/${pod.metadata.name}/log`)).body, "INFO starting c\nINFO configuration loaded\nINFO job finished successfully\n");
      assert.ok(server.list("v1", "Event").some((e) => e.involvedObject.kind === "Job" && e.reason === "Completed"));
    },
    { readyAfterMs: { Job: 60 } },
  ));

test("Service endpoints follow ready pods; LoadBalancer and Ingress get addresses; HPA reports; PDB counts", () =>
  withServer(
    async (server) => {
      await apply(server, "/apis/apps/v1/namespaces/default/deployments/web", deployment("web", "default", { replicas: 2 }));
      const svc = await call(server, "POST", "/api/v1/namespaces/default/services", { apiVersion: "v1", kind: "Service", metadata: { name: "web", labels: { app: "web" } }, spec: { type: "LoadBalancer", selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] } });
      assert.match(svc.body.spec.clusterIP, /^10\.96\.\d+\.\d+$/);
      assert.ok(svc.body.spec.ports[0].nodePort >= 30000);
      const ep = await waitFor(server, "2 ready addresses", () => {
        const e = server.get("v1", "Endpoints", "default", "web");
        return e?.subsets?.[0]?.addresses?.length === 2 && e;
      });
      const ips = server.list("v1", "Pod").map((p) => p.status.podIP).sort();
      assert.deepEqual(ep.subsets[0].addresses.map((a: { ip: string }) => a.ip).sort(), ips);
      assert.deepEqual(ep.subsets[0].ports, [{ name: "http", port: 8080, protocol: "TCP" }]);
      assert.equal(ep.metadata.labels.app, "web");
      await waitFor(server, "lb", () => server.get("v1", "Service", "default", "web")?.status?.loadBalancer?.ingress?.[0]?.ip === "203.0.113.20");

      await apply(server, "/apis/networking.k8s.io/v1/namespaces/default/ingresses/web", {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: "web" },
        spec: { rules: [{ host: "shop.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }] } }] },
      });
      await waitFor(server, "ingress ip", () => server.get("networking.k8s.io/v1", "Ingress", "default", "web")?.status?.loadBalancer?.ingress?.[0]?.ip === "203.0.113.10");

      await apply(server, "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web", {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "web" },
        spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: 2, maxReplicas: 5 },
      });
      const hpa = await waitFor(server, "hpa", () => {
        const h = server.get("autoscaling/v2", "HorizontalPodAutoscaler", "default", "web");
        return cond(h, "AbleToScale")?.status === "True" && h?.status.currentReplicas === 2 && h;
      });
      assert.equal(hpa.status.desiredReplicas, 2);

      await apply(server, "/apis/policy/v1/namespaces/default/poddisruptionbudgets/web", { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "web" }, spec: { minAvailable: 1, selector: { matchLabels: { app: "web" } } } });
      const pdb = await waitFor(server, "pdb", () => server.get("policy/v1", "PodDisruptionBudget", "default", "web")?.status?.currentHealthy === 2 && server.get("policy/v1", "PodDisruptionBudget", "default", "web"));
      assert.deepEqual([pdb.status.expectedPods, pdb.status.desiredHealthy, pdb.status.disruptionsAllowed], [2, 1, 1]);

      await call(server, "DELETE", "/api/v1/namespaces/default/services/web");
      await waitFor(server, "endpoints removed", () => server.get("v1", "Endpoints", "default", "web") === undefined);
    },
    { readyAfterMs: { Deployment: 5, Service: 5, Ingress: 20, HorizontalPodAutoscaler: 5 } },
  ));

test("new namespaces get a default ServiceAccount and kube-root-ca.crt; seeded Namespaces are Active", () =>
  withServer(async (server) => {
    server.seed({ apiVersion: "v1", kind: "Namespace", metadata: { name: "pre" } });
    assert.equal(server.get("v1", "Namespace", undefined, "pre")?.status?.phase, "Active");
    await waitFor(server, "default sa", () => server.get("v1", "ServiceAccount", "pre", "default") !== undefined && server.get("v1", "ConfigMap", "pre", "kube-root-ca.crt") !== undefined);
    assert.deepEqual(
      server.list("v1", "Namespace").map((n) => n.metadata.name),
      ["default", "kube-node-lease", "kube-public", "kube-system", "pre"],
    );
  }));

test("workload faults added later apply to existing pods; setScenario replaces faults and timings", () =>
  withServer(async (server) => {
    await apply(server, "/apis/apps/v1/namespaces/default/deployments/web", deployment("web", "default"));
    await waitFor(server, "ready", () => server.get("apps/v1", "Deployment", "default", "web")?.status?.readyReplicas === 1);
    server.addFault({ type: "never-ready", object: { kind: "Deployment", name: "web" } });
    await waitFor(server, "unready", () => server.get("apps/v1", "Deployment", "default", "web")?.status?.readyReplicas === undefined);
    server.setScenario({});
    await waitFor(server, "ready again", () => server.get("apps/v1", "Deployment", "default", "web")?.status?.readyReplicas === 1);
  }));
