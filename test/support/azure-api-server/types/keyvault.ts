/**
 * Microsoft.KeyVault vaults and their secrets through ARM. Vault names are global; deleting a vault with soft delete
 * (the default) keeps it as a deleted vault for its retention period: the name stays taken (409 ConflictError) until
 * it is recovered (`createMode: recover`) or purged, and purge is refused while purge protection is on.
 * Secret values are write-only; a secret deleted on its own is soft-deleted too (keyvault-deleted.ts).
 */
import { randomBytes } from "node:crypto";
import { ArmError, badRequest, conflict } from "../errors.ts";
import type { Json } from "../types.ts";
import type { TypeBehaviour, World } from "../world.ts";
import { vaultUriOf } from "../keyvault-data.ts";
import { forgetDeletedSecretsOf, nameHeldRefusal, softDeleteSecret } from "../keyvault-deleted.ts";
import { kept } from "./common.ts";

const DAY = 24 * 3600_000;

export const deletedVaultId = (w: World, location: string, name: string): string => `/subscriptions/${w.subscriptionId}/providers/Microsoft.KeyVault/locations/${location}/deletedVaults/${name}`;

export const vaults: TypeBehaviour = {
  asyncPut: true,
  latencyMs: 20_000,
  validate(ctx) {
    const p = ctx.body.properties ?? {};
    if (!p.tenantId) throw badRequest("BadRequest", "The parameter properties.tenantId is required.");
    if (!p.sku?.name) throw badRequest("BadRequest", "The parameter properties.sku is required.");
    const deleted = ctx.w.deletedVaults.get(ctx.name.toLowerCase());
    if (!ctx.prev) {
      if (p.createMode === "recover") {
        if (!deleted) throw new ArmError(404, "ResourceNotFound", `No deleted vault named '${ctx.name}' was found to recover.`);
      } else if (deleted)
        throw conflict("ConflictError", `A vault with the same name already exists in deleted state. You need to either recover or purge existing key vault. Follow this link https://go.microsoft.com/fwlink/?linkid=2149745 for more information on soft delete.`);
      const taken = ctx.w.store.ofType("Microsoft.KeyVault/vaults").find((v) => String(v.name).toLowerCase() === ctx.name.toLowerCase());
      if (taken) throw conflict("VaultAlreadyExists", `The vault name '${ctx.name}' is already in use. Vault names are globally unique so it is possible that the name is already taken.`);
    } else if (ctx.prev.properties?.enablePurgeProtection === true && p.enablePurgeProtection === false) {
      throw badRequest("BadRequest", 'The property "enablePurgeProtection" cannot be set to false. Enabling the purge protection for a vault is an irreversible action.');
    }
  },
  assign(ctx, res) {
    const p = res.properties;
    if (p.createMode === "recover") {
      const deleted = ctx.w.deletedVaults.get(ctx.name.toLowerCase())!;
      ctx.w.deletedVaults.delete(ctx.name.toLowerCase());
      Object.assign(p, { ...deleted.vault.properties, ...p });
    }
    delete p.createMode;
    // A real vault's URI is a host of its own (https://{name}.vault.azure.net/); here it is this server, so the
    // data plane (keyvault-data.ts) is reachable by whatever reads the vault's URI.
    p.vaultUri = kept(ctx.prev, "properties.vaultUri", () => vaultUriOf(ctx.w, ctx.name));
    p.enableSoftDelete ??= true;
    p.softDeleteRetentionInDays ??= 90;
    p.enableRbacAuthorization ??= false;
    if (ctx.prev?.properties?.enablePurgeProtection) p.enablePurgeProtection = true;
    p.accessPolicies ??= [];
  },
  provisioned(w, res) {
    storeUserSecrets(w, res);
  },
  removed(w, res) {
    forgetDeletedSecretsOf(w, String(res.id));
    const p = res.properties ?? {};
    if (p.enableSoftDelete === false) return;
    const now = w.clock.now();
    const name = String(res.name);
    w.deletedVaults.set(name.toLowerCase(), {
      vault: res,
      view: {
        id: deletedVaultId(w, String(res.location), name),
        name,
        type: "Microsoft.KeyVault/deletedVaults",
        properties: {
          vaultId: res.id,
          location: res.location,
          deletionDate: new Date(now).toISOString(),
          scheduledPurgeDate: new Date(now + Number(p.softDeleteRetentionInDays ?? 90) * DAY).toISOString(),
          tags: res.tags ?? {},
          purgeProtectionEnabled: p.enablePurgeProtection === true,
        },
      },
    });
  },
};

/** The refusal of a purge, or undefined when the deleted vault may go. */
export function purgeRefusal(w: World, name: string): ArmError | undefined {
  const deleted = w.deletedVaults.get(name.toLowerCase());
  if (!deleted) return new ArmError(404, "ResourceNotFound", `The deleted vault '${name}' was not found.`);
  if (deleted.view.properties.purgeProtectionEnabled) return conflict("InvalidOperation", "Operation 'DeletedVaultPurge' is not allowed.");
  return undefined;
}

export const secrets: TypeBehaviour = {
  tracked: false,
  writeOnly: ["properties.value"],
  validate(ctx) {
    const refusal = ctx.prev ? undefined : nameHeldRefusal(ctx.w, ctx.id);
    if (refusal) throw refusal;
  },
  removed: softDeleteSecret,
  assign(ctx, res) {
    const vault = ctx.w.store.get(ctx.id.replace(/\/secrets\/[^/]+$/i, "")) as Json;
    const now = Math.floor(ctx.w.clock.now() / 1000);
    const uri = `${vault.properties.vaultUri}secrets/${ctx.name}`;
    const newValue = ctx.body.properties?.value !== undefined;
    res.properties.secretUri = uri;
    res.properties.secretUriWithVersion = newValue || !ctx.prev ? `${uri}/${randomBytes(16).toString("hex")}` : ctx.prev.properties.secretUriWithVersion;
    res.properties.attributes = { enabled: true, ...(res.properties.attributes ?? {}), created: ctx.prev?.properties?.attributes?.created ?? now, updated: now };
  },
};

/** The secrets a user set for this vault (World.userSecrets) that it does not hold yet, stored as ARM would. */
export function storeUserSecrets(w: World, vault: Json): void {
  for (const [name, value] of Object.entries(w.userSecrets.get(String(vault.name).toLowerCase()) ?? {})) {
    const id = `${vault.id}/secrets/${name}`;
    if (w.store.get(id)) continue;
    const uri = `${vault.properties.vaultUri}secrets/${name}`;
    const now = Math.floor(w.clock.now() / 1000);
    w.store.put({ id, type: "Microsoft.KeyVault/vaults/secrets", name, properties: { secretUri: uri, secretUriWithVersion: `${uri}/${randomBytes(16).toString("hex")}`, attributes: { enabled: true, created: now, updated: now } } });
    w.store.setWriteOnly(id, { "properties.value": value });
  }
}
