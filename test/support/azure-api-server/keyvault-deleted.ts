/**
 * Soft-deleted Key Vault secrets. Deleting a secret of a vault with soft delete (every vault: Key Vault enforces it)
 * keeps it as a deleted secret for the vault's retention period: its name cannot be written (ARM and the data plane
 * answer 409 Conflict, "deleted but recoverable state") until it is recovered or purged through the data plane —
 * `GET {vaultUri}deletedsecrets[/{name}]`, `POST …/deletedsecrets/{name}/recover`, `DELETE …/deletedsecrets/{name}`
 * (purge; 403 Forbidden under purge protection). Both take time, as they do in Azure: a recovering secret is not
 * there yet and cannot be re-created (409, "being recovered"); a purged one stays listed until the purge is done.
 * A deleted secret keeps its value: recovery brings back the secret as it was.
 *
 * The data-plane operations are rows of keyvault-data.ts's route table (DELETED_SECRET_ROUTES); the state lives
 * beside the World, keyed by it, so nothing else needs to know it.
 */
import { ArmError } from "./errors.ts";
import type { DataCall, DataRoute } from "./keyvault-data.ts";
import { json, type Reply } from "./reply.ts";
import type { Json } from "./types.ts";
import type { World } from "./world.ts";

const DAY = 24 * 3600_000;

/** Virtual-time defaults (scenario `latency` overrides by these keys): Key Vault takes seconds for either. */
export const DELETED_SECRET_LATENCY = { "Microsoft.KeyVault/deletedSecrets/recover": 10_000, "Microsoft.KeyVault/deletedSecrets/purge": 5_000 } as const;

interface DeletedSecret {
  /** The ARM resource as it was, and its write-only value. */
  readonly resource: Json;
  readonly writeOnly?: Json;
  readonly deletedAt: number;
  readonly scheduledPurgeAt: number;
  purging: boolean;
}

interface DeletedState {
  /** By lower-cased secret id. */
  readonly deleted: Map<string, DeletedSecret>;
  /** Secrets being recovered, by lower-cased id: absent until the recovery is done. */
  readonly recovering: Set<string>;
}

const states = new WeakMap<World, DeletedState>();
const stateOf = (w: World): DeletedState => {
  let s = states.get(w);
  if (!s) states.set(w, (s = { deleted: new Map(), recovering: new Set() }));
  return s;
};

const lower = (s: unknown): string => String(s ?? "").toLowerCase();
const vaultIdOfSecret = (id: string): string => id.replace(/\/secrets\/[^/]+$/i, "");
const nameOf = (id: string): string => id.split("/").pop()!;
const latency = (w: World, key: keyof typeof DELETED_SECRET_LATENCY): number =>
  Object.keys(w.scenario.latency ?? {}).some((k) => lower(k) === lower(key)) || w.realTime ? w.latency(key) : DELETED_SECRET_LATENCY[key];

/** The conflict a write of this secret meets while a deleted (or recovering) secret holds its name, if any. */
export function nameHeldRefusal(w: World, id: string): ArmError | undefined {
  const s = stateOf(w);
  const name = nameOf(id);
  if (s.recovering.has(lower(id))) return new ArmError(409, "Conflict", `Secret ${name} is currently being recovered and cannot be re-created; retry later.`);
  if (s.deleted.has(lower(id)))
    return new ArmError(409, "Conflict", `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`);
  return undefined;
}

/** A secret deleted on its own (its vault stays) becomes a deleted secret; one going with its vault does not. */
export function softDeleteSecret(w: World, res: Json, writeOnly?: Json): void {
  const vault = w.store.get(vaultIdOfSecret(String(res.id)));
  if (!vault || vault.properties?.enableSoftDelete === false) return;
  const now = w.clock.now();
  // A seeded one (server.seedDeleted) comes without what ARM assigns on a write.
  const uri = `${vault.properties.vaultUri}secrets/${nameOf(String(res.id))}`;
  const resource = { ...res, properties: { secretUri: uri, secretUriWithVersion: `${uri}/0123456789abcdef0123456789abcdef`, ...(res.properties ?? {}) } };
  stateOf(w).deleted.set(lower(res.id), { resource, ...(writeOnly ? { writeOnly } : {}), deletedAt: now, scheduledPurgeAt: now + Number(vault.properties?.softDeleteRetentionInDays ?? 90) * DAY, purging: false });
}

/** A vault's deleted secrets go with it when the vault is deleted (it holds them). */
export function forgetDeletedSecretsOf(w: World, vaultId: string): void {
  const prefix = `${lower(vaultId)}/secrets/`;
  const s = stateOf(w);
  for (const k of [...s.deleted.keys()]) if (k.startsWith(prefix)) s.deleted.delete(k);
}

const recoveryLevel = (vault: Json): string => {
  const days = Number(vault.properties?.softDeleteRetentionInDays ?? 90);
  return `${days < 90 ? "CustomizedRecoverable" : "Recoverable"}${vault.properties?.enablePurgeProtection ? "" : "+Purgeable"}`;
};

/** The deleted secret as Key Vault shows it: dates in Unix seconds, never its value. */
function deletedView(vault: Json, d: DeletedSecret): Json {
  const p = d.resource.properties ?? {};
  const name = nameOf(String(d.resource.id));
  return {
    recoveryId: `${vault.properties.vaultUri}deletedsecrets/${name}`,
    deletedDate: Math.floor(d.deletedAt / 1000),
    scheduledPurgeDate: Math.floor(d.scheduledPurgeAt / 1000),
    id: String(p.secretUriWithVersion ?? p.secretUri),
    ...(p.contentType ? { contentType: p.contentType } : {}),
    attributes: { enabled: true, ...(p.attributes ?? {}), recoveryLevel: recoveryLevel(vault), recoverableDays: Number(vault.properties?.softDeleteRetentionInDays ?? 90) },
    tags: d.resource.tags ?? {},
  };
}

const deletedNotFound = (name: string): Reply =>
  json(404, { error: { code: "SecretNotFound", message: `Deleted Secret not found: ${name}. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182` } });

const held = (call: DataCall): DeletedSecret | undefined => stateOf(call.w).deleted.get(lower(`${call.vault.id}/secrets/${call.params.name}`));

function getDeleted(call: DataCall): Reply {
  const d = held(call);
  return d ? json(200, deletedView(call.vault, d)) : deletedNotFound(call.params.name!);
}

function listDeleted(call: DataCall): Reply {
  const prefix = `${lower(call.vault.id)}/secrets/`;
  const value = [...stateOf(call.w).deleted.entries()].filter(([k]) => k.startsWith(prefix)).map(([, d]) => deletedView(call.vault, d));
  return json(200, { value, nextLink: null });
}

function recover(call: DataCall): Reply {
  const { w, vault } = call;
  const d = held(call);
  if (!d || d.purging) return deletedNotFound(call.params.name!);
  const key = lower(d.resource.id);
  const s = stateOf(w);
  s.deleted.delete(key);
  s.recovering.add(key);
  afterLatency(call, d, "post", "Microsoft.KeyVault/deletedSecrets/recover", () => {
    s.recovering.delete(key);
    w.store.put(d.resource);
    if (d.writeOnly) w.store.setWriteOnly(String(d.resource.id), d.writeOnly);
  });
  const p = d.resource.properties ?? {};
  return json(200, { id: String(p.secretUriWithVersion ?? p.secretUri), ...(p.contentType ? { contentType: p.contentType } : {}), attributes: { enabled: true, ...(p.attributes ?? {}), recoveryLevel: recoveryLevel(vault) }, tags: d.resource.tags ?? {} });
}

/** What recovering or purging a deleted secret does, once its latency has passed on the server's clock. */
function afterLatency(call: DataCall, d: { readonly resource: { readonly id?: unknown } }, kind: "post" | "delete", latencyKey: Parameters<typeof latency>[1], done: () => void): void {
  call.w.ops.start({
    kind,
    resourceId: String(d.resource.id),
    namespace: "Microsoft.KeyVault",
    location: String(call.vault.location ?? "global"),
    apiVersion: call.query.get("api-version") ?? "",
    durationMs: latency(call.w, latencyKey),
    finish: () => {
      done();
      return {};
    },
  });
}

function purge(call: DataCall): Reply {
  const { w, vault } = call;
  const d = held(call);
  if (!d) return deletedNotFound(call.params.name!);
  if (vault.properties?.enablePurgeProtection === true)
    return json(403, {
      error: {
        code: "Forbidden",
        message: `Operation "purge" is not allowed because purge protection is enabled for this vault. Key Vault service will automatically purge it after the retention period has passed.\r\nVault: ${vault.name};location=${vault.location}`,
        innererror: { code: "OperationNotAllowed" },
      },
    });
  if (!d.purging) {
    d.purging = true;
    afterLatency(call, d, "delete", "Microsoft.KeyVault/deletedSecrets/purge", () => stateOf(w).deleted.delete(lower(d.resource.id)));
  }
  return json(204);
}

/** Rows for keyvault-data.ts's ROUTES: the RBAC data action and access-policy permission each needs, as Key Vault documents. */
export const DELETED_SECRET_ROUTES: readonly DataRoute[] = [
  { method: "GET", path: ["deletedsecrets"], dataAction: "Microsoft.KeyVault/vaults/secrets/readMetadata/action", permission: "list", handle: listDeleted },
  { method: "GET", path: ["deletedsecrets", ":name"], dataAction: "Microsoft.KeyVault/vaults/secrets/readMetadata/action", permission: "list", handle: getDeleted },
  { method: "POST", path: ["deletedsecrets", ":name", "recover"], dataAction: "Microsoft.KeyVault/vaults/secrets/recover/action", permission: "recover", handle: recover },
  { method: "DELETE", path: ["deletedsecrets", ":name"], dataAction: "Microsoft.KeyVault/vaults/secrets/purge/action", permission: "purge", handle: purge },
];

/** Deleted secrets (views as Key Vault lists them, with the secret's ARM id), for assertions. */
export function deletedSecrets(w: World): Json[] {
  return [...stateOf(w).deleted.values()].map((d) => ({ secretId: d.resource.id, ...deletedView(w.store.get(vaultIdOfSecret(String(d.resource.id))) ?? { properties: {} }, d) }));
}
