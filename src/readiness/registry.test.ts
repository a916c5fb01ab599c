import assert from "node:assert/strict";
import { test } from "node:test";
import type { LiveObject, Observed } from "./live.ts";
import { readinessOf } from "./registry.ts";

const pod = (containerStatuses: object[], name = "p-1"): LiveObject => ({ metadata: { name, namespace: "ns" }, status: { containerStatuses } });
const deploy = (status: object, extra: Partial<Observed> = {}): Observed => ({ object: { metadata: { name: "web", generation: 2 }, spec: { replicas: 2 }, status: { observedGeneration: 2, ...status } }, ...extra });
const judge = (apiVersion: string, kind: string, o: Observed, stage: "step" | "settled" = "step") => {
  const e = readinessOf(apiVersion, kind);
  return (stage === "settled" ? (e.settled ?? e.step) : e.step)(o);
};

test("readiness: a Deployment is ready when every replica is updated, ready and available", () => {
  assert.deepEqual(judge("apps/v1", "Deployment", deploy({ replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 })), { done: true, ok: true, message: "2/2 pods ready" });
  assert.equal(judge("apps/v1", "Deployment", deploy({ replicas: 3, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 })).done, false, "an old pod still terminating");
  assert.match(judge("apps/v1", "Deployment", deploy({ observedGeneration: 1 })).message, /generation 2/);
});

test("readiness: terminal pod states fail at once, the most specific first", () => {
  const pull = judge("apps/v1", "Deployment", deploy({ readyReplicas: 0 }, { pods: [pod([{ name: "app", state: { waiting: { reason: "ImagePullBackOff", message: "manifest unknown" } } }])] }));
  assert.deepEqual([pull.done, pull.ok, pull.reason], [true, false, "ImagePullBackOff"]);
  assert.match(pull.message, /pod p-1: container app cannot pull its image: manifest unknown/);
  const oom = judge("apps/v1", "StatefulSet", { object: { metadata: { generation: 1 }, spec: { replicas: 1 }, status: { observedGeneration: 1 } }, pods: [pod([{ name: "db", restartCount: 3, state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { reason: "OOMKilled", exitCode: 137 } } }])] });
  assert.equal(oom.reason, "OOMKilled");
  assert.deepEqual(oom.pod, { namespace: "ns", name: "p-1", container: "db", previous: true });
  const crash = judge("apps/v1", "Deployment", deploy({}, { pods: [pod([{ name: "app", restartCount: 4, state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { exitCode: 1 } } }])] }));
  assert.match(crash.message, /keeps exiting \(4 restarts, last exit code 1\)/);
  const waiting = judge("apps/v1", "Deployment", deploy({ readyReplicas: 1 }, { pods: [pod([{ name: "app", state: { waiting: { reason: "ContainerCreating" } } }])] }));
  assert.deepEqual([waiting.done, waiting.message], [false, "1/2 pods ready; pod p-1: app ContainerCreating"]);
  const stuck = judge("apps/v1", "Deployment", deploy({ conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "ReplicaSet web-1 has timed out progressing." }] }));
  assert.deepEqual([stuck.done, stuck.ok, stuck.reason], [true, false, "ProgressDeadlineExceeded"]);
});

test("readiness: Jobs complete or fail with the controller's reason", () => {
  assert.equal(judge("batch/v1", "Job", { object: { status: { conditions: [{ type: "Complete", status: "True" }] } } }).ok, true);
  const f = judge("batch/v1", "Job", { object: { status: { conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" }] } }, pods: [{ metadata: { name: "j-x", namespace: "ns" }, status: { phase: "Failed" } }] });
  assert.deepEqual([f.done, f.ok, f.reason, f.pod?.name], [true, false, "BackoffLimitExceeded", "j-x"]);
  assert.equal(judge("batch/v1", "Job", { object: { status: { active: 1 } } }).done, false);
});

test("readiness: a claim waiting for its first consumer lets its pod start, but verification wants it bound", () => {
  const pending: Observed = { object: { status: { phase: "Pending" } }, events: [{ type: "Normal", reason: "WaitForFirstConsumer", message: "waiting for first consumer to be created before binding" }] };
  assert.equal(judge("v1", "PersistentVolumeClaim", pending).ok, true);
  assert.equal(judge("v1", "PersistentVolumeClaim", pending, "settled").done, false);
  const slow = judge("v1", "PersistentVolumeClaim", { object: { status: { phase: "Pending" } }, events: [{ type: "Warning", reason: "ProvisioningFailed", message: "no capacity" }] });
  assert.deepEqual([slow.done, slow.message], [false, "Pending: ProvisioningFailed: no capacity"]);
});

test("readiness: Services are applied at once and settled when they have endpoints; kinds without an entry have nothing to wait for", () => {
  const svc = { metadata: { name: "db" }, spec: { clusterIP: "10.0.0.1", selector: { app: "db" } } };
  assert.equal(judge("v1", "Service", { object: svc }).ok, true);
  assert.equal(judge("v1", "Service", { object: svc, endpoints: { subsets: [] } }, "settled").done, false);
  assert.equal(judge("v1", "Service", { object: svc, endpoints: { subsets: [{ addresses: [{}] }] } }, "settled").message, "1 ready endpoint");
  assert.equal(judge("v1", "ConfigMap", { object: {} }).message, "exists: nothing to wait for");
  assert.equal(judge("apiextensions.k8s.io/v1", "CustomResourceDefinition", { object: { status: { conditions: [{ type: "NamesAccepted", status: "False", message: "taken" }] } } }).reason, "NamesNotAccepted");
});
