/**
 * Key Vault delivery (docs/design/0011, "Delivery to pods"), on a small spec: an app without an identity and a job
 * with one read a vault-backed Secret. csi: one SecretProviderClass per workload listing exactly what it reads, the
 * pod mounting it read-only with its references renamed, the reader's ServiceAccount annotated; eso: the reader, the
 * store and one ExternalSecret per Secret, pods untouched. Each reading identity gets Key Vault Secrets User on the
 * vault once. Both outputs pass lint and Pod Security restricted (the build runs them).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dump } from "js-yaml";
import { azureContext } from "../../src/catalog/azure/context.ts";
import { deliverVaultSecrets } from "../../src/catalog/azure/vault-delivery/index.ts";
import { desired, type KubeDesired, type KubeObject } from "../../src/resources/kube-object.ts";
import type { VaultDelivery, VaultRef } from "../../src/resources/vault-secrets.ts";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { build, planFor } from "../../src/index.ts";
import { tempDir } from "../support/cli.ts";
import { assertGolden } from "../support/golden.ts";
import { buildText } from "../support/spec.ts";

const SPEC = `apiVersion: berth.dev/v1alpha1
kind: Platform
metadata: { name: shop }
spec:
  kubernetes: { namespace: shop, version: "1.31" }
  secrets:
    db: { keys: [password, user], keyVault: { password: "{env}--db-password", user: "{env}--db-user" } }
  apps:
    api:
      image: ghcr.io/acme/api:1.2.3
      ports: [{ name: http, port: 8080 }]
      probes: { liveness: { path: /live }, readiness: { path: /ready } }
      env:
        DB_PASSWORD: { secret: db, key: password }
  jobs:
    migrate:
      image: ghcr.io/acme/migrate:1.0.0
      command: [migrate]
      identity: migrator
      env:
        DB_USER: { secret: db, key: user }
        DB_PASSWORD: { secret: db, key: password }
  azure:
    subscriptionId: 00000000-0000-0000-0000-000000000000
    tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47
    location: westeurope
    resourceGroups: { main: {} }
    aks:
      main:
        kubernetesVersion: "1.31"
        nodePools: [{ name: system, vmSize: Standard_D4s_v5, count: 1, mode: System }]
    keyVaults: { main: {} }
    identities:
      reader: {}
      migrator:
        roles: [{ role: Key Vault Secrets User, on: { keyVault: main } }]
    secrets: { identity: reader }
`;

const READER_ROLE = "4633458b-17de-408a-b874-0445c86b69e6";

function built(set: string[] = []) {
  const r = buildText(SPEC, { set });
  assert.deepEqual(r.diagnostics, [], "lint and Pod Security restricted pass");
  const objects = r.resources!.map((x) => x.object);
  const of = (kind: string, name?: string) => objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name || o.metadata.name.startsWith(`${name}-`)));
  const grants = r.azure!.filter((a) => a.resource.type === "Microsoft.Authorization/roleAssignments" && (a.resource.body as { properties: { roleDefinitionId: string } }).properties.roleDefinitionId.endsWith(READER_ROLE));
  const principal = (a: (typeof grants)[number]) => (a.resource.body as { properties: { principalId: string } }).properties.principalId.replace(/.*userAssignedIdentities:[^:]+:([^ ]+) principalId\)\)$/, "$1");
  return { r, objects, of, grants: grants.map((g) => ({ identity: principal(g), scope: g.resource.id.split("/providers/Microsoft.Authorization/")[0]!.split("/").pop(), origin: g.origin.join(".") })), aks: r.azure!.find((a) => a.resource.type === "Microsoft.ContainerService/managedClusters")! };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const pod = (o: KubeObject): any => (o.spec as any).template.spec;
const yaml = (objects: readonly KubeObject[]) => objects.map((o) => dump(o, { lineWidth: 200, noRefs: true })).join("---\n");

describe("Key Vault delivery: csi", () => {
  const { objects, of, grants, aks } = built();

  it("makes one SecretProviderClass per reading workload, listing exactly what it reads, as reviewed (golden)", () => {
    assertGolden("test/acceptance/vault-delivery/csi.yaml", yaml([...of("SecretProviderClass"), ...of("ServiceAccount")]));
    const [api, migrate] = of("SecretProviderClass") as [KubeObject, KubeObject];
    const objectsOf = (spc: KubeObject) => [...String((spc.spec as { parameters: { objects: string } }).parameters.objects).matchAll(/objectName: (\S+)/g)].map((m) => m[1]);
    assert.deepEqual(objectsOf(api), ["base--db-password"], "the app reads only the password");
    assert.deepEqual(objectsOf(migrate), ["base--db-user", "base--db-password"]);
    assert.equal(migrate.metadata.name, of("Job", "migrate")[0]!.metadata.name, "named after the workload");
  });

  it("mounts the class read-only in the reading container and points each reference at the synced Secret", () => {
    const spec = pod(of("Deployment", "api")[0]!);
    assert.deepEqual(spec.volumes.at(-1), { name: "secrets-store", csi: { driver: "secrets-store.csi.k8s.io", readOnly: true, volumeAttributes: { secretProviderClass: "api" } } });
    assert.deepEqual(spec.containers[0].volumeMounts.at(-1), { name: "secrets-store", mountPath: "/mnt/secrets-store", readOnly: true });
    assert.deepEqual(spec.containers[0].env.find((e: { name: string }) => e.name === "DB_PASSWORD").valueFrom, { secretKeyRef: { name: "api-db", key: "password" } });
    const job = of("Job", "migrate")[0]!;
    assert.deepEqual(new Set(pod(job).containers[0].env.map((e: { valueFrom: { secretKeyRef: { name: string } } }) => e.valueFrom.secretKeyRef.name)), new Set([`${job.metadata.name}-db`]));
    assert.ok(!objects.some((o) => JSON.stringify(o).includes('"name":"db"')), "no reference to the vault-backed Secret is left");
  });

  it("signs in as the workload's identity, or annotates its ServiceAccount with the secrets identity; grants each Key Vault Secrets User on the vault once", () => {
    const clientIdOf = (name: string) => (of("SecretProviderClass", name)[0]!.spec as { parameters: { clientID: string } }).parameters.clientID;
    assert.match(clientIdOf("api"), /shop-base-reader clientId\)\)$/);
    assert.match(clientIdOf("migrate"), /shop-base-migrator clientId\)\)$/);
    assert.equal(of("ServiceAccount", "api")[0]!.metadata.annotations?.["azure.workload.identity/client-id"], clientIdOf("api"));
    // The migrator's grant is the spec's own (roles[0]); the reader's is added, once.
    assert.deepEqual(grants, [
      { identity: "shop-base-migrator", scope: "shop-base-main", origin: "spec.azure.identities.migrator.roles.0" },
      { identity: "shop-base-reader", scope: "shop-base-main", origin: "spec.azure.identities.reader" },
    ]);
  });

  it("turns on the AKS add-on that installs the driver, on a cluster berth manages only", () => {
    const addOn = (a: typeof aks) => (a.resource.body as { properties?: { addonProfiles?: unknown } }).properties?.addonProfiles;
    assert.deepEqual(addOn(aks), { azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "true", rotationPollInterval: "2m" } } });
    assert.equal(addOn(built(["azure.secrets.installDriver=false"]).aks), undefined);
    const existing = built(["azure.aks.main.existing=true", "azure.aks.main.name=aks-legacy"]);
    assert.equal(addOn(existing.aks), undefined);
    assert.equal(existing.of("SecretProviderClass")[0]!.metadata.annotations, undefined, "preflight checks the driver of a cluster berth does not manage");
    assert.equal(of("SecretProviderClass")[0]!.metadata.annotations?.["berth.dev/prerequisite-from"], aks.key, "and leaves it to the step that turns the add-on on");
  });
});

describe("Key Vault delivery: eso", () => {
  const { objects, of, grants, aks } = built(["azure.secrets.delivery=eso"]);

  it("makes the reader, the store and one ExternalSecret per Secret, as reviewed (golden); pods are unchanged", () => {
    assertGolden("test/acceptance/vault-delivery/eso.yaml", yaml(objects.filter((o) => ["SecretStore", "ExternalSecret"].includes(o.kind) || o.metadata.name === "berth-vault-reader")));
    assert.equal(of("SecretProviderClass").length, 0);
    assert.deepEqual(pod(of("Deployment", "api")[0]!).containers[0].env[0].valueFrom, { secretKeyRef: { name: "db", key: "password" } });
    assert.equal(of("ServiceAccount", "api")[0]!.metadata.annotations, undefined, "the app's own ServiceAccount reads nothing");
    assert.deepEqual(grants.map((g) => g.identity), ["shop-base-migrator", "shop-base-reader"]);
    assert.equal((aks.resource.body as { properties: { addonProfiles?: unknown } }).properties.addonProfiles, undefined, "no CSI driver for eso");
  });
});

describe("Key Vault delivery: the cluster makes no copy", () => {
  it("leaves vault-backed Secrets out of what berth up generates or requires, and out of the generator Job", () => {
    const file = join(tempDir(), "berth.yaml");
    writeFileSync(file, SPEC.replace("  azure:\n", "  environments: { dev: {} }\n  azure:\n"));
    for (const delivery of ["csi", "eso"]) {
      const plan = planFor({ path: file, env: "dev", set: [`azure.secrets.delivery=${delivery}`] }).plan!;
      // eso: the ExternalSecret makes Secret db after its step; a required Secret would stop up before any write.
      assert.deepEqual(plan.steps.filter((x) => x.action.type === "require-secret" || x.action.type === "generate-secret").map((x) => x.title), [], delivery);
    }
    const airflow = build({ path: "examples/datasurface-airflow", env: "dev" });
    assert.deepEqual(airflow.secrets, [], "every generated key is a vault secret");
    assert.ok(!airflow.resources!.some((r) => r.object.metadata.name.startsWith("berth-secrets")), "no generator Job");
    const namespaces = buildText(SPEC).files!.find((f) => f.path === "manifests/00-namespaces.yaml")!.content;
    assert.doesNotMatch(namespaces, /provided-secrets/, "db is the vault's: not declared as one the user creates in the namespace");
  });
});

describe("Key Vault delivery: which reads count", () => {
  const spec = buildText(SPEC).spec!;
  const ctx = azureContext(spec);
  const ref = (secretName: string): VaultRef => ({ vaultKey: "kv", vault: "kv-shop", secretName });
  const delivery: VaultDelivery = {
    vault: { logical: "main", key: "kv", name: "kv-shop" },
    delivery: "csi",
    installDriver: false,
    identity: "reader",
    backed: new Map([
      ["db", new Map([["password", ref("db-password")], ["user", ref("db-user")]])],
      ["tls", new Map([["tls.key", ref("tls-key")]])],
    ]),
  };
  const container = (name: string, more: object = {}) => ({ name, image: "x:1", ...more });
  const workload: KubeObject = {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "pg", namespace: "shop" },
    spec: {
      template: {
        spec: {
          serviceAccountName: "pg",
          imagePullSecrets: [{ name: "db" }],
          initContainers: [container("init", { envFrom: [{ secretRef: { name: "db" } }] }), container("chown")],
          containers: [container("pg", { volumeMounts: [{ name: "certs", mountPath: "/certs" }] }), container("exporter", { env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "db", key: "x" } } }] })],
          volumes: [{ name: "certs", secret: { secretName: "tls", items: [{ key: "tls.key", path: "k" }] } }],
        },
      },
    },
  };
  const account: KubeObject = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "pg", namespace: "shop" } };
  const out = deliverVaultSecrets({ ctx, spec, delivery, kubernetes: [desired(account, ["x"]), desired(workload, ["x"])] as KubeDesired[] });
  const after = out.kubernetes.find((r) => r.object.kind === "StatefulSet")!.object;
  const spc = out.kubernetes.find((r) => r.object.kind === "SecretProviderClass")!.object;

  it("counts envFrom and secret volumes, mounts only where read, and leaves imagePullSecrets and ConfigMaps alone", () => {
    const p = pod(after);
    const mounted = (c: { name: string; volumeMounts?: { name: string }[] }) => (c.volumeMounts ?? []).some((m) => m.name === "secrets-store");
    assert.deepEqual([...p.initContainers, ...p.containers].map((c: { name: string; volumeMounts?: { name: string }[] }) => `${c.name}:${mounted(c)}`), ["init:true", "chown:false", "pg:true", "exporter:false"]);
    assert.deepEqual(p.initContainers[0].envFrom, [{ secretRef: { name: "pg-db" } }]);
    assert.equal(p.volumes[0].secret.secretName, "pg-tls");
    assert.deepEqual(p.imagePullSecrets, [{ name: "db" }], "the kubelet pulls before any volume mounts");
    assert.equal(p.containers[1].env[0].valueFrom.configMapKeyRef.name, "db");
    const s = spc.spec as { secretObjects: { secretName: string; data: { key: string }[] }[] };
    assert.deepEqual(s.secretObjects.map((so) => `${so.secretName}:${so.data.map((d) => d.key).join(",")}`), ["pg-tls:tls.key", "pg-db:password,user"]);
    assert.equal(out.kubernetes.find((r) => r.object.kind === "ServiceAccount")!.object.metadata.annotations?.["azure.workload.identity/client-id"], (spc.spec as { parameters: { clientID: string } }).parameters.clientID);
  });
});
