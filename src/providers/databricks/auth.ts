/**
 * How berth signs in to a workspace, per DatabricksAuth type, as header builders over cached tokens. Every credential
 * value (a vault secret, a token) is read when first needed, kept in memory only and added to the redactor at once.
 * Tokens are refreshed 40 s before they expire, on berth's clock (Databricks' own SDKs use the same margin), and
 * dropped on a 401 so the request is tried once more with a new one (F11).
 *
 * Entra sign-ins (the deploying Azure credential, a service principal from the vault) ask for a token for the
 * AzureDatabricks application and, when the workspace's ARM id is known, also a management token sent as
 * `X-Databricks-Azure-SP-Management-Token` with `X-Databricks-Azure-Workspace-Resource-Id`: a principal with
 * Contributor on the workspace resource is then let in before it is a workspace user.
 */
import type { TokenCredential } from "@azure/core-auth";
import { createEmptyPipeline, createHttpHeaders, createPipelineRequest, type HttpClient } from "@azure/core-rest-pipeline";
import { ClientSecretCredential } from "@azure/identity";
import { readFile } from "node:fs/promises";
import type { DatabricksAuth, DatabricksWorkspaceRef, VaultSecretRef } from "../../resources/databricks-resource.ts";
import type { Clock } from "../../util/clock.ts";
import type { Env } from "../azure/credential.ts";
import { type AzureCloud, resolveCloud } from "../azure/cloud.ts";
import type { Progress } from "../provider.ts";
import type { AzureAccess } from "./azure-access.ts";
import { databricksErrorOf } from "./errors.ts";

/** The AzureDatabricks first-party application: the same id in every Azure cloud. */
export const AZURE_DATABRICKS_SCOPE = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default";

/** The classic service management endpoint of each named cloud: the audience Databricks expects of the management token. */
const SERVICE_MANAGEMENT: Readonly<Record<string, string>> = {
  AzureCloud: "https://management.core.windows.net/",
  AzureChinaCloud: "https://management.core.chinacloudapi.cn/",
  AzureUSGovernment: "https://management.core.usgovcloudapi.net/",
};

/**
 * The management token's scope. A custom cloud (a test server, an unlisted sovereign cloud) has no endpoint of its own
 * that Databricks knows: the public cloud's audience is asked of its authority.
 */
export const managementScope = (cloud: Pick<AzureCloud, "name">): string => `${SERVICE_MANAGEMENT[cloud.name] ?? SERVICE_MANAGEMENT.AzureCloud}.default`;

export const HEADER = {
  managementToken: "X-Databricks-Azure-SP-Management-Token",
  workspaceResourceId: "X-Databricks-Azure-Workspace-Resource-Id",
} as const;

/** Where the management audience comes from when there is no Azure section (the sign-in then fails, saying so). */
const PUBLIC_CLOUD = resolveCloud("AzureCloud");

/** Refresh this long before a token expires. */
export const REFRESH_MARGIN_MS = 40_000;

export interface SignIn {
  readonly type: DatabricksAuth["type"];
  /** An Entra token: a Key Vault-backed secret scope can only be created with one. */
  readonly entra: boolean;
  /** Authorization (and the management pair) for the next request. */
  headers(progress?: Progress): Promise<Record<string, string>>;
  /** The workspace refused the token: the next headers() signs in again. */
  invalidate(): void;
  /** What the last headers() went without (the management token it could not get): said only when the workspace refuses. */
  missing?(): string | undefined;
}

/** Signing in failed before any request reached the workspace: names the workspace, the auth type and the fix. */
export class DatabricksSignInFailed extends Error {
  override readonly name = "DatabricksSignInFailed";
  constructor(
    readonly workspace: string,
    readonly authType: DatabricksAuth["type"],
    readonly why: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot sign in to Databricks workspace ${workspace} (auth ${authType}): ${why}; ${fix}`, options);
  }
}

export interface SignInOptions {
  readonly workspace: DatabricksWorkspaceRef;
  /** The workspace URL, resolved (`https://adb-….azuredatabricks.net`, or a test server's with a path). */
  readonly host: string;
  readonly azure?: AzureAccess;
  readonly clock: Clock;
  readonly httpClient: HttpClient;
  readonly redactor: { add(value: string): void };
  readonly env: Env;
}

/** What the user is told to do when a sign-in of this type fails. */
export const SIGN_IN_FIXES: Readonly<Record<DatabricksAuth["type"], string>> = {
  azure:
    "sign in to Azure (az login, or AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET) as a principal that is a workspace user, or has Contributor on the workspace resource (give the workspace's ARM id so berth sends the management token)",
  servicePrincipal: "check the tenant, client id and client secret the vault holds for the service principal, that the deploying credential may read them, and that the principal is a workspace user or Contributor on the workspace",
  pat: "put a valid personal access token of the workspace in the vault secret the spec names (tokens expire; create one under User Settings → Developer → Access tokens)",
  oauthM2M: "check the Databricks service principal's client id and the OAuth secret in the vault (Settings → Identity and access → Service principals → Secrets)",
  workloadIdentity: "check the token file (tokenFile, or AZURE_FEDERATED_TOKEN_FILE) holds a current JWT and that the service principal has a federation policy matching its issuer and subject",
};

interface Token {
  readonly value: string;
  readonly expiresOn: number;
}

/** One token, fetched when first asked for, renewed REFRESH_MARGIN_MS before it expires (on berth's clock). */
export class TokenCache {
  #token?: Token;
  #pending?: Promise<Token>;

  constructor(
    readonly fetch: () => Promise<Token>,
    readonly clock: Clock,
    readonly redactor: { add(value: string): void },
  ) {}

  async get(): Promise<string> {
    if (this.#token && this.clock.now() < this.#token.expiresOn - REFRESH_MARGIN_MS) return this.#token.value;
    this.#pending ??= this.fetch().then(
      (t) => {
        this.redactor.add(t.value);
        this.#token = t;
        this.#pending = undefined;
        return t;
      },
      (error) => {
        this.#pending = undefined;
        throw error;
      },
    );
    return (await this.#pending).value;
  }

  invalidate(): void {
    this.#token = undefined;
  }
}

const fromCredential = (credential: TokenCredential, scope: string, clock: Clock) => async (): Promise<Token> => {
  const t = await credential.getToken(scope);
  if (!t) throw new Error(`no token for ${scope}`);
  // The credential tells wall-clock expiry: what is left of it is counted on berth's clock.
  return { value: t.token, expiresOn: clock.now() + Math.max(0, t.expiresOnTimestamp - Date.now()) };
};

/** An Entra sign-in: the Databricks token, and the management pair when the workspace's ARM id is known. */
function entraSignIn(type: DatabricksAuth["type"], credential: () => Promise<TokenCredential>, options: SignInOptions, cloud: AzureCloud): SignIn {
  const lazy = (scope: string) => new TokenCache(async () => fromCredential(await credential(), scope, options.clock)(), options.clock, options.redactor);
  const databricks = lazy(AZURE_DATABRICKS_SCOPE);
  const management = lazy(managementScope(cloud));
  const resourceId = options.workspace.resourceId;
  // The management pair only lets in a principal that is not yet a workspace user: without the token (no rights on
  // the management audience, a cloud that does not issue it) the request goes without the pair, and a principal
  // already a workspace user gets in. The failure is said only if the workspace then refuses.
  let missing: string | undefined;
  const managementToken = async (): Promise<string | undefined> => {
    try {
      const got = await management.get();
      missing = undefined;
      return got;
    } catch (error) {
      missing = `the Azure management token could not be had (${error instanceof Error ? error.message.split("\n")[0]! : String(error)}), so the request went without ${HEADER.managementToken}: only a principal already a workspace user gets in`;
      return undefined;
    }
  };
  return {
    type,
    entra: true,
    async headers() {
      const [token, mgmt] = await Promise.all([databricks.get(), resourceId ? managementToken() : undefined]);
      return { Authorization: `Bearer ${token}`, ...(mgmt && resourceId ? { [HEADER.managementToken]: mgmt, [HEADER.workspaceResourceId]: resourceId } : {}) };
    },
    invalidate() {
      databricks.invalidate();
      management.invalidate();
    },
    missing: () => missing,
  };
}

const bearer = (type: DatabricksAuth["type"], cache: TokenCache, entra = false): SignIn => ({
  type,
  entra,
  headers: async () => ({ Authorization: `Bearer ${await cache.get()}` }),
  invalidate: () => cache.invalidate(),
});

/** POST <host>/oidc/v1/token with a form: Databricks' own OAuth tokens (M2M, token exchange). */
async function oidcToken(options: SignInOptions, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Token> {
  const pipeline = createEmptyPipeline();
  const response = await options.clock.busy(
    pipeline.sendRequest(
      options.httpClient,
      createPipelineRequest({
        url: `${options.host}/oidc/v1/token`,
        method: "POST",
        headers: createHttpHeaders({ "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json", ...headers }),
        body: new URLSearchParams(form).toString(),
      }),
    ),
  );
  const text = response.bodyAsText ?? "";
  if (response.status !== 200) {
    const e = databricksErrorOf(text, `HTTP ${response.status}`);
    throw new Error(`the token endpoint answered ${response.status}${e.errorCode ? ` ${e.errorCode}` : ""}: ${e.message}`);
  }
  const body = JSON.parse(text) as { access_token?: string; expires_in?: number | string };
  if (typeof body.access_token !== "string") throw new Error("the token endpoint answered without an access_token");
  return { value: body.access_token, expiresOn: options.clock.now() + Number(body.expires_in ?? 3600) * 1000 };
}

/** Builds the sign-in the spec asks for; nothing is read or requested until the first request. */
export function signInFor(options: SignInOptions): SignIn {
  const auth = options.workspace.auth;
  const needAzure = (): AzureAccess => {
    if (!options.azure) throw new DatabricksSignInFailed(options.workspace.name, auth.type, "this sign-in needs Azure (its credential or a Key Vault) but the plan has no Azure section", "add spec.azure (subscription and cloud), or sign in with another auth type");
    return options.azure;
  };
  const secret = async (ref: VaultSecretRef): Promise<string> => (await needAzure().vaultSecret(ref, options.redactor)).value;
  const cached = (fetch: () => Promise<Token>) => new TokenCache(fetch, options.clock, options.redactor);
  switch (auth.type) {
    case "azure":
      return entraSignIn("azure", async () => needAzure().credential, options, options.azure?.cloud ?? PUBLIC_CLOUD);
    case "servicePrincipal": {
      let made: Promise<TokenCredential> | undefined;
      const credential = () =>
        (made ??= (async () => {
          const azure = needAzure();
          const [tenantId, clientId, clientSecret] = await Promise.all([typeof auth.tenantId === "string" ? auth.tenantId : secret(auth.tenantId), secret(auth.clientId), secret(auth.clientSecret)]);
          return new ClientSecretCredential(tenantId, clientId, clientSecret, {
            authorityHost: azure.authorityHost,
            ...(azure.cloud.custom || azure.authorityHost !== azure.cloud.authorityHost ? { disableInstanceDiscovery: true } : {}),
            ...(azure.httpClient ? { httpClient: azure.httpClient } : {}),
          });
        })().catch((error) => {
          made = undefined;
          throw error;
        }));
      return entraSignIn("servicePrincipal", credential, options, options.azure?.cloud ?? PUBLIC_CLOUD);
    }
    case "pat":
      // A PAT does not expire on berth's watch: read once, kept for the run.
      return bearer("pat", cached(async () => ({ value: await secret(auth.token), expiresOn: Number.POSITIVE_INFINITY })));
    case "oauthM2M":
      return bearer(
        "oauthM2M",
        cached(async () => {
          const clientSecret = await secret(auth.clientSecret);
          const basic = Buffer.from(`${auth.clientId}:${clientSecret}`).toString("base64");
          options.redactor.add(basic);
          return oidcToken(options, { grant_type: "client_credentials", scope: "all-apis" }, { Authorization: `Basic ${basic}` });
        }),
      );
    case "workloadIdentity":
      // A Databricks OAuth token from the exchange, not an Entra token: a Key Vault-backed scope cannot be made with it.
      return bearer(
        "workloadIdentity",
        cached(async () => {
          const file = auth.tokenFile ?? options.env.AZURE_FEDERATED_TOKEN_FILE;
          if (!file) throw new Error("no token file: set tokenFile in the spec or AZURE_FEDERATED_TOKEN_FILE");
          // Read at every refresh: the projected token file is rotated by the kubelet or the CI runner.
          const jwt = (await readFile(file, "utf8")).trim();
          options.redactor.add(jwt);
          return oidcToken(options, {
            grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
            subject_token: jwt,
            subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
            scope: "all-apis",
            client_id: auth.clientId,
          });
        }),
      );
  }
}
