/**
 * Databricks' planning data for the plan builder and the deploy commands: pure (no client). Within a workspace the
 * kinds go in seed 001's order — init scripts and secret scopes, then clusters, notebooks, jobs, and last the access
 * they grant (permissions, then clusters stopped after everything that uses them) — as ordering rules keyed by phase.
 * References (a job's cluster id) are output tokens and add their own needs; the workspace and the vaults a step
 * reads are explicit needs from synth.
 */
import type { Ordered, OrderingRule, Phase } from "../../plan/ordering.ts";
import type { ObjectRef, StepAction } from "../../plan/step.ts";
import { DATABRICKS_PROVIDER, type DatabricksKind, type DatabricksResource } from "../../resources/databricks-resource.ts";
import type { DesiredResource } from "../../resources/desired.ts";
import { keyOfId } from "../../resources/identity.ts";
import type { ProviderPlanning } from "../planning.ts";
import type { OwnedObject } from "../provider.ts";

const MIN = 60_000;

interface KindRow {
  readonly phase: Phase;
  readonly timeoutMs: number;
  /** How a title names it: "cluster", "job". */
  readonly noun: string;
}

/** Per kind, as data: where it goes in the order and how long it may take. */
export const DATABRICKS_KINDS: Readonly<Record<DatabricksKind, KindRow>> = {
  initScript: { phase: "config", timeoutMs: 5 * MIN, noun: "init script" },
  secretScope: { phase: "config", timeoutMs: 5 * MIN, noun: "secret scope" },
  // Creating a cluster waits for it to run: init scripts are proven by a start (INIT_SCRIPT_FAILURE shows there).
  cluster: { phase: "core", timeoutMs: 30 * MIN, noun: "cluster" },
  notebooks: { phase: "apps", timeoutMs: 10 * MIN, noun: "notebooks" },
  job: { phase: "jobs", timeoutMs: 10 * MIN, noun: "job" },
  permissions: { phase: "access", timeoutMs: 5 * MIN, noun: "permissions" },
  clusterState: { phase: "access", timeoutMs: 20 * MIN, noun: "cluster state" },
};

const ORDER: readonly Phase[] = ["config", "core", "apps", "jobs", "access"];

/** Each phase before every later one, within one workspace (deleting reads them reversed: jobs before their clusters). */
export const DATABRICKS_ORDERING_RULES: readonly OrderingRule[] = ORDER.slice(0, -1).map((phase, i) => ({
  first: [phase],
  then: ORDER.slice(i + 1),
  scope: "namespace",
  why: "seed 001's order: init scripts before the clusters that run them, clusters and notebooks before the jobs that use them, access last",
}));

const resourceOf = (action: StepAction): DatabricksResource => {
  if (action.type === "deploy" || action.type === "undeploy") return action.resource;
  throw new Error(`a Databricks step cannot ${action.type}`);
};

/** The step id of a Databricks resource: provider, kind, workspace, spec key. */
export const databricksKey = (r: Pick<DatabricksResource, "kind" | "key" | "workspace">): string => keyOfId({ provider: DATABRICKS_PROVIDER, type: r.kind, scope: r.workspace.name, name: r.key });

/** How a live object is referred to: kind as the ref's kind, workspace as its namespace, spec key as its name. */
export const refOfDatabricks = (r: Pick<DatabricksResource, "kind" | "key" | "workspace">): ObjectRef => ({ apiVersion: DATABRICKS_PROVIDER, kind: r.kind, namespace: r.workspace.name, name: r.key });

export const describeDatabricks = (r: { readonly kind: string; readonly key: string; readonly workspace?: { readonly name: string } }): string =>
  `${DATABRICKS_KINDS[r.kind as DatabricksKind]?.noun ?? r.kind} ${r.key}${r.workspace ? ` (workspace ${r.workspace.name})` : ""}`;

/** The spec family a permissions resource's key starts with, as titles name it. */
const PERMISSION_OWNERS: Readonly<Record<string, string>> = { clusters: "cluster", jobs: "job", notebooks: "notebooks" };

const verbOf = (r: DatabricksResource): string => {
  if (r.kind === "clusterState") return r.state === "terminated" ? "terminate" : "start";
  if (r.kind === "permissions") return "set";
  if (r.kind === "initScript" || r.kind === "notebooks") return "upload";
  return "deploy";
};

export const databricksPlanning: ProviderPlanning = {
  provider: DATABRICKS_PROVIDER,
  onCluster: false,
  stepFor(resource: DesiredResource) {
    if (resource.provider !== DATABRICKS_PROVIDER) throw new Error(`${resource.key} is not a Databricks resource`);
    const r = resource.resource;
    const what =
      r.kind === "clusterState"
        ? `cluster ${r.key} after everything using it`
        : r.kind === "permissions"
          ? `permissions on ${PERMISSION_OWNERS[r.key.split(".")[0]!] ?? ""} ${r.key.split(".").slice(1).join(".")} (workspace ${r.workspace.name})`
          : r.kind === "secretScope"
            ? `secret scope ${r.name} (workspace ${r.workspace.name}), ${r.backend.type === "AZURE_KEYVAULT" ? "Key Vault-backed" : `Databricks-backed, values copied from Key Vault${r.why ? `: ${r.why}` : ""}`}`
            : describeDatabricks(r);
    return { title: `${verbOf(r)} ${what}`, action: { type: "deploy", resource: r } };
  },
  impliedNeeds: () => [],
  phaseOf: (action) => DATABRICKS_KINDS[resourceOf(action).kind].phase,
  timeoutMs(action) {
    const r = resourceOf(action);
    const base = DATABRICKS_KINDS[r.kind].timeoutMs;
    return r.kind === "job" && r.smokeRun ? base + r.smokeRun.timeoutMinutes * MIN : base;
  },
  ordered: (action): Ordered => {
    const r = resourceOf(action);
    return { phase: DATABRICKS_KINDS[r.kind].phase, namespace: r.workspace.name };
  },
  orderingRules: DATABRICKS_ORDERING_RULES,
  keyOf: (owned) => keyOfId({ provider: DATABRICKS_PROVIDER, type: owned.ref.kind, scope: owned.ref.namespace ?? "", name: owned.ref.name }),
  describe: (ref) => describeDatabricks({ kind: ref.kind, key: ref.name, ...(ref.namespace ? { workspace: { name: ref.namespace } } : {}) }),
  removal(owned: OwnedObject): StepAction {
    const resource = owned.detail as DatabricksResource | undefined;
    if (!resource) throw new Error(`the Databricks ${owned.ref.kind} ${owned.ref.name} was listed without what deletes it`);
    return { type: "undeploy", resource };
  },
  containerOf: () => undefined,
  // Nothing berth deploys to a workspace holds data of its own: notebooks and scripts come from the repository,
  // secret values from Key Vault, and a cluster's or job's state is rebuilt by the next run.
  dataHolders: () => new Set(),
  holds: () => "",
};
