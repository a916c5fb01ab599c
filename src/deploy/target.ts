/** Where and how a plan is deployed: the cluster connection, where berth keeps its lock and history, and the knobs tests turn. */
import { KubernetesProvider } from "../providers/kubernetes/provider.ts";
import type { Provider } from "../providers/provider.ts";
import type { Plan, PlanState } from "../plan/step.ts";
import type { PollPolicy } from "../engine/run-steps.ts";
import type { LeaseOptions } from "../engine/lock.ts";
import { statePaths, type StatePaths } from "../engine/state-dir.ts";
import { KubeLeaseStore, KubeRevisionStore, StateNamespace } from "../providers/kubernetes/state-store.ts";
import type { LeaseStore } from "../engine/lock.ts";
import type { RevisionStore } from "../engine/revisions.ts";
import { ENGINE_PROVIDER } from "../plan/build-plan.ts";
import { type KubeConnectionSource } from "../providers/kubernetes/provider.ts";
import { ProviderUnavailable, StateStoreError } from "../providers/provider.ts";
import type { Clock } from "../util/clock.ts";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { localStateStores } from "../engine/local-state.ts";
import { type JournalStore, LocalJournal } from "../engine/journal.ts";
import { blobStateStores } from "../providers/azure/blob-state.ts";
import { aksConnectionSource } from "../providers/azure/aks-credentials.ts";
import { connectAzure } from "../providers/azure/connect.ts";
import { AzureRequestError } from "../providers/azure/errors.ts";
import { AzureProvider } from "../providers/azure/provider.ts";
import { IDENTITY_CHECK_PROVIDER } from "../resources/identity-check.ts";
import { WorkloadIdentityProvider } from "../providers/workload-identity/provider.ts";
import { DatabricksProvider } from "../providers/databricks/provider.ts";
import { DATABRICKS_PROVIDER } from "../resources/databricks-resource.ts";
import type { RetryHooks, RetryPolicy } from "../util/retry.ts";

export interface DeployTarget {
  readonly stateDir: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Take over existing objects that carry no berth label. */
  readonly adopt?: boolean;
  readonly retry?: RetryPolicy;
  readonly retryHooks?: RetryHooks;
  readonly poll?: PollPolicy;
  readonly concurrency?: number;
  /** Namespace of the lock (a Lease) and the history (Secrets); default berth-system. */
  readonly stateNamespace?: string;
  /** Revisions kept in the cluster; older ones are deleted after each run (0 keeps all). Default 10. */
  readonly historyMax?: number;
  /** The lease's duration and clock (tests step the clock instead of waiting). */
  readonly lease?: LeaseOptions;
  /** The engine's and the provider's time (tests share the test API server's virtual clock). */
  readonly clock?: Clock;
  /** Providers beyond Kubernetes (Azure), by name: the plan's steps name them. Tests bring fakes here. */
  readonly providers?: Readonly<Record<string, Provider>>;
  /** Where the lock and history are kept instead of the cluster (a local-file backend; see connect). */
  readonly stores?: StateStores;
  /** A deferred Kubernetes connection (the AKS cluster this plan creates) instead of the kubeconfig. */
  readonly kubernetesConnection?: KubeConnectionSource;
  /** Where Azure credentials are read from (default process.env): AZURE_CLIENT_ID, AZURE_TENANT_ID, … */
  readonly azureEnv?: Readonly<Record<string, string | undefined>>;
  /** Also write the kubeconfig of the plan's AKS cluster to the state folder (it holds a credential: 0600). */
  readonly writeKubeconfig?: boolean;
}

/** Where berth keeps its lock and its history: in the cluster (0004) unless the spec or the target says otherwise. */
export interface StateStores {
  readonly lease: LeaseStore;
  readonly revisions: RevisionStore;
  /** Where the journal is; default the state folder's file. */
  readonly journal?: JournalStore;
}

export interface Connected {
  /** The providers the plan's steps use, by name (and Kubernetes' when state is kept in the cluster). */
  readonly providers: Readonly<Record<string, Provider>>;
  /** The Kubernetes provider, when the plan has Kubernetes steps or the state is kept in the cluster. */
  readonly kubernetes?: KubernetesProvider;
  readonly paths: StatePaths;
  readonly lease: LeaseStore;
  readonly revisions: RevisionStore;
  /** The journal a resume reads: this machine's file, or the blob every machine reads (state.backend azureBlob). */
  readonly journal: JournalStore;
  /** Whether the lock and history are in the cluster (reached through the Kubernetes provider) or elsewhere. */
  readonly stateInCluster: boolean;
  /** Names of the providers the plan's steps use, in plan order (deletions and prune come from these). */
  readonly used: readonly string[];
}

/** The providers a plan's steps name (the engine's own verification step names none). */
export const providersOf = (plan: Plan): string[] => [...new Set(plan.steps.filter((s) => s.provider !== ENGINE_PROVIDER).map((s) => s.provider))];

/**
 * Where each spec.state.backend keeps the state (undefined: in the cluster, through the Kubernetes provider). Without
 * a choice (`auto`): before the cluster exists (berth makes it in this run) or without one, the lock and history
 * cannot be in it, so they are local files.
 */
const STORES_OF: Readonly<Record<NonNullable<PlanState["backend"]> | "auto", (plan: Plan, target: DeployTarget, used: readonly string[]) => StateStores | undefined>> = {
  azureBlob: (plan, target) => {
    const settings = plan.state?.azureBlob;
    // The spec rules refuse this; a plan made by hand might not.
    if (!settings) throw new StateStoreError("state.backend is azureBlob and the plan has no state.azureBlob");
    return blobStateStores({
      settings,
      instance: plan.instance,
      ...(plan.azure ? { cloud: plan.azure.cloud, ...(plan.azure.tenantId ? { tenantId: plan.azure.tenantId } : {}) } : {}),
      ...(target.azureEnv ? { env: target.azureEnv } : {}),
    });
  },
  local: (plan, target) => localStateStores(target.stateDir, plan.instance),
  cluster: () => undefined,
  auto: (plan, target, used) => ((plan.cluster && !plan.cluster.existing) || !used.includes("kubernetes") ? localStateStores(target.stateDir, plan.instance) : undefined),
};

/**
 * Makes each provider the plan uses, and the state stores. The Kubernetes provider is made only when the plan has
 * Kubernetes steps or keeps its state in the cluster; `stores` (or `target.stores`) replaces where the spec keeps the
 * lock and history (tests).
 */
export function connect(plan: Plan, target: DeployTarget, given: StateStores | undefined = target.stores): Connected {
  const used = providersOf(plan);
  const azure = target.providers?.azure ?? (plan.azure && (used.includes("azure") || plan.cluster) ? azureProviderFor(plan, target) : undefined);
  target = { ...target, providers: { ...target.providers, ...(azure ? { azure } : {}) } };
  if (plan.cluster && !target.kubernetesConnection && azure instanceof AzureProvider) target = { ...target, kubernetesConnection: aksSource(azure, plan, target) };
  const stores = given ?? STORES_OF[plan.state?.backend ?? "auto"](plan, target, used);
  const needsKubernetes = used.includes("kubernetes") || !stores;
  const kubernetes = needsKubernetes
    ? new KubernetesProvider({
        platform: plan.platform,
        instance: plan.instance,
        ...(target.kubeconfig ? { kubeconfig: target.kubeconfig } : {}),
        ...(target.context ? { context: target.context } : {}),
        ...(target.adopt ? { adopt: true } : {}),
        ...(target.retry ? { retry: target.retry } : {}),
        ...(target.retryHooks ? { hooks: target.retryHooks } : {}),
        ...(target.clock ? { clock: target.clock } : {}),
        ...(target.kubernetesConnection ? { connection: target.kubernetesConnection } : {}),
      })
    : undefined;
  // Workload identity checks run through the Kubernetes provider and read federated credentials through Azure's.
  const checks: Record<string, Provider> = kubernetes && used.includes(IDENTITY_CHECK_PROVIDER) ? { [IDENTITY_CHECK_PROVIDER]: new WorkloadIdentityProvider({ kubernetes, ...(azure instanceof AzureProvider ? { azure } : {}) }) } : {};
  // Databricks reaches each workspace with a sign-in of its own, and reads workspace URLs, vault URIs and the sign-in's
  // vault secrets through Azure's.
  const databricks: Record<string, Provider> =
    used.includes(DATABRICKS_PROVIDER) && !target.providers?.[DATABRICKS_PROVIDER]
      ? {
          [DATABRICKS_PROVIDER]: new DatabricksProvider({
            instance: plan.instance,
            ...(azure instanceof AzureProvider ? { azure } : {}),
            ...(target.adopt ? { adopt: true } : {}),
            ...(target.clock ? { clock: target.clock } : {}),
            ...(target.retry ? { retry: target.retry } : {}),
            ...(target.azureEnv ? { env: target.azureEnv } : {}),
          }),
        }
      : {};
  const providers: Record<string, Provider> = { ...(kubernetes ? { kubernetes } : {}), ...checks, ...databricks, ...target.providers };
  for (const name of used) if (!providers[name]) throw new ProviderUnavailable(`the plan has ${name} steps and no ${name} provider is configured`);
  const kubeStores = (): StateStores => {
    const ns = new StateNamespace(() => kubernetes!.client, target.stateNamespace);
    return { lease: new KubeLeaseStore(ns, plan.instance), revisions: new KubeRevisionStore(ns, plan.instance) };
  };
  const state = stores ?? kubeStores();
  const paths = statePaths(target.stateDir, plan.instance);
  return { providers, ...(kubernetes ? { kubernetes } : {}), paths, lease: state.lease, revisions: state.revisions, journal: state.journal ?? new LocalJournal(paths.journal), stateInCluster: !stores, used };
}

/**
 * The providers a deploy reaches: those the plan's steps use, and Kubernetes whenever it was made (the state is in
 * the cluster, or the plan has Kubernetes steps) — so what an instance owns there is found even when the spec has
 * nothing left in it, as before providers were many.
 */
export const reached = (connected: Connected): string[] => [...new Set([...connected.used, ...(connected.kubernetes ? ["kubernetes"] : [])])];

/**
 * Reaches every provider `reached` lists before anything is read or changed: throws ProviderUnavailable naming the
 * one that cannot be reached. The endpoints are joined for messages; the version is Kubernetes' when it is reached.
 */
export async function preflight(connected: Connected): Promise<{ readonly endpoint: string; readonly version: string }> {
  const found: { name: string; endpoint: string; version: string }[] = [];
  for (const name of reached(connected)) found.push({ name, ...(await connected.providers[name]!.preflight()) });
  return { endpoint: found.map((f) => f.endpoint).filter(Boolean).join("; ") || "(no provider)", version: found.find((f) => f.name === "kubernetes")?.version ?? "" };
}

function azureProviderFor(plan: Plan, target: DeployTarget): AzureProvider {
  const settings = plan.azure!;
  return connectAzure({
    cloud: settings.cloud,
    subscriptionId: settings.subscriptionId,
    instance: plan.instance,
    ...(settings.tenantId ? { tenantId: settings.tenantId } : {}),
    ...(target.azureEnv ? { env: target.azureEnv } : {}),
    ...(target.adopt ? { adopt: true } : {}),
    ...(target.clock ? { clock: target.clock } : {}),
  });
}

/**
 * The plan's AKS cluster as the Kubernetes provider's connection: its credential through ARM, in memory (written to
 * the state folder only when asked). "No cluster yet" while ARM has none, so the cluster's steps plan as creates.
 */
function aksSource(azure: AzureProvider, plan: Plan, target: DeployTarget): KubeConnectionSource {
  const source = aksConnectionSource(azure.client, azure.options.credential, plan.cluster!.id);
  return async () => {
    try {
      const { kubeconfig } = await source();
      if (target.writeKubeconfig) {
        const paths = statePaths(target.stateDir, plan.instance);
        mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
        writeFileSync(join(paths.dir, "kubeconfig"), kubeconfig, { mode: 0o600 });
      }
      return kubeconfig;
    } catch (error) {
      if (error instanceof AzureRequestError && error.status === 404) return undefined;
      throw new ProviderUnavailable(`cannot connect to the AKS cluster ${plan.cluster!.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

/** The engine's knobs a target sets (tests: virtual clock, polling), passed the same way by every deploying command. */
export function engineSettings(target: DeployTarget) {
  return {
    ...(target.poll ? { poll: target.poll } : {}),
    ...(target.concurrency ? { concurrency: target.concurrency } : {}),
    ...(target.clock ? { clock: target.clock } : {}),
  };
}
