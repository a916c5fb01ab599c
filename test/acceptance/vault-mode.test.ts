/**
 * issue 11, done-when: `berth up` of datasurface-airflow against the Azure and Kubernetes test servers keeps every
 * generated credential in the environment's vault (names per the pattern, values only there), mounts the CSI volume
 * of a SecretProviderClass listing exactly its secrets in each pod that reads one, gives each reading identity Key
 * Vault Secrets User on exactly that vault, and passes the workload identity checks. (The failing checks — a missing
 * role, a wrong federated subject — are identity-verify.test.ts; soft delete is azure-vault-secrets.test.ts.)
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { BUILT_IN_ROLES } from "../../src/resources/azure-roles.ts";
import type { Plan } from "../../src/plan/step.ts";
import { planOf, testCluster, type Cluster } from "../support/deploy.ts";

const PATH = "examples/datasurface-airflow";
const NS = "demo1-azure";
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const podSpecOf = (o: Json): Json | undefined => o.spec?.jobTemplate?.spec?.template?.spec ?? o.spec?.template?.spec;

describe("vault mode end to end: datasurface-airflow (dev)", () => {
  let c: Cluster;
  let plan: Plan;
  let upOutput = "";
  before(async () => {
    c = await testCluster();
    plan = planOf(PATH, "dev");
    const up = await c.berth("up", PATH, "dev", "--yes");
    upOutput = up.stdout + up.stderr;
    assert.equal(up.code, 0, upOutput);
  });
  after(async () => c?.close());

  test("every generated credential is a secret of the env's vault, named by the pattern, its value there and nowhere in the cluster but the driver's synced copies", () => {
    const azure = c.azure()!;
    const generated = plan.steps.flatMap((s) => (s.action.type === "ensure" && s.action.resource.vaultSecret && "generate" in s.action.resource.vaultSecret ? [s.action.resource] : []));
    assert.deepEqual(
      generated.map((r) => r.name).sort(),
      ["airflow-admin--password", "airflow-keys--api-secret-key", "airflow-keys--fernet-key", "airflow-keys--jwt-secret", "redis-auth--password"].map((n) => `datasurface-dev-main/datasurface--dev--${n}`),
    );
    const values = new Map<string, string>();
    for (const r of azure.resources("Microsoft.KeyVault/vaults/secrets")) values.set(String(r.name), String(azure.writeOnly(String(r.id), "properties.value")));
    for (const r of generated) assert.match(values.get(r.name.split("/")[1]!) ?? "", /^[A-Za-z0-9_=-]{24,}$/, `${r.name} holds its generated value`);
    // The admin passwords too, under the pattern, and seed 003's JSON merge credentials beside them.
    const server = azure.resources("Microsoft.Sql/servers")[0]!;
    const password = String(azure.writeOnly(String(server.id), "properties.administratorLoginPassword"));
    assert.equal(values.get("datasurface--dev--sql-merge--admin-password"), password);
    assert.deepEqual(JSON.parse(values.get("datasurface--demo1-azure--Demo--sqlserver-demo-merge--credentials")!), { USER: "dsadmin", PASSWORD: password });

    // berth made no Kubernetes Secret of its own; the only copies are the ones the CSI driver synced for running pods.
    const secrets = c.server.list("v1", "Secret").filter((s) => s.metadata.namespace === NS);
    assert.deepEqual(secrets.filter((s) => s.metadata.labels?.["berth.dev/generated"] === "true").map((s) => s.metadata.name), []);
    const secret = [...values.entries()].filter(([name]) => !name.endsWith("admin-login")).map(([, v]) => v);
    for (const o of c.server.list().filter((x) => !(x.kind === "Secret" && x.metadata.labels?.["secrets-store.csi.k8s.io/managed"] === "true"))) {
      const text = JSON.stringify(o);
      for (const v of secret) assert.ok(!text.includes(v) && !text.includes(Buffer.from(v).toString("base64")), `a vault value appears in ${o.kind} ${o.metadata.namespace}/${o.metadata.name}`);
    }
  });

  test("each pod that reads a vault secret mounts the CSI volume read-only, of a SecretProviderClass listing exactly the vault secrets it reads", () => {
    const classes = new Map(c.server.list("secrets-store.csi.x-k8s.io/v1", "SecretProviderClass").filter((s) => s.metadata.namespace === NS).map((s) => [s.metadata.name, s]));
    assert.ok(classes.size >= 6, `one class per reading workload, got ${[...classes.keys()].join(", ")}`);
    const workloads = ["Deployment", "StatefulSet", "Job"].flatMap((kind) => c.server.list(kind === "Job" ? "batch/v1" : "apps/v1", kind).filter((o) => o.metadata.namespace === NS && !o.metadata.name.startsWith("berth-verify")));
    let readers = 0;
    for (const w of workloads) {
      const spec = podSpecOf(w)!;
      const volume = (spec.volumes ?? []).find((v: Json) => v.csi?.driver === "secrets-store.csi.k8s.io");
      const refs = new Set<string>();
      for (const ct of [...(spec.initContainers ?? []), ...spec.containers])
        for (const e of ct.env ?? []) if (e.valueFrom?.secretKeyRef) refs.add(`${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`);
      if (!volume) {
        assert.deepEqual([...refs].filter((r) => [...classes.values()].some((k) => (k.spec.secretObjects ?? []).some((so: Json) => r.startsWith(`${so.secretName}/`)))), [], `${w.kind} ${w.metadata.name} reads a synced Secret without the volume`);
        continue;
      }
      readers++;
      const spc = classes.get(volume.csi.volumeAttributes.secretProviderClass)!;
      assert.ok(spc, `${w.kind} ${w.metadata.name}: its class exists`);
      assert.equal(volume.csi.readOnly, true);
      for (const ct of [...(spec.initContainers ?? []), ...spec.containers].filter((ct: Json) => (ct.volumeMounts ?? []).some((m: Json) => m.name === volume.name)))
        assert.equal(ct.volumeMounts.find((m: Json) => m.name === volume.name).readOnly, true, `${w.metadata.name}/${ct.name} mounts it read-only`);
      // What the pod reads (synced Secret/key) maps through the class's secretObjects to object aliases, and those to the
      // class's objects: exactly the set listed, no more.
      const aliasOf = new Map<string, string>();
      for (const so of spc.spec.secretObjects ?? []) for (const d of so.data) aliasOf.set(`${so.secretName}/${d.key}`, d.objectName);
      const read = new Set([...refs].filter((r) => aliasOf.has(r)).map((r) => aliasOf.get(r)!));
      const listed = String(spc.spec.parameters.objects).match(/objectAlias: (\S+)/g)!.map((m) => m.slice("objectAlias: ".length));
      assert.deepEqual([...new Set(listed)].sort(), [...read].sort(), `${w.kind} ${w.metadata.name}: the class lists exactly what it reads`);
    }
    assert.ok(readers >= 6, `pods of Airflow, Redis and the jobs read the vault (${readers})`);
  });

  test("each identity that reads the vault has Key Vault Secrets User on exactly that vault, and the identity checks passed", () => {
    const azure = c.azure()!;
    const vault = azure.resources("Microsoft.KeyVault/vaults")[0]!;
    const secretsUser = BUILT_IN_ROLES["Key Vault Secrets User"]!;
    const clientIds = new Set(c.server.list("secrets-store.csi.x-k8s.io/v1", "SecretProviderClass").map((s) => s.spec.parameters.clientID));
    const identities = azure.resources("Microsoft.ManagedIdentity/userAssignedIdentities").filter((i) => clientIds.has(i.properties.clientId));
    assert.equal(identities.length, clientIds.size, "every class reads as an identity berth made");
    for (const identity of identities) {
      const grants = azure.resources("Microsoft.Authorization/roleAssignments").filter((r) => r.properties.principalId === identity.properties.principalId && String(r.properties.roleDefinitionId).endsWith(secretsUser));
      assert.deepEqual(grants.map((g) => String(g.properties.scope).toLowerCase()), [String(vault.id).toLowerCase()], `${identity.name}: Secrets User on the vault only`);
    }
    const checks = plan.steps.filter((s) => s.action.type === "verify-identity");
    assert.ok(checks.length >= 1);
    for (const s of checks) assert.match(upOutput, new RegExp(`✓ ${s.title.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`), `${s.title} passed`);
  });
});
