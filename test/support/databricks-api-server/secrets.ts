/**
 * Secrets API (`/api/2.0/secrets/*`): Databricks-backed and Azure Key Vault-backed scopes, secrets (write-only: no
 * endpoint here returns a value), and scope ACLs. A Key Vault-backed scope needs an Entra token (a PAT is refused with
 * Databricks' message); with the Azure test server given, the caller also needs Contributor or Owner on the vault.
 */
import { DbxError, exists, invalid, missing } from "./errors.ts";
import { api, type Call, ok, param, type Reply, type Route } from "./route.ts";
import type { Workspace } from "./world.ts";
import type { Scope } from "./world.ts";

const NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const PERMISSIONS = ["READ", "WRITE", "MANAGE"];
const MAX_VALUE = 128 * 1024;
const MAX_SECRETS = 1000;

function scopeOf(ws: Workspace, name: unknown): Scope {
  if (typeof name !== "string" || !name) throw invalid("Missing required field: scope");
  const s = ws.scopes.get(name);
  if (!s) throw missing(`Scope ${name} does not exist!`);
  return s;
}

function createScope(c: Call): Reply {
  const { scope, scope_backend_type = "DATABRICKS", backend_azure_keyvault: kv, initial_manage_principal } = c.body;
  if (typeof scope !== "string" || !NAME.test(scope))
    throw invalid(`Scope name can only consist of alphanumeric characters, dashes, underscores, and periods, and may not exceed 128 characters.`);
  if (c.ws.scopes.has(scope)) throw exists(`Scope ${scope} already exists!`);
  if (scope_backend_type !== "DATABRICKS" && scope_backend_type !== "AZURE_KEYVAULT") throw invalid(`Invalid scope_backend_type ${scope_backend_type}.`);
  if (initial_manage_principal !== undefined && initial_manage_principal !== "users") throw invalid(`initial_manage_principal must be "users" or omitted.`);
  if (scope_backend_type === "AZURE_KEYVAULT") {
    if (c.caller.via !== "entra") throw invalid("Scope with Azure KeyVault must have userAADToken defined!");
    if (!kv?.resource_id || !kv?.dns_name) throw invalid("backend_azure_keyvault.resource_id and backend_azure_keyvault.dns_name are required for an AZURE_KEYVAULT scope.");
    const azure = c.w.scenario.azure;
    const token = /^Bearer\s+(\S+)$/i.exec(String(c.headers.authorization ?? ""))?.[1] ?? "";
    const claims = azure?.verifyToken(token, ["2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"]);
    if (azure && claims && "claims" in claims && !azure.hasRole(claims.claims.oid, String(kv.resource_id)))
      throw new DbxError(403, "PERMISSION_DENIED", `${c.caller.name} does not have Contributor or Owner on the key vault ${kv.resource_id}.`);
  }
  const s: Scope = {
    name: scope,
    backend_type: scope_backend_type,
    ...(scope_backend_type === "AZURE_KEYVAULT" ? { keyvault_metadata: { resource_id: kv.resource_id, dns_name: kv.dns_name } } : {}),
    secrets: new Map(),
    acls: new Map([[initial_manage_principal === "users" ? "users" : c.caller.name, "MANAGE"]]),
  };
  c.ws.scopes.set(scope, s);
  return ok({});
}

function put(c: Call): Reply {
  const s = scopeOf(c.ws, c.body.scope);
  const { key, string_value, bytes_value } = c.body;
  if (typeof key !== "string" || !NAME.test(key)) throw invalid("Secret key can only consist of alphanumeric characters, dashes, underscores, and periods, and may not exceed 128 characters.");
  if (s.backend_type === "AZURE_KEYVAULT") throw invalid(`Secrets cannot be written to the Azure KeyVault-backed scope ${s.name}; manage them in the key vault.`);
  if ((string_value === undefined) === (bytes_value === undefined)) throw invalid("Exactly one of string_value or bytes_value must be specified.");
  const value = string_value !== undefined ? String(string_value) : Buffer.from(String(bytes_value), "base64").toString();
  if (Buffer.byteLength(value) > MAX_VALUE) throw invalid(`The secret value exceeds the maximum size of ${MAX_VALUE} bytes.`);
  if (!s.secrets.has(key) && s.secrets.size >= MAX_SECRETS) throw new DbxError(400, "MAX_SECRETS_PER_SCOPE_EXCEEDED", `Scope ${s.name} has reached the maximum of ${MAX_SECRETS} secrets.`);
  s.secrets.set(key, { value, last_updated_timestamp: c.w.clock.now() });
  return ok({});
}

function remove(c: Call): Reply {
  const s = scopeOf(c.ws, c.body.scope);
  if (s.backend_type === "AZURE_KEYVAULT") throw invalid(`Secrets cannot be deleted from the Azure KeyVault-backed scope ${s.name}.`);
  if (!s.secrets.delete(String(c.body.key))) throw missing(`Secret ${c.body.key} does not exist in scope ${s.name}!`);
  return ok({});
}

function putAcl(c: Call): Reply {
  const s = scopeOf(c.ws, c.body.scope);
  const { principal, permission } = c.body;
  if (typeof principal !== "string" || !principal) throw invalid("Missing required field: principal");
  if (!PERMISSIONS.includes(permission)) throw invalid(`Invalid permission ${permission}. Valid values: ${PERMISSIONS.join(", ")}.`);
  s.acls.set(principal, permission);
  return ok({});
}

function getAcl(c: Call): Reply {
  const s = scopeOf(c.ws, param(c, "scope"));
  const principal = String(param(c, "principal") ?? "");
  const permission = s.acls.get(principal);
  if (!permission) throw missing(`Failed to get secret ACL for principal ${principal} in scope ${s.name}.`);
  return ok({ principal, permission });
}

function deleteAcl(c: Call): Reply {
  const s = scopeOf(c.ws, c.body.scope);
  if (!s.acls.delete(String(c.body.principal))) throw missing(`Failed to delete secret ACL for principal ${c.body.principal} in scope ${s.name}.`);
  return ok({});
}

const listScopes = (c: Call): Reply => {
  const scopes = [...c.ws.scopes.values()].map((s) => ({ name: s.name, backend_type: s.backend_type, ...(s.keyvault_metadata ? { keyvault_metadata: { ...s.keyvault_metadata } } : {}) }));
  return ok(scopes.length ? { scopes } : {});
};

const listSecrets = (c: Call): Reply => {
  const secrets = [...scopeOf(c.ws, param(c, "scope")).secrets.entries()].map(([key, s]) => ({ key, last_updated_timestamp: s.last_updated_timestamp }));
  return ok(secrets.length ? { secrets } : {});
};

const listAcls = (c: Call): Reply => {
  const items = [...scopeOf(c.ws, param(c, "scope")).acls.entries()].map(([principal, permission]) => ({ principal, permission }));
  return ok(items.length ? { items } : {});
};

export const secretRoutes: readonly Route[] = [
  { method: "POST", path: api("2.0", "secrets/scopes/create"), handle: createScope },
  { method: "GET", path: api("2.0", "secrets/scopes/list"), handle: listScopes },
  {
    method: "POST",
    path: api("2.0", "secrets/scopes/delete"),
    handle: (c) => {
      c.ws.scopes.delete(scopeOf(c.ws, c.body.scope).name);
      return ok({});
    },
  },
  { method: "POST", path: api("2.0", "secrets/put"), handle: put },
  { method: "GET", path: api("2.0", "secrets/list"), handle: listSecrets },
  { method: "POST", path: api("2.0", "secrets/delete"), handle: remove },
  { method: "POST", path: api("2.0", "secrets/acls/put"), handle: putAcl },
  { method: "GET", path: api("2.0", "secrets/acls/get"), handle: getAcl },
  { method: "GET", path: api("2.0", "secrets/acls/list"), handle: listAcls },
  { method: "POST", path: api("2.0", "secrets/acls/delete"), handle: deleteAcl },
];
