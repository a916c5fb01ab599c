import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lint } from "../../lint/run.ts";
import { desired, type KubeObject } from "../../resources/kube-object.ts";
import type { CheckInput } from "../check.ts";

const input = (objects: KubeObject[]): CheckInput => ({
  resources: objects.map((o) => desired(o, [])),
  facts: { kubernetesVersion: "1.31", declaredSecrets: {}, unknownKinds: "warn" },
  locate: () => ({ path: "(input)" }),
});

const reader = (ns: string, secret: string, key: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: `reads-${secret}`, namespace: ns },
  spec: { containers: [{ name: "c", image: "x:1", env: [{ name: "V", valueFrom: { secretKeyRef: { name: secret, key } } }] }] },
});

const generator = (annotation: string): KubeObject => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: "berth-secrets-1", namespace: "core", annotations: { "berth.dev/generates-secrets": annotation } },
  spec: { template: { spec: { containers: [{ name: "g", image: "x:1" }], restartPolicy: "Never" } } },
});

const refFindings = (objects: KubeObject[]) =>
  lint(input(objects), { only: "reference" })
    .filter((d) => d.code.startsWith("REF-SECRET"))
    .map((d) => `${d.code} ${d.object}: ${d.message}`);

describe("secrets promised by the output", () => {
  it("a SecretProviderClass's secretObjects and an ExternalSecret's target exist, with their keys, in their namespace", () => {
    const spc: KubeObject = { apiVersion: "secrets-store.csi.x-k8s.io/v1", kind: "SecretProviderClass", metadata: { name: "web", namespace: "apps" }, spec: { provider: "azure", secretObjects: [{ secretName: "web-db", type: "Opaque", data: [{ objectName: "db.password", key: "password" }] }] } } as KubeObject;
    const eso: KubeObject = { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: "db", namespace: "core" }, spec: { target: { name: "db" }, data: [{ secretKey: "password", remoteRef: { key: "x" } }] } } as KubeObject;
    assert.deepEqual(refFindings([spc, eso, reader("apps", "web-db", "password"), reader("core", "db", "password")]), []);
    assert.deepEqual(refFindings([spc, reader("apps", "web-db", "user")]), ['REF-SECRET-KEY Pod apps/reads-web-db: Secret "web-db" has no key "user"']);
    assert.deepEqual(refFindings([eso, reader("apps", "db", "password")]), ['REF-SECRET Pod apps/reads-db: Secret "db" does not exist in namespace apps']);
  });

  const promise = JSON.stringify([{ name: "db", keys: ["password"], namespaces: ["core", "apps"] }]);

  it("the generator Job's list makes its Secrets exist, with their keys, in every namespace it names", () => {
    assert.deepEqual(refFindings([generator(promise), reader("core", "db", "password"), reader("apps", "db", "password")]), []);
    assert.deepEqual(refFindings([generator(promise), reader("apps", "db", "user")]), ['REF-SECRET-KEY Pod apps/reads-db: Secret "db" has no key "user"']);
    assert.deepEqual(refFindings([generator(promise), reader("other", "db", "password")]), ['REF-SECRET Pod other/reads-db: Secret "db" does not exist in namespace other']);
  });

  it("a Namespace's list of user-provided Secrets makes them exist there only", () => {
    const ns: KubeObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: "apps", annotations: { "berth.dev/provided-secrets": JSON.stringify({ token: ["API_KEY"] }) } } };
    assert.deepEqual(refFindings([ns, reader("apps", "token", "API_KEY")]), []);
    assert.deepEqual(refFindings([ns, reader("core", "token", "API_KEY")]), ['REF-SECRET Pod core/reads-token: Secret "token" does not exist in namespace core']);
  });

  it("a malformed declaration promises nothing", () => {
    for (const bad of ["not json", "{}", JSON.stringify([{ name: "db", keys: "password", namespaces: ["core"] }])])
      assert.equal(refFindings([generator(bad), reader("core", "db", "password")]).length, 1, bad);
  });
});

describe("RoleBinding subjects", () => {
  it("a ServiceAccount subject is looked up in the namespace it names", () => {
    const binding = (subjectNs: string): KubeObject => ({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "b", namespace: "apps" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "r" },
      subjects: [{ kind: "ServiceAccount", name: "runner", namespace: subjectNs }],
    });
    const objects = (subjectNs: string): KubeObject[] => [
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "runner", namespace: "core" } },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "r", namespace: "apps" }, rules: [] },
      binding(subjectNs),
    ];
    const saFindings = (subjectNs: string) => lint(input(objects(subjectNs)), { only: "reference" }).filter((d) => d.code === "REF-SERVICEACCOUNT").map((d) => d.message);
    assert.deepEqual(saFindings("core"), []);
    assert.deepEqual(saFindings("elsewhere"), ['ServiceAccount "runner" does not exist in namespace elsewhere']);
  });
});
