/**
 * A Databricks workspace artifact as berth wants it (docs/design/0014): plain data, serializable as is (it goes into
 * plans and revisions), never holding a secret value. Bodies use the Databricks REST API's own field names
 * (`spark_version`, `num_workers`, `tasks[].notebook_task`), so JSON copied from the workspace pastes into a spec.
 * References to other resources of the plan are output tokens (outputs.ts): a job task's `existing_cluster_id` is
 * `((berth.output <cluster step> cluster_id))`, resolved by the engine at apply time, so the plan shows
 * `(known after apply)` for a cluster not created yet and the job step is ordered after the cluster step.
 *
 * Identity: clusters and jobs carry the tags `berth.instance` and `berth.key` (this resource's `key`), set in the
 * create request itself, so a run killed between a create and its journal entry finds what it created by tag and
 * never creates it twice; the id the workspace assigned is an output (`cluster_id`, `job_id`). Workspace files,
 * notebooks and secret scopes are addressed by path or name, which berth chooses.
 */

export const DATABRICKS_PROVIDER = "databricks";

/**
 * Tags berth puts on clusters (custom_tags) and jobs (tags). `digest` holds a digest of the body berth last wrote: a
 * difference while the spec's digest is still that one is a remote edit (drift), not a change of the spec.
 */
export const DATABRICKS_TAG = { instance: "berth.instance", key: "berth.key", retain: "berth.retain", adopted: "berth.adopted", digest: "berth.digest" } as const;

/** A secret in an Azure Key Vault the deploying credential can read: never a value, only where it is. */
export interface VaultSecretRef {
  /** The vault's ARM id: its URI is read from ARM (properties.vaultUri) when the step runs. */
  readonly vaultId: string;
  /** The vault secret's name. */
  readonly secret: string;
  /**
   * The plan grants the deploying principal the role to read it (a vault berth made): a 403 is then Azure RBAC still
   * propagating the grant, waited out within a bound rather than reported as a missing role.
   */
  readonly granted?: boolean;
}

/**
 * How berth signs in to the workspace. Every credential value is read when a step needs it (from the environment or
 * a vault) and kept in memory only; the plan names where it comes from.
 */
export type DatabricksAuth =
  /** The Azure credential berth deploys with: an Entra token for the AzureDatabricks resource (+ the SP management headers). */
  | { readonly type: "azure" }
  /** An Entra service principal whose client id and secret (and tenant) are vault secrets (seed 001). */
  | { readonly type: "servicePrincipal"; readonly tenantId: string | VaultSecretRef; readonly clientId: VaultSecretRef; readonly clientSecret: VaultSecretRef }
  /** A personal access token kept in a vault. */
  | { readonly type: "pat"; readonly token: VaultSecretRef }
  /** A Databricks service principal's OAuth secret (M2M): POST <host>/oidc/v1/token, client credentials. */
  | { readonly type: "oauthM2M"; readonly clientId: string; readonly clientSecret: VaultSecretRef }
  /** Workload identity federation: a JWT read from `tokenFile` (or AZURE_FEDERATED_TOKEN_FILE) exchanged at <host>/oidc/v1/token. */
  | { readonly type: "workloadIdentity"; readonly clientId: string; readonly tokenFile?: string };

export interface DatabricksWorkspaceRef {
  /** How messages name it: the spec's workspace entry (`main`) or the URL's host. */
  readonly name: string;
  /** `https://adb-….azuredatabricks.net`, when the spec gives it (an existing workspace outside the spec). */
  readonly url?: string;
  /**
   * The workspace's ARM id: its URL is read from ARM (properties.workspaceUrl) when not given, and it is sent as
   * `X-Databricks-Azure-Workspace-Resource-Id` with a management token, so a service principal with Contributor on
   * the workspace is let in before it is a workspace user.
   */
  readonly resourceId?: string;
  readonly auth: DatabricksAuth;
}

/** What a resource is; the provider keeps one module per kind (src/providers/databricks/kinds/). */
export type DatabricksKind = "initScript" | "cluster" | "clusterState" | "notebooks" | "job" | "secretScope" | "permissions";

/** A file of the repository, read when the step runs and checked against the digest the plan was made with. */
export interface SourceFile {
  /** Absolute path on the machine that builds the plan. */
  readonly path: string;
  /** sha256 of its bytes, hex: the step's digest changes with the content. */
  readonly sha256: string;
}

interface Common {
  /** The spec key (`etl`), or `<owner key>` for a kind that belongs to another (permissions, clusterState). */
  readonly key: string;
  readonly workspace: DatabricksWorkspaceRef;
  /** Kept on `down` and prune, and forgotten: berth stops tracking it. */
  readonly retain?: boolean;
}

export interface InitScriptResource extends Common {
  readonly kind: "initScript";
  readonly source: SourceFile;
  /**
   * Where it goes: a workspace file (`/Workspace/…` or `/…`), a Unity Catalog volume path (`/Volumes/c/s/v/…`), or
   * DBFS (`dbfs:/…`, only when asked for: deprecated by Databricks).
   */
  readonly destination: { readonly workspace: string } | { readonly volumes: string } | { readonly dbfs: string };
}

export interface ClusterResource extends Common {
  readonly kind: "cluster";
  /** The clusters/create body without berth's tags (added by the provider), init script paths filled in. */
  readonly body: Readonly<Record<string, unknown>>;
  /** What the cluster should be once deployed; `terminated` is done by a clusterState step after its dependants. */
  readonly state: "running" | "terminated";
  /** Earlier spec keys of this cluster: found by those tags too, and re-tagged (a rename is an update of the same id). */
  readonly renamedFrom?: readonly string[];
}

/** The cluster step's output saying how its run brought the cluster up ("created", "started", "restarted") or "no". */
export const STARTED_BY_BERTH = "started_by_berth";

/** Terminate (or start) a cluster after every step that uses it: seed 001 stops clusters after deploying. */
export interface ClusterStateResource extends Common {
  readonly kind: "clusterState";
  /** The cluster step's key, and its id as an output token. */
  readonly cluster: string;
  readonly clusterId: string;
  /**
   * The cluster step's `started_by_berth` output as a token: how this run brought the cluster up, or "no". A cluster
   * to terminate is terminated only when this run brought it up (absent: never — it is left running).
   */
  readonly startedBy?: string;
  readonly state: "running" | "terminated";
}

export interface NotebookFile {
  readonly source: SourceFile;
  /** Workspace path; a notebook's path keeps no extension (Databricks strips it), a plain file keeps its name. */
  readonly path: string;
  /** Notebooks: from the extension (.py PYTHON, .sql SQL, .scala SCALA, .r R); absent: a plain workspace file. */
  readonly language?: "PYTHON" | "SQL" | "SCALA" | "R";
}

/** A folder of the repository as a workspace folder: every file in it, notebooks and plain files. */
export interface NotebooksResource extends Common {
  readonly kind: "notebooks";
  /** The workspace folder, absolute (`/Shared/etl`). */
  readonly folder: string;
  readonly files: readonly NotebookFile[];
}

export interface JobResource extends Common {
  readonly kind: "job";
  /** The jobs/create settings without berth's tags; cluster ids are output tokens of cluster steps. */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly renamedFrom?: readonly string[];
  /** Run it once after deploying (run-now with an idempotency token) and report its result and run page URL. */
  readonly smokeRun?: { readonly timeoutMinutes: number };
}

export interface SecretScopeResource extends Common {
  readonly kind: "secretScope";
  /** The scope's name in the workspace. */
  readonly name: string;
  readonly backend:
    | { readonly type: "DATABRICKS"; readonly secrets: Readonly<Record<string, VaultSecretRef>> }
    | { readonly type: "AZURE_KEYVAULT"; readonly vaultId: string };
  /** Why this backend, when berth chose it (a Key Vault-backed scope needs an Entra token): shown in the plan. */
  readonly why?: string;
  /** Secret ACLs: principal → READ | WRITE | MANAGE. */
  readonly acls?: Readonly<Record<string, "READ" | "WRITE" | "MANAGE">>;
}

/** The access control list of one object, replacing what berth set before (PUT /api/2.0/permissions/…). */
export interface PermissionsResource extends Common {
  readonly kind: "permissions";
  /** The Permissions API's object type: clusters, jobs, directories, notebooks. */
  readonly objectType: "clusters" | "jobs" | "directories" | "notebooks";
  /** The object's id: an output token of the owning step (cluster_id, job_id, object_id). */
  readonly objectId: string;
  /** Which step owns the object, for messages. */
  readonly owner: string;
  readonly accessControlList: readonly PermissionEntry[];
}

export interface PermissionEntry {
  readonly user_name?: string;
  readonly group_name?: string;
  readonly service_principal_name?: string;
  readonly permission_level: string;
}

export type DatabricksResource = InitScriptResource | ClusterResource | ClusterStateResource | NotebooksResource | JobResource | SecretScopeResource | PermissionsResource;

/** A Databricks resource the spec asks for: the counterpart of AzureDesired. */
export interface DatabricksDesired {
  /** keyOfId({ provider: "databricks", type: kind, scope: workspace name, name: key }). */
  readonly key: string;
  readonly provider: typeof DATABRICKS_PROVIDER;
  readonly resource: DatabricksResource;
  /** The spec path that asked for it (`spec.databricks.clusters.etl`). */
  readonly origin: readonly (string | number)[];
  readonly group?: readonly string[];
  /** Keys of what must be done first beyond output tokens: the workspace, the vault, init scripts, notebooks. */
  readonly needs?: readonly string[];
}
