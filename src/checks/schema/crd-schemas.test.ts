/** The Key Vault delivery kinds are validated like every other kind berth writes (K8S-SCHEMA), from their upstream CRDs. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { lint } from "../../lint/run.ts";
import { desired, type KubeObject } from "../../resources/kube-object.ts";
import type { CheckInput } from "../check.ts";

const findings = (objects: KubeObject[]) =>
  lint({ resources: objects.map((o) => desired(o, [])), facts: { kubernetesVersion: "1.31", declaredSecrets: {}, unknownKinds: "error" }, locate: () => ({ path: "(input)" }) } satisfies CheckInput, { only: "schema" })
    .filter((d) => d.code.startsWith("K8S-"))
    .map((d) => `${d.code} ${d.object} ${d.field}: ${d.message}`);

const meta = (name: string) => ({ name, namespace: "shop" });
const spc = (parameters: Record<string, unknown>): KubeObject => ({ apiVersion: "secrets-store.csi.x-k8s.io/v1", kind: "SecretProviderClass", metadata: meta("api"), spec: { provider: "azure", parameters, secretObjects: [{ secretName: "api-db", type: "Opaque", data: [{ objectName: "db.password", key: "password" }] }] } });
const store = (azurekv: Record<string, unknown>): KubeObject => ({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: meta("berth-vault"), spec: { provider: { azurekv } } });
const external = (data: unknown[]): KubeObject => ({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: meta("db"), spec: { refreshInterval: "1h", secretStoreRef: { kind: "SecretStore", name: "berth-vault" }, target: { name: "db", creationPolicy: "Owner" }, data } });

test("SecretProviderClass, SecretStore and ExternalSecret as berth writes them validate", () => {
  assert.deepEqual(
    findings([
      spc({ clientID: "c", keyvaultName: "kv", tenantId: "t", objects: "array: []\n" }),
      store({ authType: "WorkloadIdentity", vaultUrl: "https://kv.vault.azure.net/", serviceAccountRef: { name: "berth-vault-reader" } }),
      external([{ secretKey: "password", remoteRef: { key: "db-password", property: "PASSWORD" } }]),
    ]),
    [],
  );
});

test("what the API server or the operator would refuse is reported at its field", () => {
  assert.deepEqual(findings([spc({ clientID: 42 })]), ["K8S-SCHEMA SecretProviderClass shop/api .spec.parameters.clientID: must be string"]);
  assert.deepEqual(findings([store({ authType: "Workload", serviceAccountRef: {} })]), [
    "K8S-SCHEMA SecretStore shop/berth-vault .spec.provider.azurekv: must have required property 'vaultUrl'",
    "K8S-SCHEMA SecretStore shop/berth-vault .spec.provider.azurekv.authType: must be equal to one of the allowed values: ServicePrincipal, ManagedIdentity, WorkloadIdentity",
    "K8S-SCHEMA SecretStore shop/berth-vault .spec.provider.azurekv.serviceAccountRef: must have required property 'name'",
  ]);
  assert.deepEqual(findings([external([{ secretKey: "a b", remoteRef: {} }])]), [
    "K8S-SCHEMA ExternalSecret shop/db .spec.data[0].secretKey: must match pattern \"^[-._a-zA-Z0-9]+$\"",
    "K8S-SCHEMA ExternalSecret shop/db .spec.data[0].remoteRef: must have required property 'key'",
  ]);
});
