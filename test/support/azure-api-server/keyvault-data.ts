/**
 * The Key Vault data plane: `{vaultUri}secrets/{name}[/{version}]?api-version=7.x` with a bearer token for
 * https://vault.azure.net, authorised as Key Vault does it — Azure RBAC (a role whose dataActions match the
 * operation, assigned to the caller at the secret, the vault or any scope above) on vaults with
 * enableRbacAuthorization, access policies otherwise. Secrets are the `Microsoft.KeyVault/vaults/secrets` resources
 * ARM stores; their values are the write-only values ARM kept.
 *
 * Vault URIs point here (`https://127.0.0.1:PORT/keyvault/{name}/`, see types/keyvault.ts): a real vault has a host of
 * its own, which a test process cannot resolve. Routes are a table (ROUTES): a route names the path after the
 * vault, the data action RBAC checks and the access-policy permission, so further operations (deleted secrets,
 * recover, purge) are rows that reuse the same authentication and authorisation.
 */
import type { Entra, TokenClaims } from "./entra.ts";
import { DELETED_SECRET_ROUTES } from "./keyvault-deleted.ts";
import { json, type Reply } from "./reply.ts";
import { matchesAction, ROLE_DEFINITIONS } from "./types/authorization.ts";
import type { Json } from "./types.ts";
import type { World } from "./world.ts";

/** Where vault URIs point on this server: `{base}/keyvault/{name}/`. */
export const VAULT_PATH_PREFIX = "/keyvault/";
export const vaultUriOf = (w: World, name: string): string => `${w.base()}${VAULT_PATH_PREFIX}${name.toLowerCase()}/`;

/** The audience Key Vault accepts (the public cloud's; exactly, no trailing slash — AKV10022 otherwise). */
export const VAULT_AUDIENCE = "https://vault.azure.net";

export interface DataCall {
  readonly w: World;
  readonly vault: Json;
  /** Path segments after the vault (`secrets`, `db-password`), decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: Json | undefined;
  readonly caller: TokenClaims;
}

export interface DataRoute {
  readonly method: string;
  /** Segments after the vault; `:x` captures one into params.x. */
  readonly path: readonly string[];
  /** What Azure RBAC checks (a role's dataActions must match it). */
  readonly dataAction: string;
  /** What an access policy must grant instead (`permissions.secrets`). */
  readonly permission: string;
  readonly handle: (call: DataCall) => Reply;
}

/** The error envelope Key Vault answers with. */
export const kvError = (status: number, code: string, message: string, inner?: string, headers: Record<string, string> = {}): Reply =>
  json(status, { error: { code, message, ...(inner ? { innererror: { code: inner } } : {}) } }, headers);

const secretId = (vault: Json, name: string): string => `${vault.id}/secrets/${name}`;

/** The stored secret resource of a vault, by name (case-insensitive, as Key Vault compares names). */
export const storedSecret = (w: World, vault: Json, name: string): Json | undefined => w.store.get(secretId(vault, name));

const secretNotFound = (name: string): Reply =>
  kvError(404, "SecretNotFound", `A secret with (name/id) ${name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`);

function getSecret({ w, vault, params }: DataCall): Reply {
  const stored = storedSecret(w, vault, params.name!);
  if (!stored) return secretNotFound(params.name!);
  const p = stored.properties ?? {};
  const id = String(p.secretUriWithVersion ?? `${p.secretUri}/0`);
  if (params.version && !id.toLowerCase().endsWith(`/${params.version.toLowerCase()}`))
    return kvError(404, "SecretNotFound", `A secret with (name/id) ${params.name}/${params.version} was not found in this key vault. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`);
  const attributes = p.attributes ?? {};
  if (attributes.enabled === false) return kvError(403, "Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled");
  const retention = Number(vault.properties?.softDeleteRetentionInDays ?? 90);
  return json(200, {
    value: w.store.writeOnly(String(stored.id), "properties.value") ?? "",
    id,
    attributes: { enabled: true, ...attributes, recoveryLevel: vault.properties?.enablePurgeProtection ? "Recoverable" : "Recoverable+Purgeable", recoverableDays: retention },
    tags: stored.tags ?? {},
  });
}

/** The data-plane operations served, by path after the vault. */
export const ROUTES: readonly DataRoute[] = [
  { method: "GET", path: ["secrets", ":name"], dataAction: "Microsoft.KeyVault/vaults/secrets/getSecret/action", permission: "get", handle: getSecret },
  { method: "GET", path: ["secrets", ":name", ":version"], dataAction: "Microsoft.KeyVault/vaults/secrets/getSecret/action", permission: "get", handle: getSecret },
  ...DELETED_SECRET_ROUTES,
];

function matchRoute(method: string, segments: readonly string[]): { route: DataRoute; params: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method || route.path.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const hit = route.path.every((p, i) => (p.startsWith(":") ? ((params[p.slice(1)] = segments[i]!), true) : p === segments[i]!.toLowerCase()));
    if (hit) return { route, params };
  }
  return undefined;
}

/** The challenge Key Vault sends with a 401: where to get a token and for which resource. */
const challenge = (w: World): Record<string, string> => ({ "WWW-Authenticate": `Bearer authorization="${w.base()}/${w.tenantId}", resource="${VAULT_AUDIENCE}"` });

function authenticate(w: World, entra: Entra, authorization: string | undefined): TokenClaims | Reply {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!m) return kvError(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.", undefined, challenge(w));
  const claims = entra.signedClaims(m[1]!);
  if (!claims) return kvError(401, "Unauthorized", "AKV10001: The token signature is invalid.", undefined, challenge(w));
  if (claims.exp * 1000 <= w.clock.now()) return kvError(401, "Unauthorized", "AKV10032: The token is expired.", undefined, challenge(w));
  if (claims.aud !== VAULT_AUDIENCE) return kvError(401, "Unauthorized", `AKV10022: Invalid audience. Expected ${VAULT_AUDIENCE}, found: ${claims.aud}.`, undefined, challenge(w));
  return claims;
}

const lower = (s: unknown): string => String(s ?? "").toLowerCase();

/** Whether a role assignment to the caller at `resource` or above grants `dataAction` (Azure RBAC). */
function rbacGrants(w: World, caller: TokenClaims, resource: string, dataAction: string): boolean {
  const target = lower(resource);
  return w.store.ofType("Microsoft.Authorization/roleAssignments").some((a) => {
    const p = a.properties ?? {};
    const scope = lower(p.scope);
    if (String(p.principalId) !== caller.oid || !(target === scope || target.startsWith(`${scope}/`))) return false;
    const role = ROLE_DEFINITIONS.find((r) => lower(p.roleDefinitionId).endsWith(`/${r.id}`));
    return role !== undefined && role.dataActions.some((pattern) => matchesAction(pattern, dataAction));
  });
}

/** Whether an access policy of the vault gives the caller `permission` on secrets (vaults without RBAC). */
const policyGrants = (vault: Json, caller: TokenClaims, permission: string): boolean =>
  (vault.properties?.accessPolicies ?? []).some(
    (ap: Json) => String(ap.objectId) === caller.oid && (ap.permissions?.secrets ?? []).some((s: string) => lower(s) === permission || lower(s) === "all"),
  );

function authorise(w: World, vault: Json, caller: TokenClaims, route: DataRoute, params: Record<string, string>): Reply | undefined {
  const where = `${vault.name};location=${vault.location}`;
  const who = `appid=${caller.appid};oid=${caller.oid};iss=${caller.iss}`;
  if (vault.properties?.enableRbacAuthorization === true) {
    const resource = params.name ? secretId(vault, params.name) : String(vault.id);
    if (rbacGrants(w, caller, resource, route.dataAction)) return undefined;
    return kvError(
      403,
      "Forbidden",
      `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: ${who}\r\nAction: '${route.dataAction}'\r\nResource: '${lower(resource)}'\r\nAssignment: (not found)\r\nDecisionReason: 'DeniedWithNoValidRBAC' \r\nVault: ${where}\r\n`,
      "ForbiddenByRbac",
    );
  }
  if (policyGrants(vault, caller, route.permission)) return undefined;
  return kvError(403, "Forbidden", `The user, group or application '${who}' does not have secrets ${route.permission} permission on key vault '${where}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`, "AccessDenied");
}

/** Answers a request whose path starts with VAULT_PATH_PREFIX. */
export function routeKeyVault(w: World, entra: Entra, call: { method: string; path: string; query: URLSearchParams; body: Json | undefined; authorization: string | undefined }): Reply {
  w.ops.settle();
  const [name, ...rest] = call.path.slice(VAULT_PATH_PREFIX.length).split("/").filter(Boolean).map(decodeURIComponent);
  const vault = w.store.ofType("Microsoft.KeyVault/vaults").find((v) => lower(v.name) === lower(name));
  // A vault that does not exist has no host to answer: the closest a client sees is a failed name lookup.
  if (!vault || vault.properties?.provisioningState !== "Succeeded") return kvError(404, "VaultNotFound", `The vault '${name}' does not exist (its host name would not resolve).`);
  const claims = authenticate(w, entra, call.authorization);
  if ("status" in claims) return claims;
  if (!call.query.get("api-version")) return kvError(400, "BadParameter", "The request URI contains an invalid or missing api-version.");
  const found = matchRoute(call.method.toUpperCase(), rest);
  if (!found) return kvError(400, "BadParameter", `The operation ${call.method} ${rest.join("/")} is not served by this test server.`);
  return authorise(w, vault, claims, found.route, found.params) ?? found.route.handle({ w, vault, params: found.params, query: call.query, body: call.body, caller: claims });
}
