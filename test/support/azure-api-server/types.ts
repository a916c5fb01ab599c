/** The Azure test server's public shapes: what a test gives (Scenario) and gets back (AzureApiServer). */
import type { Clock } from "../../../src/util/clock.ts";

// ARM bodies are free-form JSON; the server reads and writes them by path.
export type Json = Record<string, any>;

export type Service = "entra" | "arm" | "keyvault";

export interface RequestRecord {
  /** "entra" for the token and discovery endpoints, "arm" for Resource Manager, "keyvault" for the vault data plane. */
  readonly service: Service;
  readonly method: string;
  /** The path without the query string, as sent. */
  readonly path: string;
  readonly apiVersion?: string;
  readonly status: number;
  /** The ARM error code (or OAuth error) answered, if any. */
  readonly code?: string;
  /** Server clock time the request was answered. */
  readonly at: number;
  /** An ARM write attempt, whatever the answer: PUT, PATCH, DELETE, and POST except the list* read actions. */
  readonly write: boolean;
}

/** Which requests a fault applies to; every given field must match. */
export interface RequestMatch {
  readonly service?: Service;
  readonly method?: string;
  /** Tested against the path (no query); a string matches case-insensitively as a substring. */
  readonly path?: string | RegExp;
  /** ARM resource type the path addresses (`Microsoft.Network/virtualNetworks/subnets`). */
  readonly type?: string;
}

export interface RequestFault {
  readonly match: RequestMatch;
  /** How many matching requests it hits (default 1). */
  readonly times?: number;
  /** Drop the connection instead of answering. */
  readonly reset?: boolean;
  readonly status?: number;
  readonly code?: string;
  readonly message?: string;
  /** A whole body instead of the ARM error envelope. */
  readonly body?: unknown;
  /** Seconds, sent as Retry-After (429 and 503 usually carry one). */
  readonly retryAfter?: number;
}

/** A write that is accepted but whose provisioning ends Failed (the operation status carries the error). */
export interface ProvisioningFault {
  readonly match: { readonly type?: string; readonly name?: string };
  readonly code: string;
  readonly message: string;
  readonly times?: number;
}

/** An app registration / service principal the token endpoint knows. */
export interface EntraClient {
  readonly clientId: string;
  /** Accepted client secret; absent for clients that only sign in with a federated token. */
  readonly clientSecret?: string;
  /** Object id of its service principal (the principal role assignments name). */
  readonly objectId?: string;
  /** Federated credentials (workload identity) on an app registration. */
  readonly federated?: readonly { readonly issuer: string; readonly subject: string; readonly audience?: string }[];
}

/** Where the kubeconfigs listClusterUserCredential returns point. */
export interface KubernetesEndpoint {
  readonly server: string;
  readonly token?: string;
  /** Base64 PEM of the API server's CA; without it the kubeconfig skips TLS verification (plain http test servers). */
  readonly caData?: string;
}

export interface Scenario {
  readonly tenantId?: string;
  readonly subscriptionId?: string;
  /** Clients the token endpoint accepts; default one client with a generated id and secret. */
  readonly clients?: readonly EntraClient[];
  /** Token lifetime in seconds (default 3599 on real time; 24 h on virtual time, which outruns MSAL's wall-clock cache). */
  readonly tokenLifetimeSeconds?: number;
  /** Time source; default a VirtualClock (auto). */
  readonly clock?: Clock;
  /** Use the system clock: latencies are real milliseconds (the benchmark). */
  readonly realTime?: boolean;
  /** Provisioning time per ARM type in ms (virtual unless realTime); the defaults are rough real-world figures on virtual time, 0 on real time. */
  readonly latency?: Readonly<Record<string, number>>;
  /** Retry-After seconds on long-running operations (default 10; SDK tests use 0 since the SDK sleeps on wall time). */
  readonly retryAfterSeconds?: number;
  /** Resource provider namespaces not registered at start (everything else is). */
  readonly unregisteredProviders?: readonly string[];
  /** ms (clock time) a new principal is unknown to role assignment writes, modelling directory replication (default 0). */
  readonly principalReplicationMs?: number;
  /**
   * ms (clock time) a federated identity credential write takes to reach the token service: until then an assertion
   * it would match is refused with AADSTS70021, as Entra does while a new credential propagates (default 0).
   */
  readonly federationPropagationMs?: number;
  /** Actions the caller is denied (notActions of its permissions), e.g. `Microsoft.Authorization/roleAssignments/write`. */
  readonly deniedActions?: readonly string[];
  /** Kubernetes API server the AKS credentials point at (per cluster name, or one for all). */
  readonly kubernetes?: KubernetesEndpoint | ((cluster: { name: string; resourceGroup: string }) => KubernetesEndpoint);
  /** Further api-versions accepted per ARM type (beyond src/resources/azure-types.ts). */
  readonly extraApiVersions?: Readonly<Record<string, readonly string[]>>;
  readonly faults?: readonly RequestFault[];
  readonly provisioningFaults?: readonly ProvisioningFault[];
  /**
   * A Databricks test server the workspaces' `properties.workspaceUrl` points at: host and path without a scheme
   * (as Azure answers it; berth prepends https://), e.g. `127.0.0.1:PORT/ws/<workspaceId>`. Default: the real
   * shape `adb-<workspaceId>.<n>.azuredatabricks.net`.
   */
  readonly databricks?: { workspaceUrl(workspaceId: string, resourceId: string): string };
}

/** Why verifyToken refused a token. */
export type TokenRefusal = "invalid" | "expired" | "audience";

export interface AzureApiServer {
  /** Resource Manager endpoint (https://127.0.0.1:PORT). */
  readonly url: string;
  /** Entra authority host (same server). */
  readonly authorityHost: string;
  readonly tenantId: string;
  readonly subscriptionId: string;
  /** The default client's id and secret (the first of Scenario.clients). */
  readonly clientId: string;
  readonly clientSecret: string;
  /** PEM of the server certificate, and a file holding it (NODE_EXTRA_CA_CERTS for child processes). */
  readonly ca: string;
  readonly caPath: string;
  readonly clock: Clock;
  readonly requests: RequestRecord[];
  /** ARM write attempts so far, refused ones included (see RequestRecord.write). */
  writes(): number;
  /** A stored resource as GET returns it, by id (case-insensitive). */
  resource(id: string): Json | undefined;
  /** All stored resources (GET views), optionally of one type. */
  resources(type?: string): Json[];
  /** A write-only value the server keeps (a secret's value, an admin password) — for assertions only. */
  writeOnly(id: string, path: string): unknown;
  /** Creates or replaces a resource as if it had been provisioned (pre-existing infrastructure). */
  seed(resource: Json): void;
  /** Soft-deleted vaults. */
  deletedVaults(): Json[];
  /** Soft-deleted secrets as Key Vault lists them (never a value), each with `secretId`, its ARM id. */
  deletedSecrets(): Json[];
  /**
   * Stores a resource in its deleted state, as if it had been deleted now (history a run meets): a vault becomes a
   * deleted vault (its name held), a secret of an existing vault a deleted secret keeping `value`.
   */
  seedDeleted(resource: Json, options?: { value?: string }): void;
  /**
   * Secrets the user sets in a vault (`az keyvault secret set`): stored now when the vault exists, else the moment a
   * run has created it — the user acting between berth's vault step and the steps that read them.
   */
  setUserSecrets(vault: string, secrets: Record<string, string>): void;
  addFault(fault: RequestFault): void;
  addProvisioningFault(fault: ProvisioningFault): void;
  /**
   * For other test servers that accept this server's Entra tokens (the Databricks test server): the claims of an
   * access token it signed, unexpired on its clock and issued for one of `audiences` (compared without a trailing
   * slash), or why not.
   */
  verifyToken(token: string, audiences: readonly string[]): { readonly claims: TokenClaims } | { readonly refused: TokenRefusal };
  /**
   * Whether a role assignment to `objectId` at `scope` or a scope above it names one of `roleNames` (default Owner and
   * Contributor) — the check Azure Databricks makes before adding a service principal that signs in with a management
   * token.
   */
  hasRole(objectId: string, scope: string, roleNames?: readonly string[]): boolean;
  close(): Promise<void>;
}

/** Claims of the access tokens the server signs. */
export interface TokenClaims {
  readonly aud: string;
  readonly iss: string;
  readonly tid: string;
  readonly oid: string;
  readonly appid: string;
  readonly exp: number;
  readonly iat: number;
}
