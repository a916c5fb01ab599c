/** Cluster prerequisites in preflight: a SecretProviderClass needs the Secrets Store CSI driver, an ExternalSecret the operator. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { inspectPlan } from "../../deploy/inspect.ts";
import { connect } from "../../deploy/target.ts";
import { buildPlan } from "../../plan/build-plan.ts";
import { desired, type KubeObject } from "../../resources/kube-object.ts";
import { startKubeApiServer, type Scenario } from "../../../test/support/kube-api-server/index.ts";

const dir = mkdtempSync(join(tmpdir(), "berth-prerequisites-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const ns: KubeObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } };
const spc = (annotations?: Record<string, string>): KubeObject => ({
  apiVersion: "secrets-store.csi.x-k8s.io/v1",
  kind: "SecretProviderClass",
  metadata: { name: "api", namespace: "shop", ...(annotations ? { annotations } : {}) },
  spec: { provider: "azure", parameters: {} },
});
const eso = (kind: string, name: string): KubeObject => ({ apiVersion: "external-secrets.io/v1", kind, metadata: { name, namespace: "shop" }, spec: {} });

/** What `up` would refuse to start with: the blockers of inspecting the plan of `objects` on a cluster of `scenario`. */
async function blockers(scenario: Scenario, objects: KubeObject[]) {
  const server = await startKubeApiServer(scenario);
  try {
    const plan = buildPlan({ platform: "shop", env: "dev", resources: [ns, ...objects].map((o) => desired(o, ["spec"])), secrets: [], declaredSecrets: {} });
    const connected = connect(plan, { stateDir: join(dir, "state"), kubeconfig: server.writeKubeconfig(mkdtempSync(join(dir, "k-"))), clock: server.clock });
    const problems = await connected.providers.kubernetes!.preflightProblems!(plan.steps.filter((s) => s.provider === "kubernetes"));
    const inspected = await inspectPlan(plan, connected);
    return { problems, blockers: inspected.blockers };
  } finally {
    await server.close();
  }
}

test("a SecretProviderClass on a cluster without the Secrets Store CSI driver stops up before any write, naming what is missing and how to install it", async () => {
  const { blockers: found } = await blockers({}, [spc()]);
  assert.equal(found.length, 1);
  const [b] = found;
  assert.equal(b!.reason, "PrerequisiteMissing");
  assert.equal(b!.step, "kubernetes:secrets-store.csi.x-k8s.io/v1/SecretProviderClass:shop:api");
  assert.equal(b!.message, "the Secrets Store CSI driver is not installed in the cluster (no CSIDriver secrets-store.csi.k8s.io, no CustomResourceDefinition secretproviderclasses.secrets-store.csi.x-k8s.io); SecretProviderClass shop/api needs it");
  assert.match(b!.hint, /az aks enable-addons --addons azure-keyvault-secrets-provider/);
  assert.match(b!.hint, /secrets-store-csi-driver .*csi-secrets-store-provider-azure/);
});

test("with the driver installed nothing is missing", async () => {
  const { problems } = await blockers({ crds: ["default", "secrets-store-csi"] }, [spc()]);
  assert.deepEqual(problems, []);
});

test("a driver the plan's own AKS step installs (the add-on) is reported without blocking", async () => {
  const { problems, blockers: found } = await blockers({}, [spc({ "berth.dev/prerequisite-from": "azure:Microsoft.ContainerService/managedClusters:rg:aks" })]);
  assert.deepEqual(found, []);
  assert.deepEqual(problems.map((p) => [p.code, p.blocking]), [["PrerequisiteMissing", false]]);
  assert.match(problems[0]!.message, /step azure:Microsoft\.ContainerService\/managedClusters:rg:aks installs it first$/);
});

test("ExternalSecrets and their SecretStore need External Secrets Operator's CRDs: one problem for all of them", async () => {
  const objects = [eso("SecretStore", "berth-vault"), eso("ExternalSecret", "a"), eso("ExternalSecret", "b"), eso("ExternalSecret", "c")];
  const { blockers: found } = await blockers({}, objects);
  assert.deepEqual(
    found.map((b) => b.message),
    ["External Secrets Operator is not installed in the cluster (no CustomResourceDefinition externalsecrets.external-secrets.io, no CustomResourceDefinition secretstores.external-secrets.io); SecretStore shop/berth-vault, ExternalSecret shop/a, ExternalSecret shop/b and 1 more need it"],
  );
  assert.match(found[0]!.hint, /helm install external-secrets/);
  assert.deepEqual((await blockers({ crds: ["external-secrets"] }, objects)).blockers, []);
});
