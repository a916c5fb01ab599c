/**
 * Secret scopes. A Databricks-backed scope holds copies of Key Vault secrets: a key is written only when it is missing
 * or its vault secret was updated after the workspace's copy (secrets/list gives each key's last_updated_timestamp),
 * so an unchanged spec and vault make no write, and keys berth did not put there are deleted. A Key Vault-backed scope
 * only points at the vault (created once; it needs an Entra sign-in). A scope's backend cannot change: a scope of the
 * other backend (or another vault) stops the step before any write.
 *
 * Secure default: the scope is created without `initial_manage_principal`, so only its creator and workspace admins
 * manage it (Databricks' "users" would let every workspace user read and change it). Values are read from the vault
 * at the write and go nowhere else: changes, messages and outputs name the vault secret, never its value.
 */
import type { SecretScopeResource, VaultSecretRef } from "../../../resources/databricks-resource.ts";
import { failed, ready, type Verdict } from "../../../readiness/verdict.ts";
import type { FieldChange, LiveState, Progress, RunResult } from "../../provider.ts";
import { DatabricksRequestError, type DatabricksApi, isMissing, unlessMissing } from "../api.ts";
import type { KindContext, KindModule } from "../kind.ts";
import { lastErrorLines, refused, remembering } from "../kind-errors.ts";

interface LiveScope {
  readonly name: string;
  readonly backend_type?: string;
  readonly keyvault_metadata?: { readonly resource_id?: string; readonly dns_name?: string };
}

type Acl = "READ" | "WRITE" | "MANAGE";

interface Work {
  readonly scope: LiveScope | undefined;
  /** Why the scope cannot be made as asked (other backend, other vault, no Entra sign-in); nothing is written then. */
  readonly blocked?: string;
  readonly puts: readonly string[];
  readonly deletes: readonly string[];
  readonly aclPuts: readonly [string, Acl][];
  readonly aclDeletes: readonly string[];
  readonly changes: readonly FieldChange[];
}

const whatOf = (r: SecretScopeResource): string => `secret scope ${r.name}`;

/** `kv-dev/db-password`: where a value comes from, never the value. */
export const vaultLabel = (ref: VaultSecretRef): string => `${decodeURIComponent(ref.vaultId.replace(/\/+$/, "").split("/").pop() ?? ref.vaultId)}/${ref.secret}`;

const fromVault = (ref: VaultSecretRef): string => `(set from vault ${vaultLabel(ref)})`;

/**
 * Key Vault's `updated` attribute is Unix seconds, Databricks' last_updated_timestamp milliseconds. The client passes
 * milliseconds (vault-data-plane.ts); a value too small to be milliseconds since 1973 is still taken as seconds, so a
 * client passing the attribute as is cannot make every copy look current.
 */
export const asMillis = (t: number): number => (t < 1e11 ? t * 1000 : t);

const sameId = (a: string | undefined, b: string): boolean => !!a && a.replace(/\/+$/, "").toLowerCase() === b.replace(/\/+$/, "").toLowerCase();

async function findScope(api: DatabricksApi, resource: SecretScopeResource, progress?: Progress): Promise<LiveScope | undefined> {
  const got = await api.get({ path: "/api/2.0/secrets/scopes/list", operation: `${whatOf(resource)}: list scopes`, progress });
  return ((got.scopes ?? []) as LiveScope[]).find((s) => s.name === resource.name);
}

/** The scope as it is, if it cannot become what the resource asks: said before any write. */
function blockedBy(resource: SecretScopeResource, scope: LiveScope | undefined, entra: boolean): string | undefined {
  const backend = resource.backend;
  if (!scope) return backend.type === "AZURE_KEYVAULT" && !entra ? `${whatOf(resource)}: a Key Vault-backed scope can only be created with an Entra ID sign-in (Databricks refuses a PAT or Databricks OAuth token); sign in to the workspace with an Azure credential or use a Databricks-backed scope` : undefined;
  const live = scope.backend_type ?? "DATABRICKS";
  if (live !== backend.type) return `${whatOf(resource)} exists with backend ${live}, the spec asks for ${backend.type}: a scope's backend cannot change; delete the scope (databricks secrets delete-scope ${resource.name}) or give it another name`;
  if (backend.type === "AZURE_KEYVAULT" && !sameId(scope.keyvault_metadata?.resource_id, backend.vaultId))
    return `${whatOf(resource)} is backed by the vault ${scope.keyvault_metadata?.resource_id ?? "(unknown)"}, the spec asks for ${backend.vaultId}: a scope's vault cannot change; delete the scope or give it another name`;
  return undefined;
}

async function plan(resource: SecretScopeResource, ctx: KindContext, mode: "inspect" | "run", progress?: Progress): Promise<Work> {
  const api = ctx.api;
  const what = whatOf(resource);
  const scope = await findScope(api, resource, progress);
  const blocked = blockedBy(resource, scope, api.entra);
  const changes: FieldChange[] = [];
  const puts: string[] = [];
  const deletes: string[] = [];
  const backend = resource.backend;
  if (!scope) {
    changes.push({ field: "(scope)", to: "created" });
    changes.push({ field: "backend", to: `${backend.type}${resource.why ? ` (${resource.why})` : ""}` });
  } else if (blocked) {
    changes.push({ field: "backend", from: scope.backend_type, to: backend.type });
  }
  if (backend.type === "DATABRICKS" && !blocked) {
    const listed = scope ? await api.get({ path: "/api/2.0/secrets/list", query: { scope: resource.name }, operation: `${what}: list secrets`, progress }) : {};
    const live = new Map(((listed.secrets ?? []) as { key: string; last_updated_timestamp?: number }[]).map((s) => [s.key, s.last_updated_timestamp]));
    for (const [key, ref] of Object.entries(backend.secrets).sort(([a], [b]) => a.localeCompare(b))) {
      if (!live.has(key)) {
        changes.push({ field: `secrets/${key}`, to: fromVault(ref) });
        puts.push(key);
        continue;
      }
      let updatedOn: number | undefined;
      try {
        updatedOn = (await api.vaultSecret(ref, progress)).updatedOn;
      } catch (error) {
        // At plan time the vault may be made by this very run; the run reads it again and fails there if it must.
        if (mode === "run") throw error;
        changes.push({ field: `secrets/${key}`, from: "(workspace copy)", to: `${fromVault(ref)} if updated: the vault cannot be read yet` });
        continue;
      }
      const copied = live.get(key);
      // Without both times berth cannot tell the copy is current: it writes it again (the same value is harmless).
      if (updatedOn === undefined || copied === undefined || asMillis(updatedOn) > copied) {
        changes.push({ field: `secrets/${key}`, from: "(older workspace copy)", to: fromVault(ref) });
        puts.push(key);
      }
    }
    for (const key of [...live.keys()].sort()) {
      if (key in backend.secrets) continue;
      changes.push({ field: `secrets/${key}`, from: "present", to: "deleted" });
      deletes.push(key);
    }
  }
  const aclPuts: [string, Acl][] = [];
  const aclDeletes: string[] = [];
  if (resource.acls && !blocked) {
    const listed = scope ? await api.get({ path: "/api/2.0/secrets/acls/list", query: { scope: resource.name }, operation: `${what}: list ACLs`, progress }) : {};
    const live = new Map(((listed.items ?? []) as { principal: string; permission: string }[]).map((a) => [a.principal, a.permission]));
    for (const [principal, permission] of Object.entries(resource.acls).sort(([a], [b]) => a.localeCompare(b))) {
      if (live.get(principal) === permission) continue;
      changes.push({ field: `acls/${principal}`, ...(live.has(principal) ? { from: live.get(principal) } : {}), to: permission });
      aclPuts.push([principal, permission]);
    }
    for (const principal of [...live.keys()].sort()) {
      if (principal in resource.acls) continue;
      changes.push({ field: `acls/${principal}`, from: live.get(principal), to: "deleted" });
      aclDeletes.push(principal);
    }
  }
  return { scope, ...(blocked ? { blocked } : {}), puts, deletes, aclPuts, aclDeletes, changes };
}

async function createScope(resource: SecretScopeResource, ctx: KindContext, progress: Progress): Promise<void> {
  const backend = resource.backend;
  const body =
    backend.type === "AZURE_KEYVAULT"
      ? { scope: resource.name, scope_backend_type: "AZURE_KEYVAULT", backend_azure_keyvault: { resource_id: backend.vaultId, dns_name: await ctx.api.vaultUri(backend.vaultId, progress) } }
      : { scope: resource.name, scope_backend_type: "DATABRICKS" };
  try {
    // Retrying is safe: a create that happened answers RESOURCE_ALREADY_EXISTS below, and the scope is checked again.
    await ctx.api.post({ path: "/api/2.0/secrets/scopes/create", body, operation: `${whatOf(resource)}: create (${backend.type})`, idempotent: true, progress });
  } catch (error) {
    if (!(error instanceof DatabricksRequestError && (error.errorCode === "RESOURCE_ALREADY_EXISTS" || error.status === 409))) throw error;
    const blocked = blockedBy(resource, await findScope(ctx.api, resource, progress), ctx.api.entra);
    if (blocked) throw refused(blocked, 409);
  }
}

async function apply(resource: SecretScopeResource, work: Work, ctx: KindContext, progress: Progress): Promise<void> {
  const api = ctx.api;
  const what = whatOf(resource);
  const backend = resource.backend;
  if (backend.type === "DATABRICKS")
    for (const key of work.puts) {
      const { value } = await api.vaultSecret(backend.secrets[key]!, progress);
      await api.post({ path: "/api/2.0/secrets/put", body: { scope: resource.name, key, string_value: value }, operation: `${what}: put ${key} ${fromVault(backend.secrets[key]!)}`, idempotent: true, progress });
    }
  for (const key of work.deletes) await unlessMissing(() => api.post({ path: "/api/2.0/secrets/delete", body: { scope: resource.name, key }, operation: `${what}: delete ${key}`, idempotent: true, progress }));
  for (const [principal, permission] of work.aclPuts) await api.post({ path: "/api/2.0/secrets/acls/put", body: { scope: resource.name, principal, permission }, operation: `${what}: grant ${permission} to ${principal}`, idempotent: true, progress });
  for (const principal of work.aclDeletes) await unlessMissing(() => api.post({ path: "/api/2.0/secrets/acls/delete", body: { scope: resource.name, principal }, operation: `${what}: remove ACL of ${principal}`, idempotent: true, progress }));
}

const count = (n: number, noun: string): string => (n ? `${n} ${noun}${n === 1 ? "" : "s"}` : "");

export const secretScopeKind: KindModule<SecretScopeResource> = {
  inspect: (resource, ctx) =>
    remembering(ctx.api, resource, async (): Promise<LiveState> => {
      const work = await plan(resource, ctx, "inspect");
      const effects = work.blocked ? [`the step fails before any write: ${work.blocked}`] : [];
      const base = { changes: work.changes, intentChanged: work.changes.length > 0, ...(effects.length ? { effects } : {}) };
      return work.scope ? { exists: true, ownership: "ours", ...base, outputs: { scope: resource.name } } : { exists: false, ownership: "absent", ...base, intentChanged: true };
    }),

  run: (resource, _live, ctx, progress) =>
    remembering(ctx.api, resource, async (): Promise<RunResult> => {
      let work = await plan(resource, ctx, "run", progress);
      if (work.blocked) throw refused(work.blocked, work.scope ? 409 : 400);
      const outputs = { scope: resource.name };
      if (!work.changes.length) return { did: "unchanged", mutated: false, outputs };
      const created = !work.scope;
      if (created) {
        await createScope(resource, ctx, progress);
        // A new scope has its creator's MANAGE entry (and nothing else): the ACLs are compared with what is there now.
        work = await plan(resource, ctx, "run", progress);
      }
      await apply(resource, work, ctx, progress);
      const did = [
        created ? `created (${resource.backend.type})` : "",
        work.puts.length ? `${count(work.puts.length, "secret")} set from the vault` : "",
        work.deletes.length ? `${count(work.deletes.length, "secret")} deleted` : "",
        work.aclPuts.length + work.aclDeletes.length ? "ACLs updated" : "",
      ].filter(Boolean).join(", ");
      return { did: did || "unchanged", mutated: true, outputs };
    }),

  check: (resource, ctx, stage) =>
    remembering(ctx.api, resource, async (): Promise<Verdict> => {
      if (stage === "step") return ready(`scope ${resource.name} ready`);
      const scope = await findScope(ctx.api, resource);
      if (!scope) return failed("Missing", `scope ${resource.name} does not exist any more`);
      if (resource.backend.type !== "DATABRICKS") return ready(`scope ${resource.name} exists`);
      const listed = await ctx.api.get({ path: "/api/2.0/secrets/list", query: { scope: resource.name }, operation: `${whatOf(resource)}: list secrets` });
      const present = new Set(((listed.secrets ?? []) as { key: string }[]).map((s) => s.key));
      const missing = Object.keys(resource.backend.secrets).filter((k) => !present.has(k));
      return missing.length ? failed("Missing", `scope ${resource.name} lacks ${missing.join(", ")}`) : ready(`scope ${resource.name} holds its ${count(present.size, "secret") || "0 secrets"}`);
    }),

  explain: async (resource, ctx) => lastErrorLines(ctx.api, resource),

  remove: (resource, ctx, progress) =>
    remembering(ctx.api, resource, async (): Promise<RunResult> => {
      if (resource.retain) return { did: `kept scope ${resource.name} (retain: true)`, mutated: false };
      try {
        await ctx.api.post({ path: "/api/2.0/secrets/scopes/delete", body: { scope: resource.name }, operation: `${whatOf(resource)}: delete`, idempotent: true, progress });
        return { did: `deleted scope ${resource.name}`, mutated: true };
      } catch (error) {
        if (isMissing(error)) return { did: `scope ${resource.name} was already gone`, mutated: false };
        throw error;
      }
    }),
};
