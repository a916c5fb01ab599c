/**
 * Microsoft Entra ID as MSAL and @azure/identity use it: the v2.0 token endpoint (client credentials with a client
 * secret, or a federated client assertion — workload identity), OpenID discovery and instance discovery.
 * Access tokens are JWT-shaped and HMAC-signed with a per-server key, so ARM can verify them and tests can read
 * their claims. Federated assertions are matched on issuer, subject and audience against the federated credentials
 * of user-assigned identities in the ARM store and of the scenario's app registrations; their signature is not
 * checked (there is no issuer to fetch keys from here).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { ArmError } from "./errors.ts";
import { json, type Reply } from "./reply.ts";
import type { EntraClient, Json, TokenClaims } from "./types.ts";
import type { World } from "./world.ts";

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

const b64url = (s: string | Buffer): string => Buffer.from(s).toString("base64url");

export type { TokenClaims } from "./types.ts";

export class Entra {
  readonly #key = randomBytes(32);
  readonly #w: World;
  readonly clients: readonly EntraClient[];

  constructor(w: World, clients: readonly EntraClient[]) {
    this.#w = w;
    this.clients = clients;
    for (const c of clients) if (c.objectId) w.principals.set(c.objectId, Number.NEGATIVE_INFINITY);
  }

  #sign(claims: TokenClaims): string {
    const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
    const body = b64url(JSON.stringify(claims));
    return `${head}.${body}.${createHmac("sha256", this.#key).update(`${head}.${body}`).digest("base64url")}`;
  }

  /** The claims of an access token this server signed, or undefined (forged, malformed); expiry is the caller's to check. */
  signedClaims(token: string): TokenClaims | undefined {
    const [head, body, sig] = token.split(".");
    const expected = head && body ? createHmac("sha256", this.#key).update(`${head}.${body}`).digest() : undefined;
    const given = Buffer.from(sig ?? "", "base64url");
    if (!expected || given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return JSON.parse(Buffer.from(body!, "base64url").toString()) as TokenClaims;
  }

  /** The caller's claims, or the 401 ARM answers. */
  verify(authorization: string | undefined): TokenClaims {
    const w = this.#w;
    const challenge = { "WWW-Authenticate": `Bearer authorization_uri="${w.base()}/${w.tenantId}", error="invalid_token", error_description="The authentication failed because of missing or invalid 'Authorization' header."` };
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!m) throw new ArmError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.", challenge);
    const claims = this.signedClaims(m[1]!);
    if (!claims) throw new ArmError(401, "InvalidAuthenticationToken", "The access token is invalid.", challenge);
    if (claims.exp * 1000 <= w.clock.now()) throw new ArmError(401, "ExpiredAuthenticationToken", "The access token expiry UTC time is earlier than current UTC time.", challenge);
    if (!/management|127\.0\.0\.1/.test(claims.aud)) throw new ArmError(401, "InvalidAuthenticationTokenAudience", `The access token has been obtained for wrong audience or resource '${claims.aud}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.azure.com/'.`, challenge);
    return claims;
  }

  handle(method: string, path: string, form: URLSearchParams): Reply {
    const w = this.#w;
    const seg = path.split("/").filter(Boolean);
    const tenant = seg[0] ?? "";
    const rest = seg.slice(1).join("/").toLowerCase();
    if (tenant.toLowerCase() === "common" && rest === "discovery/instance") return this.#instanceDiscovery(form);
    if (tenant.toLowerCase() !== w.tenantId.toLowerCase())
      return oauthError(400, "invalid_request", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    if (method === "GET" && (rest === "v2.0/.well-known/openid-configuration" || rest === ".well-known/openid-configuration")) return json(200, this.#openIdConfiguration());
    if (method === "GET" && rest === "discovery/v2.0/keys") return json(200, { keys: [] });
    if (method === "POST" && rest === "oauth2/v2.0/token") return this.#token(form);
    return json(404, { error: "not_found", error_description: `No Entra endpoint at ${path}.` });
  }

  #openIdConfiguration(): Json {
    const base = `${this.#w.base()}/${this.#w.tenantId}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `${base}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      tenant_region_scope: "EU",
      cloud_instance_name: "127.0.0.1",
    };
  }

  #instanceDiscovery(q: URLSearchParams): Reply {
    const host = new URL(this.#w.base()).host;
    return json(200, {
      tenant_discovery_endpoint: q.get("authorization_endpoint")?.replace(/oauth2\/v2\.0\/authorize$/, "v2.0/.well-known/openid-configuration") ?? `${this.#w.base()}/common/v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  }

  #token(form: URLSearchParams): Reply {
    const w = this.#w;
    if (form.get("grant_type") !== "client_credentials") return oauthError(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${form.get("grant_type")}'.`);
    const scope = form.get("scope") ?? "";
    const resource = scope.split(" ").find((s) => s.endsWith("/.default"))?.replace(/\/\.default$/, "");
    if (!resource) return oauthError(400, "invalid_scope", 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    const clientId = form.get("client_id") ?? "";
    const secret = form.get("client_secret");
    const assertion = form.get("client_assertion");
    let objectId: string;
    if (secret !== null) {
      const client = this.clients.find((c) => c.clientId === clientId);
      if (!client) return oauthError(400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory '${w.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
      if (client.clientSecret === undefined || client.clientSecret !== secret)
        return oauthError(401, "invalid_client", 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
      objectId = client.objectId ?? clientId;
    } else if (assertion !== null) {
      if (form.get("client_assertion_type") !== ASSERTION_TYPE) return oauthError(400, "invalid_request", 50027, "Invalid JWT token. The client_assertion_type is not supported.");
      const found = this.#federated(clientId, assertion);
      if (typeof found !== "string") return found;
      objectId = found;
    } else {
      return oauthError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
    const now = Math.floor(w.clock.now() / 1000);
    const lifetime = w.scenario.tokenLifetimeSeconds ?? (w.realTime ? 3599 : 24 * 3600);
    const token = this.#sign({ aud: resource, iss: `https://sts.windows.net/${w.tenantId}/`, tid: w.tenantId, oid: objectId, appid: clientId, iat: now, exp: now + lifetime });
    return json(200, { token_type: "Bearer", expires_in: lifetime, ext_expires_in: lifetime, access_token: token });
  }

  /** The object id the federated assertion signs in as, or the AADSTS error. */
  #federated(clientId: string, assertion: string): string | Reply {
    const w = this.#w;
    let claims: Json;
    try {
      claims = JSON.parse(Buffer.from(assertion.split(".")[1] ?? "", "base64url").toString()) as Json;
    } catch {
      return oauthError(400, "invalid_request", 50027, "Invalid JWT token. The token is malformed.");
    }
    if (typeof claims.exp === "number" && claims.exp * 1000 <= w.clock.now())
      return oauthError(400, "invalid_client", 700024, "Client assertion is not within its valid time range.");
    const audiences: string[] = Array.isArray(claims.aud) ? claims.aud : [String(claims.aud)];
    const matches = (fic: { issuer?: unknown; subject?: unknown; audiences?: unknown }): boolean =>
      fic.issuer === claims.iss && fic.subject === claims.sub && (Array.isArray(fic.audiences) ? fic.audiences : [EXCHANGE_AUDIENCE]).some((a: unknown) => audiences.includes(String(a)));
    const app = this.clients.find((c) => c.clientId === clientId);
    if (app) {
      if (app.federated?.some((f) => matches({ issuer: f.issuer, subject: f.subject, audiences: [f.audience ?? EXCHANGE_AUDIENCE] }))) return app.objectId ?? app.clientId;
    } else {
      const identity = w.store.ofType("Microsoft.ManagedIdentity/userAssignedIdentities").find((i) => i.properties?.clientId === clientId);
      if (!identity) return oauthError(400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory '${w.tenantId}'.`);
      const fics = w.store.children(String(identity.id), "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials").filter((f) => propagated(w, f));
      if (fics.some((f) => matches(f.properties ?? {}))) return String(identity.properties.principalId);
    }
    return oauthError(
      400,
      "invalid_request",
      70021,
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${claims.iss}'. Assertion Subject: '${claims.sub}'. Assertion Audience: '${audiences.join(",")}'.`,
    );
  }
}

/**
 * Whether Entra sees a federated credential yet: a write takes `federationPropagationMs` (clock time) to reach the
 * token service — until then an assertion it would match is refused with AADSTS70021 (failure F17). Seeded ones
 * (no systemData) have long propagated.
 */
function propagated(w: World, fic: Json): boolean {
  const at = Date.parse(String(fic.systemData?.lastModifiedAt ?? ""));
  return Number.isNaN(at) || w.clock.now() >= at + (w.scenario.federationPropagationMs ?? 0);
}

function oauthError(status: number, error: string, code: number, description: string): Reply {
  const now = new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  const traceId = randomBytes(16).toString("hex");
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${traceId} Timestamp: ${now}`,
    error_codes: [code],
    timestamp: now,
    trace_id: traceId,
    correlation_id: traceId,
  });
}
