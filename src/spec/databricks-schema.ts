/**
 * spec.databricks: the workspace artifacts of a platform (docs/databricks.md, docs/design/0014). Cluster and job
 * fields keep the Databricks REST API's own names (snake_case), so a cluster's JSON from the workspace pastes in;
 * what berth adds (references by spec name, state, permissions, retain) is camelCase. References to clusters,
 * notebooks and init scripts are by their spec names and become ids or paths when the plan is applied.
 */
import { z } from "zod";
import { Name } from "./schema-parts.ts";

const SparkVersion = z.string().regex(/^\d+\.\d+\.x-(?:[a-z0-9-]+-)?scala\d+\.\d+$|^[a-z0-9][a-z0-9.-]*\.x-[a-z0-9.-]+$/, "must be a Databricks runtime key such as 15.4.x-scala2.12").describe("Databricks runtime (GET /api/2.1/clusters/spark-versions lists them).");

/** A Spark property or environment value: Databricks takes strings; YAML numbers and booleans are written as such. */
const Conf = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const Autoscale = z.strictObject({ min_workers: z.int().min(0), max_workers: z.int().min(1) });

const AzureAttributes = z.strictObject({
  availability: z.enum(["ON_DEMAND_AZURE", "SPOT_AZURE", "SPOT_WITH_FALLBACK_AZURE"]).optional(),
  first_on_demand: z.int().min(0).optional(),
  spot_bid_max_price: z.number().optional(),
});

/** The Databricks cluster spec berth validates (clusters/create), without init_scripts: those are named by spec key. */
const ClusterFields = {
  spark_version: SparkVersion,
  node_type_id: z.string().min(1).describe("VM size, e.g. Standard_DS3_v2 (GET /api/2.1/clusters/list-node-types lists them)."),
  driver_node_type_id: z.string().min(1).optional(),
  num_workers: z.int().min(0).optional().describe("Fixed size; or autoscale."),
  autoscale: Autoscale.optional(),
  autotermination_minutes: z
    .int()
    .refine((m) => m === 0 || (m >= 10 && m <= 10000), "must be 0 (never) or 10–10000")
    .optional()
    .describe("Required (and not 0) outside development environments."),
  spark_conf: z.record(z.string(), Conf).optional().describe("Spark properties; numbers and booleans are sent as the strings Databricks takes."),
  spark_env_vars: z.record(z.string(), Conf).optional(),
  custom_tags: z
    .record(z.string().regex(/^[^<>%&\\?/]{1,127}$/, "must be 1–127 characters without < > % & \\ ? /"), z.string().max(255))
    .refine((t) => Object.keys(t).length <= 40, "at most 40 tags (berth adds its own up to Databricks' 45)")
    .optional(),
  azure_attributes: AzureAttributes.optional(),
  data_security_mode: z.enum(["NONE", "SINGLE_USER", "USER_ISOLATION", "LEGACY_TABLE_ACL", "LEGACY_PASSTHROUGH", "LEGACY_SINGLE_USER"]).optional(),
  single_user_name: z.string().min(1).optional(),
  policy_id: z.string().min(1).optional(),
  runtime_engine: z.enum(["STANDARD", "PHOTON"]).optional(),
  enable_elastic_disk: z.boolean().optional(),
  instance_pool_id: z.string().min(1).optional(),
  driver_instance_pool_id: z.string().min(1).optional(),
  ssh_public_keys: z.array(z.string()).max(10).optional(),
  cluster_log_conf: z.strictObject({ dbfs: z.strictObject({ destination: z.string().min(1) }).optional(), volumes: z.strictObject({ destination: z.string().min(1) }).optional() }).optional(),
  initScripts: z.array(Name).default([]).describe("Init scripts of spec.databricks.initScripts, by name, in the order they run."),
};

const Principal = {
  user: z.string().min(1).optional(),
  group: z.string().min(1).optional(),
  servicePrincipal: z.string().min(1).optional().describe("An application id."),
};

const Permission = z
  .strictObject({ ...Principal, level: z.string().regex(/^[A-Z_]+$/, "must be a permission level such as CAN_MANAGE") })
  .describe("One entry: exactly one of user, group, servicePrincipal, and its level (clusters: CAN_ATTACH_TO, CAN_RESTART, CAN_MANAGE; jobs: CAN_VIEW, CAN_MANAGE_RUN, CAN_MANAGE; notebooks folders: CAN_READ, CAN_RUN, CAN_EDIT, CAN_MANAGE).");

const Tracked = {
  retain: z.boolean().default(false).describe("Kept on down and prune, and forgotten by berth."),
  permissions: z.array(Permission).optional().describe("The access control list berth keeps (its owner is kept as it is)."),
};

const Renamable = {
  renamedFrom: z.array(Name).default([]).describe("Earlier spec names of this resource: the same workspace object is updated, never deleted and made again."),
};

const Cluster = z
  .strictObject({
    name: z.string().min(1).max(100).optional().describe("cluster_name; default the name prefix + the spec name."),
    ...ClusterFields,
    state: z.enum(["running", "terminated"]).default("running").describe("What the cluster is once deployed: terminated clusters are stopped after everything using them is deployed (seed 001)."),
    ...Tracked,
    ...Renamable,
  })
  .describe("An all-purpose cluster (clusters/create fields), tracked by the id the workspace assigns.");

const JobCluster = z.strictObject(ClusterFields).describe("A cluster made for each run of the job (job_clusters[].new_cluster).");

const Task = z
  .strictObject({
    key: z.string().regex(/^[\w-]{1,100}$/, "must be letters, digits, '_' and '-'").describe("task_key"),
    notebook: z.string().min(1).describe("<notebooks entry>/<file in its folder>, e.g. shared/ingest.py"),
    parameters: z.record(z.string(), z.string()).optional().describe("base_parameters of the notebook task."),
    cluster: Name.optional().describe("An all-purpose cluster of spec.databricks.clusters (existing_cluster_id)."),
    jobCluster: Name.optional().describe("A cluster of this job's jobClusters."),
    dependsOn: z.array(z.string()).default([]).describe("Keys of tasks that must finish first."),
    timeout_seconds: z.int().min(0).optional(),
    max_retries: z.int().min(-1).optional(),
  })
  .describe("A notebook task, on exactly one of cluster or jobCluster.");

const Job = z
  .strictObject({
    name: z.string().min(1).max(4096).optional().describe("The job's name; default the name prefix + the spec name."),
    tasks: z.array(Task).min(1).max(1000),
    jobClusters: z.record(Name, JobCluster).default({}),
    schedule: z
      .strictObject({
        quartz_cron_expression: z.string().min(1),
        timezone_id: z.string().min(1).default("UTC"),
        paused: z.boolean().optional().describe("Default: paused outside production environments."),
      })
      .optional(),
    max_concurrent_runs: z.int().min(1).max(1000).optional(),
    timeout_seconds: z.int().min(0).optional(),
    tags: z.record(z.string(), z.string()).optional(),
    smokeRun: z
      .union([z.boolean(), z.strictObject({ timeoutMinutes: z.int().min(1).max(1440).default(30) })])
      .default(false)
      .describe("Run the job once after it is created or changed, and report its result and run page (run-now with an idempotency token)."),
    ...Tracked,
    ...Renamable,
  })
  .describe("A job whose tasks name clusters, notebooks and init scripts by their spec names.");

const InitScript = z
  .strictObject({
    file: z.string().min(1).describe("The script in the repository, relative to the spec."),
    to: z
      .union([
        z.literal("workspace").describe("A workspace file under spec.databricks.root/init-scripts (the default)."),
        z.strictObject({ volume: z.string().regex(/^\/Volumes\/[^/]+\/[^/]+\/[^/]+(\/.*)?$/, "must be /Volumes/<catalog>/<schema>/<volume>[/dir]") }),
        z.strictObject({ dbfs: z.string().regex(/^dbfs:\//, "must start with dbfs:/") }).describe("Deprecated by Databricks: only when asked for."),
      ])
      .default("workspace"),
    retain: z.boolean().default(false),
  })
  .describe("A cluster init script: a workspace file (default), a Unity Catalog volume file, or (deprecated) DBFS.");

const Notebooks = z
  .strictObject({
    source: z.string().min(1).describe("A folder of the repository, relative to the spec: every file in it (notebooks by extension .py .sql .scala .r; others as plain files)."),
    path: z.string().regex(/^\/[^\0]*[^/]$/, "must be an absolute workspace path such as /Shared/etl").describe("The workspace folder; berth keeps it holding exactly the source folder's files."),
    ...Tracked,
  })
  .describe("A folder of notebooks (and files) deployed as a workspace folder.");

const SecretScope = z
  .strictObject({
    name: z.string().regex(/^[\w.-]{1,128}$/, "must be letters, digits, '_', '-' and '.' (at most 128)").optional().describe("The scope's name; default the name prefix + the spec name."),
    backend: z
      .enum(["auto", "databricks", "keyVault"])
      .default("auto")
      .describe("keyVault: backed by the vault itself (needs an Entra ID sign-in); databricks: values copied from the vault; auto: keyVault when the sign-in allows it."),
    keyVault: Name.optional().describe("The vault of spec.azure.keyVaults; defaults to spec.azure.secrets' vault or the only one."),
    secrets: z.record(z.string().regex(/^[\w.-]{1,128}$/, "must be letters, digits, '_', '-' and '.'"), z.string().min(1)).default({}).describe("databricks backend: scope key → vault secret name."),
    acls: z.record(z.string().min(1), z.enum(["READ", "WRITE", "MANAGE"])).default({}).describe("Principal → READ | WRITE | MANAGE."),
    retain: z.boolean().default(false),
  })
  .describe("A secret scope whose values live in Key Vault.");

const VaultSecretName = z.string().regex(/^[0-9A-Za-z-]{1,127}$/, "must be a Key Vault secret name (letters, digits and '-')");

const Auth = z
  .union([
    z.strictObject({ azure: z.strictObject({}).describe("The Azure credential berth deploys with (an Entra ID token for Azure Databricks); no secret is copied anywhere.") }),
    z.strictObject({
      servicePrincipal: z
        .strictObject({
          keyVault: Name.describe("The vault of spec.azure.keyVaults holding the credentials (each environment its own)."),
          tenantId: VaultSecretName.optional().describe("Vault secret with the tenant id; default spec.azure.tenantId."),
          clientId: VaultSecretName.describe("Vault secret with the client (application) id."),
          clientSecret: VaultSecretName.describe("Vault secret with the client secret."),
        })
        .describe("An Entra ID service principal whose credentials are in the environment's vault (seed 001)."),
    }),
    z.strictObject({ pat: z.strictObject({ keyVault: Name, secret: VaultSecretName }).describe("A personal access token in the vault. Key Vault-backed scopes cannot be made with it.") }),
    z.strictObject({ oauthM2M: z.strictObject({ clientId: z.string().min(1), keyVault: Name, clientSecret: VaultSecretName }).describe("A Databricks service principal's OAuth secret in the vault.") }),
    z.strictObject({ workloadIdentity: z.strictObject({ clientId: z.string().min(1), tokenFile: z.string().min(1).optional() }).describe("Workload identity federation: a JWT from tokenFile (default $AZURE_FEDERATED_TOKEN_FILE) exchanged at the workspace.") }),
  ])
  .describe("How berth signs in to the workspace: exactly one of azure, servicePrincipal, pat, oauthM2M, workloadIdentity.");

export const Databricks = z
  .strictObject({
    workspace: Name.optional().describe("A workspace of spec.azure.databricksWorkspaces: its URL comes from Azure once it exists."),
    url: z.url().optional().describe("Or the URL of a workspace made outside the spec."),
    resourceId: z
      .string()
      .regex(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Databricks\/workspaces\/[^/]+$/i, "must be a workspace's ARM id")
      .optional()
      .describe("With url: the workspace's ARM id, sent so a service principal with Contributor on it is let in."),
    auth: Auth.default({ azure: {} }),
    production: z.boolean().optional().describe("A production environment: schedules run unless paused. Default: true for environments named prod or production."),
    namePrefix: z.string().max(40).default("").describe("Put before cluster, job and scope names (e.g. \"dev-\"); {env} is the environment."),
    root: z
      .string()
      .regex(/^\/[^\0]*[^/]$/, "must be an absolute workspace path")
      .default("/Shared/berth/{platform}/{env}")
      .describe("Workspace folder of berth's init scripts; {platform} and {env} are filled in."),
    initScripts: z.record(Name, InitScript).default({}),
    clusters: z.record(Name, Cluster).default({}),
    notebooks: z.record(Name, Notebooks).default({}),
    jobs: z.record(Name, Job).default({}),
    secretScopes: z.record(Name, SecretScope).default({}),
  })
  .describe("Databricks workspace artifacts deployed after the workspace exists, in order: init scripts and secret scopes, clusters, notebooks, jobs, permissions (docs/databricks.md).");

export type DatabricksSpec = z.output<typeof Databricks>;
export type ClusterSpec = z.output<typeof Cluster>;
export type JobClusterSpec = z.output<typeof JobCluster>;
export type DatabricksJobSpec = z.output<typeof Job>;
export type PermissionSpec = z.output<typeof Permission>;
