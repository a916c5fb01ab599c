/** The Databricks test server's public shapes: what a test gives (Scenario) and gets back (DatabricksApiServer). */
import type { Clock } from "../../../src/util/clock.ts";
import type { AzureApiServer, RequestFault as AzureRequestFault } from "../azure-api-server/types.ts";

// Databricks bodies are free-form JSON; handlers read and write them by field.
export type Json = Record<string, any>;

export interface RequestRecord {
  readonly method: string;
  /** The API path without the workspace prefix and query (`/api/2.1/clusters/get`, `/oidc/v1/token`). */
  readonly path: string;
  /** The query string as sent (`?page_size=100&filter_by.cluster_sources=UI&…`), empty when none. */
  readonly query: string;
  /** The workspace addressed (the default workspace for root `/api/...`). */
  readonly workspace: string;
  readonly status: number;
  /** `error_code` of an error answer (OAuth `error` for the token endpoint; "ConnectionReset" for a dropped one). */
  readonly error_code?: string;
  /** Server clock time the request was answered. */
  readonly at: number;
  /** Anything but GET/HEAD and the read-only POSTs (clusters/events, the token endpoint). */
  readonly write: boolean;
}

/** Which requests a fault applies to; every given field must match. */
export interface RequestMatch {
  readonly method?: string;
  /** Tested against the API path (no workspace prefix, no query); a string matches case-insensitively as a substring. */
  readonly path?: string | RegExp;
  readonly workspace?: string;
}

/**
 * A request fault, shaped as the Azure test server's (times, status, code, message, body, retryAfter, reset): it
 * answers instead of the handler — a Databricks error body `{error_code, message}` by default (429
 * REQUEST_LIMIT_EXCEEDED, 503 TEMPORARILY_UNAVAILABLE, 504 DEADLINE_EXCEEDED, otherwise INTERNAL_ERROR) — or drops
 * the connection (`reset`). With `after: true` the request is applied first and then the connection is dropped: the
 * write happened, the client never hears.
 */
export interface RequestFault extends Omit<AzureRequestFault, "match"> {
  readonly match: RequestMatch;
  readonly after?: boolean;
  /**
   * With `after`: apply the request, then never answer (the connection stays open until the server closes) — the
   * moment a test kills the client (SIGKILL between a create and its journal entry). `onHold` is told when it happened.
   */
  readonly hold?: boolean;
  readonly onHold?: (record: { readonly method: string; readonly path: string; readonly workspace: string }) => void;
}

/** The next start(s) of matching clusters end TERMINATED with this reason instead of RUNNING. */
export interface ClusterStartFault {
  readonly workspace?: string;
  readonly clusterId?: string;
  readonly clusterName?: string;
  /** termination_reason.code, e.g. CLOUD_PROVIDER_LAUNCH_FAILURE, SPARK_STARTUP_FAILURE. */
  readonly code: string;
  /** termination_reason.type (default CLOUD_FAILURE). */
  readonly type?: string;
  readonly parameters?: Readonly<Record<string, string>>;
  readonly times?: number;
}

/** A Databricks (account) service principal for OAuth M2M and workload identity federation. */
export interface ServicePrincipal {
  /** Its application id: the OAuth client id and the name it has in a workspace. */
  readonly applicationId: string;
  /** OAuth secret for client credentials; absent when it only federates. */
  readonly secret?: string;
  /** Federation policies: a JWT whose iss and sub match (and aud, when audiences are given) is exchanged for a token. */
  readonly federationPolicies?: readonly { readonly issuer: string; readonly subject: string; readonly audiences?: readonly string[] }[];
  /** Workspaces it was added to (default all). */
  readonly workspaces?: readonly string[];
}

/** Clock latencies (ms) of cluster state changes. */
export interface ClusterLatency {
  /** PENDING → RUNNING (default 3 min virtual). */
  readonly start?: number;
  /** RESTARTING → RUNNING (default 2 min). */
  readonly restart?: number;
  /** RESIZING → RUNNING (default 1 min). */
  readonly resize?: number;
  /** TERMINATING → TERMINATED (default 30 s). */
  readonly terminate?: number;
}

/** Clock latencies (ms) of a job run's life cycle states. */
export interface RunLatency {
  readonly queued?: number;
  readonly pending?: number;
  readonly running?: number;
}

export interface WorkspaceSpec {
  /** The workspace id (16 digits on Azure; any [A-Za-z0-9-] here). */
  readonly id: string;
  /** Its ARM id, which `X-Databricks-Azure-Workspace-Resource-Id` must equal. */
  readonly resourceId?: string;
  /** Users and service principals (by user name / application id) already in the workspace. */
  readonly users?: readonly string[];
}

export interface Scenario {
  /** Time source; default a VirtualClock (auto). */
  readonly clock?: Clock;
  /** Use the system clock; latencies are real milliseconds and default to 0. */
  readonly realTime?: boolean;
  /** The workspace root `/api/...` serves (default a generated 16-digit id). */
  readonly defaultWorkspace?: string;
  readonly workspaces?: readonly WorkspaceSpec[];
  /** The Azure test server whose Entra tokens are accepted and whose role assignments let a service principal in. */
  readonly azure?: AzureApiServer;
  readonly servicePrincipals?: readonly ServicePrincipal[];
  /** Runtimes served by clusters/spark-versions (and accepted by create); default recent LTS runtimes. */
  readonly sparkVersions?: readonly string[];
  /** Node types served by clusters/list-node-types (and accepted); default a few Azure VM sizes. */
  readonly nodeTypes?: readonly string[];
  readonly clusterLatency?: ClusterLatency;
  readonly runLatency?: RunLatency;
  /** Init script content that fails a cluster start (default: a line `exit N` with N ≠ 0). */
  readonly initScriptFailure?: RegExp;
  /** Result of a finished job run (default SUCCESS). */
  readonly runResult?: (run: { job_id: number; run_id: number; job_name?: string }) => "SUCCESS" | "FAILED";
  /** How long run-now's idempotency_token maps to its run (default 60 days on the clock). */
  readonly idempotencyWindowMs?: number;
  /**
   * Whether error details carry `metadata` (the SDK's parser needs it): "some" (default) as observed — INVALID_*
   * validation errors come without it, the others with `metadata: {}`; "always"; "never".
   */
  readonly errorMetadata?: "some" | "always" | "never";
  /** Unity Catalog volumes (`/Volumes/cat/schema/vol`) that exist; default any. */
  readonly volumes?: readonly string[];
  /** Access token lifetime of the OAuth endpoint in seconds (default 3600). */
  readonly oauthTokenLifetimeSeconds?: number;
  readonly faults?: readonly RequestFault[];
}

/** A workspace's state, for assertions (views as the API answers them, plus what the API never shows). */
export interface WorkspaceState {
  readonly id: string;
  /** https://127.0.0.1:PORT/ws/<id> */
  readonly url: string;
  /** `127.0.0.1:PORT/ws/<id>` — what Azure puts in `properties.workspaceUrl` (no scheme). */
  readonly host: string;
  readonly resourceId: string | undefined;
  /** User names / application ids in the workspace. */
  users(): string[];
  /** Principals added on sign-in with an Azure management token (who, when). */
  addedUsers(): { principal: string; at: number }[];
  clusters(): Json[];
  cluster(id: string): Json | undefined;
  clusterEvents(id: string): Json[];
  jobs(): Json[];
  job(id: number): Json | undefined;
  runs(): Json[];
  /** Workspace objects as get-status shows them. */
  objects(): Json[];
  object(path: string): Json | undefined;
  /** Stored content of a notebook (as imported, no header added) or file. */
  objectContent(path: string): string | undefined;
  dbfs(): Json[];
  dbfsContent(path: string): string | undefined;
  volumeFiles(): Json[];
  volumeContent(path: string): string | undefined;
  scopes(): Json[];
  /** Keys and timestamps (secrets/list), never values. */
  secrets(scope: string): Json[];
  /** The write-only secret value, for assertions only — don't print it. */
  secretValue(scope: string, key: string): string | undefined;
  acls(scope: string): Json[];
  /** GET /permissions view of `/{type}/{id}` (type clusters, jobs, directories, notebooks). */
  permissions(type: string, id: string): Json | undefined;
}

export interface DatabricksApiServer {
  /** https://127.0.0.1:PORT (root `/api` serves the default workspace). */
  readonly url: string;
  /** http://127.0.0.1:PORT, the same handler in plain HTTP (for clients that cannot be given a CA). */
  readonly httpUrl: string;
  readonly defaultWorkspace: string;
  readonly ca: string;
  readonly caPath: string;
  readonly clock: Clock;
  readonly requests: RequestRecord[];
  /** Write attempts so far (refused ones included), optionally of one workspace. */
  writes(workspace?: string): number;
  /** Registers a workspace (idempotent; a later resourceId fills in a missing one). */
  addWorkspace(spec: WorkspaceSpec): WorkspaceState;
  /** A workspace's state (created on first use). */
  workspace(id: string): WorkspaceState;
  /** For the Azure test server's `databricks` scenario field: workspaceUrl → this server's `127.0.0.1:PORT/ws/<id>`. */
  readonly azureHook: { workspaceUrl(workspaceId: string, resourceId: string): string };
  /** A personal access token `dapi…` of `principal` (added to the workspace as a user) valid for that workspace only. */
  createPat(workspaceId: string, principal: string): string;
  addFault(fault: RequestFault): void;
  setClusterStartFault(fault: ClusterStartFault): void;
  close(): Promise<void>;
}
