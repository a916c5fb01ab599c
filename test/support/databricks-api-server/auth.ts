/**
 * Who a request runs as, the three ways Azure Databricks signs callers in:
 * - personal access tokens `dapi…` (createPat), each valid for one workspace;
 * - Entra ID access tokens for the Azure Databricks resource, issued (and verified) by the Azure test server; a
 *   principal that is not yet a workspace user is refused unless it also sends a management token of its own and the
 *   workspace's ARM id, and has Contributor or Owner on that workspace — then it is added (as Azure Databricks adds
 *   such service principals as workspace admins);
 * - OAuth tokens from the workspace's `/oidc/v1/token`: client credentials of a Databricks service principal (M2M),
 *   or a token exchange of a JWT matching one of its federation policies (workload identity federation; the JWT's
 *   signature is not checked).
 */
import { randomBytes } from "node:crypto";
import { DbxError } from "./errors.ts";
import type { Reply } from "./route.ts";
import type { Json } from "./types.ts";
import type { Caller, Workspace, World } from "./world.ts";

/** Application id of the Azure Databricks first-party app: the audience of Entra tokens for Databricks. */
export const DATABRICKS_RESOURCE = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";
const MANAGEMENT = ["https://management.core.windows.net/", "https://management.azure.com/"];
const EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt";

const unauthenticated = (message: string): DbxError => new DbxError(401, "UNAUTHENTICATED", message);
const denied = (message: string): DbxError => new DbxError(403, "PERMISSION_DENIED", message);

export class Auth {
  readonly #w: World;
  readonly #pats = new Map<string, { workspace: string; principal: string }>();
  readonly #oauth = new Map<string, { workspace: string; principal: string; exp: number }>();

  constructor(w: World) {
    this.#w = w;
  }

  createPat(ws: Workspace, principal: string): string {
    const token = `dapi${randomBytes(16).toString("hex")}`;
    this.#pats.set(token, { workspace: ws.id, principal });
    this.#w.addUser(ws, principal);
    return token;
  }

  /** The caller, or the 401/403 Databricks answers. */
  authenticate(ws: Workspace, headers: Readonly<Record<string, string | string[] | undefined>>): Caller {
    const m = /^Bearer\s+(\S+)$/i.exec(String(headers.authorization ?? ""));
    if (!m) throw unauthenticated("Credential was not sent or was of an unsupported type for this API.");
    const token = m[1]!;
    const pat = this.#pats.get(token);
    if (pat) {
      if (pat.workspace !== ws.id) throw unauthenticated("Invalid access token.");
      return { name: pat.principal, via: "pat" };
    }
    const oauth = this.#oauth.get(token);
    if (oauth) {
      if (oauth.workspace !== ws.id) throw unauthenticated("Invalid access token.");
      if (oauth.exp <= this.#w.clock.now()) throw unauthenticated("Token is expired.");
      return { name: oauth.principal, via: "oauth" };
    }
    if (token.split(".").length === 3 && this.#w.scenario.azure) return this.#entra(ws, token, headers);
    throw unauthenticated("Invalid access token.");
  }

  #entra(ws: Workspace, token: string, headers: Readonly<Record<string, string | string[] | undefined>>): Caller {
    const azure = this.#w.scenario.azure!;
    const v = azure.verifyToken(token, [DATABRICKS_RESOURCE]);
    if ("refused" in v) throw unauthenticated(v.refused === "expired" ? "Token is expired." : v.refused === "audience" ? `Invalid access token: the audience is not ${DATABRICKS_RESOURCE} (Azure Databricks).` : "Invalid access token.");
    const name = v.claims.appid;
    if (ws.users.has(name)) return { name, via: "entra" };
    const mgmt = String(headers["x-databricks-azure-sp-management-token"] ?? "");
    const rid = String(headers["x-databricks-azure-workspace-resource-id"] ?? "");
    const notMember = `User ${name} is not part of org: ${ws.id}. Ask an administrator to add you, or sign in with a management token of a principal that has Contributor or Owner on the workspace.`;
    if (!mgmt || !rid) throw denied(notMember);
    const m = azure.verifyToken(mgmt, MANAGEMENT);
    if ("refused" in m || m.claims.oid !== v.claims.oid) throw denied(`Invalid X-Databricks-Azure-SP-Management-Token for ${name}.`);
    const resourceId = this.resourceIdOf(ws);
    if (!resourceId || rid.toLowerCase() !== resourceId.toLowerCase()) throw denied(`X-Databricks-Azure-Workspace-Resource-Id ${rid} is not the resource id of workspace ${ws.id}.`);
    if (!azure.hasRole(v.claims.oid, resourceId)) throw denied(`${name} does not have Contributor or Owner on ${resourceId}. ${notMember}`);
    this.#w.addUser(ws, name);
    ws.addedUsers.push({ principal: name, at: this.#w.clock.now() });
    return { name, via: "entra" };
  }

  /** The workspace's ARM id: given, or found in the Azure test server by workspaceId. */
  resourceIdOf(ws: Workspace): string | undefined {
    if (!ws.resourceId && this.#w.scenario.azure) {
      const res = this.#w.scenario.azure.resources("Microsoft.Databricks/workspaces").find((r) => String(r.properties?.workspaceId) === ws.id);
      if (res) ws.resourceId = String(res.id);
    }
    return ws.resourceId;
  }

  /** `POST {workspace}/oidc/v1/token`: client credentials (M2M) or token exchange (workload identity federation). */
  token(ws: Workspace, form: URLSearchParams, authorization: string | undefined): Reply {
    const grant = form.get("grant_type");
    const scope = form.get("scope") ?? "all-apis";
    if (!scope.split(" ").includes("all-apis")) return oauthError(400, "invalid_scope", `Unsupported scope ${scope}; use all-apis.`);
    const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? "");
    const [basicId, basicSecret] = basic ? Buffer.from(basic[1]!, "base64").toString().split(/:(.*)/s) : [];
    const clientId = basicId ?? form.get("client_id") ?? "";
    const sp = (this.#w.scenario.servicePrincipals ?? []).find((p) => p.applicationId === clientId && (!p.workspaces || p.workspaces.includes(ws.id)));
    if (grant === "client_credentials") {
      const secret = basicSecret ?? form.get("client_secret");
      if (!sp || sp.secret === undefined || sp.secret !== secret) return oauthError(401, "invalid_client", "Client authentication failed");
      return this.#issue(ws, sp.applicationId, scope);
    }
    if (grant === EXCHANGE) {
      if (form.get("subject_token_type") !== JWT_TYPE) return oauthError(400, "invalid_request", `subject_token_type must be ${JWT_TYPE}.`);
      let claims: Json;
      try {
        claims = JSON.parse(Buffer.from((form.get("subject_token") ?? "").split(".")[1] ?? "", "base64url").toString()) as Json;
      } catch {
        return oauthError(400, "invalid_request", "subject_token is not a JWT.");
      }
      if (typeof claims.exp === "number" && claims.exp * 1000 <= this.#w.clock.now()) return oauthError(400, "invalid_grant", "The subject token is expired.");
      const auds: string[] = Array.isArray(claims.aud) ? claims.aud.map(String) : [String(claims.aud)];
      const matches = sp?.federationPolicies?.some((p) => p.issuer === claims.iss && p.subject === claims.sub && (!p.audiences || p.audiences.some((a) => auds.includes(a))));
      if (!sp || !matches) return oauthError(400, "invalid_grant", `No federation policy of client ${clientId} matches the subject token (iss ${claims.iss}, sub ${claims.sub}, aud ${auds.join(",")}).`);
      return this.#issue(ws, sp.applicationId, scope);
    }
    return oauthError(400, "unsupported_grant_type", `Unsupported grant_type ${grant}.`);
  }

  #issue(ws: Workspace, principal: string, scope: string): Reply {
    const lifetime = this.#w.scenario.oauthTokenLifetimeSeconds ?? 3600;
    const head = Buffer.from(JSON.stringify({ alg: "RS256", typ: "at+jwt" })).toString("base64url");
    const body = Buffer.from(JSON.stringify({ sub: principal, client_id: principal, scope, iss: `${this.#w.base()}/ws/${ws.id}/oidc`, exp: Math.floor(this.#w.clock.now() / 1000) + lifetime })).toString("base64url");
    const token = `${head}.${body}.${randomBytes(24).toString("base64url")}`;
    this.#oauth.set(token, { workspace: ws.id, principal, exp: this.#w.clock.now() + lifetime * 1000 });
    this.#w.addUser(ws, principal);
    return { status: 200, body: { access_token: token, token_type: "Bearer", expires_in: lifetime, scope } };
  }
}

const oauthError = (status: number, error: string, description: string): Reply => ({ status, body: { error, error_description: description } });
