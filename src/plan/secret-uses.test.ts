import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../resources/kube-object.ts";
import { secretsReadBy } from "./secret-uses.ts";

test("secretsReadBy finds every field that names a Secret, at any depth, and nothing else", () => {
  const deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "api", namespace: "shop", labels: { secret: "not-a-ref" } },
    spec: {
      template: {
        spec: {
          imagePullSecrets: [{ name: "registry" }],
          containers: [
            {
              name: "api",
              env: [{ name: "PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } }, { name: "PLAIN", value: "secretName" }],
              envFrom: [{ secretRef: { name: "bundle" } }, { configMapRef: { name: "config" } }],
            },
          ],
          volumes: [{ name: "certs", secret: { secretName: "tls-certs" } }, { name: "cfg", configMap: { name: "config" } }],
        },
      },
    },
  } as unknown as KubeObject;
  assert.deepEqual([...secretsReadBy(deployment)], ["registry", "db", "bundle", "tls-certs"]);
  const ingress = { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "web" }, spec: { tls: [[{ secretName: "nested-in-a-list" }], { secretName: "web-tls" }] } } as unknown as KubeObject;
  assert.deepEqual([...secretsReadBy(ingress)], ["nested-in-a-list", "web-tls"]);
  assert.deepEqual([...secretsReadBy({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { secretKeyRef: "x" } } as unknown as KubeObject)], []);
});
