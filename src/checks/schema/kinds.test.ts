/** Names judged by each kind's own rule, and namespace rules only on namespaced kinds. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lint } from "../../lint/run.ts";
import { desired, type KubeObject } from "../../resources/kube-object.ts";
import { API_AVAILABILITY } from "../schema-registry.ts";
import { KIND_RULES } from "./kinds.ts";

const run = (objects: object[]) =>
  lint({ resources: objects.map((o) => desired(o as KubeObject, [])), facts: { kubernetesVersion: "1.31", declaredSecrets: {}, unknownKinds: "warn" }, locate: () => ({ path: "(test)" }) }).map((d) => `${d.code} ${d.object}`);

const obj = (apiVersion: string, kind: string, name: string, namespace?: string, extra: object = {}) => ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...extra });

describe("names by the rule of their kind", () => {
  const cases: [object, boolean][] = [
    [obj("rbac.authorization.k8s.io/v1", "ClusterRole", "system:controller:x"), true],
    [obj("rbac.authorization.k8s.io/v1", "Role", "Leader:Election_2", "ns"), true],
    [obj("rbac.authorization.k8s.io/v1", "RoleBinding", "a/b", "ns", { roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "r" } }), false],
    [obj("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "..", undefined, { roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "r" } }), false],
    [obj("rbac.authorization.k8s.io/v1", "ClusterRole", "100%"), false],
    [obj("v1", "ConfigMap", "a.b.c", "ns"), true],
    [obj("v1", "ConfigMap", "a:b", "ns"), false],
    [obj("v1", "Namespace", "a.b"), false],
    [obj("v1", "Service", "1web", "ns", { spec: { ports: [{ port: 80 }] } }), false],
    [obj("v1", "Service", "web.x", "ns", { spec: { ports: [{ port: 80 }] } }), false],
    [obj("networking.k8s.io/v1", "IngressClass", "nginx.example"), true],
    [obj("batch/v1", "CronJob", "c".repeat(53), "ns", { spec: { schedule: "* * * * *", jobTemplate: { spec: { template: { spec: { containers: [] } } } } } }), false],
  ];
  for (const [o, valid] of cases) {
    const { kind, metadata } = o as KubeObject;
    it(`${kind} "${metadata.name.slice(0, 20)}" is ${valid ? "valid" : "invalid"}`, () => {
      assert.equal(run([o]).some((c) => c.startsWith("NAME-INVALID")), !valid);
    });
  }
});

describe("namespace rules only on namespaced kinds", () => {
  it("a cluster-scoped built-in without a namespace is fine; a namespaced one is not", () => {
    const found = run([obj("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "hook"), obj("v1", "ConfigMap", "c")]).filter((c) => c.startsWith("NAMESPACE-DEFAULT"));
    assert.deepEqual(found, ["NAMESPACE-DEFAULT ConfigMap c"]);
  });

  it("a custom resource takes its scope from its CustomResourceDefinition among the objects", () => {
    const crd = (kind: string, scope: string) =>
      obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", `${kind.toLowerCase()}s.example.com`, undefined, {
        spec: { group: "example.com", scope, names: { kind, plural: `${kind.toLowerCase()}s` }, versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } }] },
      });
    const found = run([crd("Gate", "Cluster"), crd("Door", "Namespaced"), obj("example.com/v1", "Gate", "g"), obj("example.com/v1", "Door", "d")]).filter((c) => c.startsWith("NAMESPACE-DEFAULT"));
    assert.deepEqual(found, ["NAMESPACE-DEFAULT Door d"]);
  });

  it("every built-in kind berth knows (with or without a schema) has its scope and name rule", () => {
    const kinds = new Set(Object.keys(API_AVAILABILITY).map((gvk) => gvk.split("/").pop()!));
    assert.deepEqual([...kinds].filter((k) => !KIND_RULES[k]), []);
  });
});
