/** Helpers for deploy tests: a test API server per test, a kubeconfig for it, the user's secrets seeded, kubectl. */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { build, planFor } from "../../src/index.ts";
import type { Plan } from "../../src/plan/step.ts";
import { type KubeApiServer, type Scenario, startKubeApiServer } from "./kube-api-server/index.ts";
import { runCli, runCliProcess, tempDir } from "./cli.ts";
import { startAzureApiServer } from "./azure-api-server/index.ts";
import type { AzureApiServer } from "./azure-api-server/types.ts";
import { ensureKubectl } from "./helm.ts";
import { SECRETS_STORE_CSI } from "./kube-api-server/cluster-seed.ts";
import { vaultCsiProvider } from "./vault-csi.ts";
import { linkWorkloadIdentity } from "./workload-identity.ts";
import { VAULT_PATH_PREFIX } from "./azure-api-server/keyvault-data.ts";
import { randomUUID } from "node:crypto";
import { systemClock } from "../../src/util/clock.ts";
import type { VaultSecretRef } from "../../src/resources/databricks-resource.ts";
import type { DatabricksApiServer } from "./databricks-api-server/types.ts";
import { startLinkedServers } from "./databricks-api-server/testing.ts";

export interface Cluster {
  readonly server: KubeApiServer;
  readonly kubeconfig: string;
  readonly stateDir: string;
  /**
   * berth CLI against this cluster: `up`, `down`… with --kubeconfig and --state-dir filled in. A spec with an Azure
   * side runs against the Azure test server too (started on first use): berth as its own process trusting the
   * server's certificate, signed in with the server's client, the spec pointed at it with --set.
   */
  berth(command: string, path: string, env: string, ...more: string[]): ReturnType<typeof runCli>;
  kubectl(...args: string[]): Promise<string>;
  /** The Azure test server, once a spec with an Azure side has been run. */
  azure(): AzureApiServer | undefined;
  /** The Databricks test server, once a spec with Databricks artifacts has been run. */
  databricks(): DatabricksApiServer | undefined;
  close(): Promise<void>;
}

export async function testCluster(scenario: Scenario = {}): Promise<Cluster> {
  let azure: AzureApiServer | undefined;
  let databricks: { server: DatabricksApiServer; close(): Promise<void> } | undefined;
  // Pods mounting the Secrets Store CSI driver read the Azure test server's vaults (once it is started).
  const server = await startKubeApiServer({ readyAfterMs: {}, csi: vaultCsiProvider(() => azure), ...scenario });
  const dir = tempDir("berth-cluster-");
  const kubeconfig = server.writeKubeconfig(dir);
  const stateDir = join(dir, "state");
  const azureFor = async (path: string, env: string): Promise<AzureApiServer> => {
    // Real time and no provisioning latency: every ARM write answers done, so the berth process never waits.
    if (!azure) {
      // A spec with Databricks artifacts deploys them to a Databricks test server its workspaces are linked to.
      if (hasDatabricks(path)) {
        const linked = await startLinkedServers({ realTime: true, clock: systemClock, kubernetes: { server: server.url }, clients: [DEPLOYER, SIGN_IN] }, { realTime: true, clock: systemClock });
        ({ azure } = linked);
        databricks = { server: linked.databricks, close: linked.close };
      } else azure = await startAzureApiServer({ realTime: true, kubernetes: { server: server.url } });
      // The cluster is AKS with workload identity: berth's identity checks run for real against this Azure.
      linkWorkloadIdentity(server, azure);
    }
    const plan = planFor({ path, env, set: azureSets(azure) }).plan;
    seedExisting(azure, plan);
    // The user's vault secrets, set as seed 003 step 16 does; the canary test looks for this mark everywhere.
    if (plan) seedUserVaultSecrets(azure, plan, "CANARY-b3rth-5ecr3t-vault");
    if (plan && databricks) seedDatabricksSignIn(azure, plan, SIGN_IN);
    if (turnsOnSecretsStore(plan)) for (const o of SECRETS_STORE_CSI) server.seed(o);
    return azure;
  };
  return {
    server,
    kubeconfig,
    stateDir,
    berth: async (command, path, env, ...more) => {
      if (!hasAzure(path)) return runCli([command, path, "--env", env, "--kubeconfig", kubeconfig, "--state-dir", stateDir, ...more]);
      const a = await azureFor(path, env);
      const sets = azureSets(a).flatMap((s) => ["--set", s]);
      return runCliProcess([command, path, "--env", env, "--state-dir", stateDir, ...sets, ...more], { NODE_EXTRA_CA_CERTS: a.caPath, AZURE_CLIENT_ID: a.clientId, AZURE_TENANT_ID: a.tenantId, AZURE_CLIENT_SECRET: a.clientSecret });
    },
    kubectl: async (...args) => (await promisify(execFile)(ensureKubectl(), ["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "kubectl-cache"), ...args], { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 })).stdout,
    azure: () => azure,
    databricks: () => databricks?.server,
    close: async () => {
      if (databricks) await databricks.close();
      else await azure?.close();
      await server.close();
    },
  };
}

const hasAzure = (path: string): boolean => build({ path }).spec?.platform.spec.azure !== undefined;
const hasDatabricks = (path: string): boolean => build({ path }).spec?.platform.spec.databricks !== undefined;

/** The principal berth deploys as when a Databricks test server is linked (the Azure server's first client). */
const DEPLOYER = { clientId: randomUUID(), clientSecret: `berth-test-${randomUUID()}`, objectId: randomUUID() };
/** The service principal a Databricks sign-in reads from the vault; its secret carries the canary mark. */
const SIGN_IN = { clientId: randomUUID(), clientSecret: `CANARY-b3rth-5ecr3t-vault-sp-${randomUUID()}`, objectId: randomUUID() };

const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";

/**
 * A Databricks sign-in's service principal, as seed 001 has you set it up: Contributor on the subscription (so the
 * workspace lets it in), and its tenant, client id and secret in the vault secrets the spec names.
 */
export function seedDatabricksSignIn(a: AzureApiServer, plan: Plan, sp: { clientId: string; clientSecret: string; objectId: string }): void {
  const scope = `/subscriptions/${a.subscriptionId}`;
  a.seed({ id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`, type: "Microsoft.Authorization/roleAssignments", properties: { scope, principalId: sp.objectId, roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}` } });
  for (const s of plan.steps) {
    if (s.action.type !== "deploy" || s.action.resource.workspace.auth.type !== "servicePrincipal") continue;
    const auth = s.action.resource.workspace.auth;
    const vault = (ref: VaultSecretRef) => ref.vaultId.split("/").pop()!;
    if (typeof auth.tenantId !== "string") a.setUserSecrets(vault(auth.tenantId), { [auth.tenantId.secret]: a.tenantId });
    a.setUserSecrets(vault(auth.clientId), { [auth.clientId.secret]: sp.clientId });
    a.setUserSecrets(vault(auth.clientSecret), { [auth.clientSecret.secret]: sp.clientSecret });
  }
}

/** What points a spec at the Azure test server: its endpoints, subscription and tenant. */
export const azureSets = (a: AzureApiServer): string[] => [
  `azure.cloud.resourceManager=${a.url}`,
  `azure.cloud.authorityHost=${a.authorityHost}`,
  // Its vault URIs are its own address, so Key Vault's resource cannot be read from them: it is named.
  "azure.cloud.keyVault=https://vault.azure.net",
  `azure.subscriptionId=${a.subscriptionId}`,
  `azure.tenantId=${a.tenantId}`,
];

/** What Azure assigns to a resource made outside berth, by type: what `existing` resources are read for. */
const EXISTING_PROPERTIES: Readonly<Record<string, (name: string, a: AzureApiServer) => Record<string, unknown>>> = {
  "Microsoft.ContainerService/managedClusters": (name) => ({
    oidcIssuerProfile: { enabled: true, issuerURL: `https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/${name}/` },
    securityProfile: { workloadIdentity: { enabled: true } },
    fqdn: `${name}.hcp.westeurope.azmk8s.io`,
    identityProfile: { kubeletidentity: { objectId: "5f0c7a52-0000-4c8b-9a51-2d6f0e8b7c41", clientId: "5f0c7a52-1111-4c8b-9a51-2d6f0e8b7c41" } },
  }),
  // The vault's data plane is the test server's (keyvault-data.ts), as for the vaults it creates.
  "Microsoft.KeyVault/vaults": (name, a) => ({ vaultUri: `${a.url.replace(/\/$/, "")}${VAULT_PATH_PREFIX}${name.toLowerCase()}/`, enableRbacAuthorization: true, tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", sku: { family: "A", name: "standard" } }),
};

/**
 * Whether the plan turns on the AKS add-on that installs the Secrets Store CSI driver: the test cluster then has the
 * driver, as the add-on would install it (the Azure test server does not reach into the Kubernetes one).
 */
const turnsOnSecretsStore = (plan: Plan | undefined): boolean =>
  (plan?.steps ?? []).some((s) => s.action.type === "ensure" && (s.action.resource.body as { properties?: { addonProfiles?: { azureKeyvaultSecretsProvider?: { enabled?: boolean } } } }).properties?.addonProfiles?.azureKeyvaultSecretsProvider?.enabled === true);

/** Creates the spec's `existing: true` resources in the Azure test server, as IT would have made them beforehand. */
export function seedExisting(a: AzureApiServer, plan: Plan | undefined): void {
  for (const s of plan?.steps ?? []) {
    if (s.action.type !== "ensure" || !s.action.resource.existing || a.resource(s.action.resource.id)) continue;
    // A vault secret the user provides has a value: seedUserVaultSecrets sets those.
    if (s.action.resource.vaultSecret) continue;
    const r = s.action.resource;
    a.seed({ id: r.id, type: r.type, name: r.name.split("/").pop(), location: "westeurope", tags: {}, properties: EXISTING_PROPERTIES[r.type]?.(r.name, a) ?? {} });
  }
}

/**
 * The vault secrets a user provides (spec.secrets.<s>.keyVault), set as the user would with `az keyvault secret set`
 * — at once in a vault that exists, else the moment the run has created it — each value marked with `canary`.
 */
export function seedUserVaultSecrets(a: AzureApiServer, plan: Plan, canary: string): void {
  for (const s of plan.steps) {
    if (s.action.type !== "ensure" || !s.action.resource.vaultSecret || !("provided" in s.action.resource.vaultSecret)) continue;
    const [vault, name] = s.action.resource.name.split("/") as [string, string];
    const fields = s.action.resource.vaultSecret.provided.fields;
    a.setUserSecrets(vault, { [name]: fields?.length ? JSON.stringify(Object.fromEntries(fields.map((f) => [f, `${canary}-${f}`]))) : `${canary}-${name}` });
  }
}

export const planOf = (path: string, env: string): Plan => {
  const r = planFor({ path, env });
  if (!r.plan) throw new Error(JSON.stringify(r.diagnostics));
  return r.plan;
};

/** The Secrets a user provides (spec.secrets), created beforehand as a user would, each value marked with `canary`. */
export function seedUserSecrets(server: KubeApiServer, plan: Plan, canary: string): void {
  for (const s of plan.steps) {
    if (s.action.type !== "require-secret") continue;
    const { namespace, name } = s.action.ref;
    if (!server.get("v1", "Namespace", undefined, namespace!)) server.seed({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
    server.seed({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name, namespace },
      type: "Opaque",
      data: Object.fromEntries(s.action.keys.map((k) => [k, Buffer.from(`${canary}-${k}`).toString("base64")])),
    });
  }
}

/** Objects controllers make from others, copying their labels (the endpoints controller copies a Service's). */
const DERIVED = new Set(["Endpoints", "EndpointSlice", "Pod", "ReplicaSet", "Event"]);

/** What is live for a platform/env, as `kind ns/name` lines, sorted. */
export function liveObjects(server: KubeApiServer, instance: string): string[] {
  return server
    .list()
    .filter((o) => o.metadata?.labels?.["berth.dev/instance"] === instance && !DERIVED.has(o.kind))
    .map((o) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`)
    .sort();
}

/** Labels and selectors the Job controller derives from the Job's uid. */
const withoutControllerUid = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (key, v) => (/controller-uid$/.test(key) ? undefined : v)));

/** Live objects without what the server sets (uid, resourceVersion, timestamps, managedFields, status): for comparing end states. */
export function snapshot(server: KubeApiServer, instance: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of server.list()) {
    if (o.metadata?.labels?.["berth.dev/instance"] !== instance || DERIVED.has(o.kind)) continue;
    const { uid: _u, resourceVersion: _r, creationTimestamp: _c, managedFields: _m, generation: _g, ...metadata } = o.metadata;
    const { status: _s, ...rest } = o;
    out[`${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`] = o.kind === "Secret" ? { metadata, keys: Object.keys(o.data ?? {}).sort() } : withoutControllerUid({ ...rest, metadata });
  }
  return out;
}
