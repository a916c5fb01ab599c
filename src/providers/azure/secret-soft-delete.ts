/**
 * Soft-deleted Key Vault secrets (F16): a deleted secret keeps its name for the vault's retention period, and a PUT
 * of that name is refused (409, "deleted but recoverable state") until it is recovered or purged. Which one berth may
 * do is the secret's policy, its vault's `onNameHeld` (AzureResource.softDelete): recover it (it comes back with its
 * old value), purge it and write anew, or stop and say what holds the name and until when. Recover and purge are
 * Key Vault data-plane calls (vault-data-plane.ts); whether the secret is back is read through ARM, which shows
 * metadata only — berth never reads a secret's value.
 */
import type { SoftDeletePolicy } from "../../resources/azure-resource.ts";
import { AZURE_TYPES } from "../../resources/azure-types.ts";
import { type Progress, ProviderRequestFailed } from "../provider.ts";
import type { ArmClient, Json } from "./arm-client.ts";
import { AzureRequestError } from "./errors.ts";
import type { KeyVaultDataPlane } from "./vault-data-plane.ts";
import type { SecretPlace } from "./vault-secrets.ts";

const SECRETS = "Microsoft.KeyVault/vaults/secrets";
const VAULTS = "Microsoft.KeyVault/vaults";

export const policyOfSecret = (policy: SoftDeletePolicy | undefined): SoftDeletePolicy["onNameHeld"] => policy?.onNameHeld ?? "fail";

/** ARM's (and Key Vault's) refusal to write a name a deleted secret holds. */
export const isNameHeldByDeletedSecret = (error: unknown): boolean =>
  error instanceof AzureRequestError && error.status === 409 && /deleted but recoverable state/i.test(error.error.message ?? "");

/** Key Vault's refusal to purge under purge protection (403 Forbidden, "purge protection is enabled"). */
const isPurgeProtected = (error: unknown): boolean => error instanceof AzureRequestError && (error.status === 403 || error.status === 409) && /purge protection/i.test(error.error.message ?? "");

/** Deleted-secret dates are Unix seconds. */
const date = (seconds: unknown): string | undefined => (typeof seconds === "number" ? new Date(seconds * 1000).toISOString().replace(/\.000Z$/, "Z") : undefined);

/** Purge protection shows in the deleted secret's recovery level: "Recoverable" without "+Purgeable". */
export const purgeable = (deleted: Json): boolean => /purgeable/i.test(String(deleted.attributes?.recoveryLevel ?? "Purgeable"));

export const describeSecretNameHeld = (place: SecretPlace, deleted: Json): string => {
  const deletedOn = date(deleted.deletedDate);
  const purgedOn = date(deleted.scheduledPurgeDate);
  const when = [deletedOn ? `deleted ${deletedOn}` : "", purgedOn ? `purged by Azure on ${purgedOn}` : ""].filter(Boolean).join(", ");
  return `the name of secret ${place.name} of Key Vault ${place.vault} is held by a deleted secret${when ? ` (${when})` : ""}${purgeable(deleted) ? "" : "; the vault has purge protection on, so it can only be recovered"}`;
};

export const NAME_HELD_FIX = {
  any: "set onNameHeld: recover (keeps the deleted secret's value) or purge on the vault (spec.azure.keyVaults), or recover or purge it yourself (`az keyvault secret recover|purge`)",
  protected: "set onNameHeld: recover on the vault (spec.azure.keyVaults): purge protection lets the deleted secret only be recovered",
} as const;

/** The vault's data-plane URI, read through ARM (the vault's `vaultUri` output); undefined while it does not exist. */
export async function vaultUriOf(arm: ArmClient, place: SecretPlace, progress?: Progress): Promise<string | undefined> {
  const vault = await arm.get(place.vaultId, AZURE_TYPES[VAULTS]!.apiVersion, `GET ${VAULTS} ${place.vault}`, progress);
  const uri = vault?.properties?.vaultUri;
  return typeof uri === "string" ? uri : undefined;
}

export const deletedSecretPath = (name: string): string => `deletedsecrets/${encodeURIComponent(name)}`;

/** The deleted secret holding the name, if any. */
export const deletedSecretHolding = (data: KeyVaultDataPlane, vaultUri: string, place: SecretPlace, progress?: Progress): Promise<Json | undefined> =>
  data.get(vaultUri, deletedSecretPath(place.name), `GET deleted secret ${place.name} of Key Vault ${place.vault}`, progress);

export interface NameHeldContext {
  readonly arm: ArmClient;
  readonly data: KeyVaultDataPlane;
  readonly intervalMs: number;
  readonly progress: Progress;
}

/**
 * After a PUT refused because a deleted secret holds the name: recover or purge it as the policy says (fail stops
 * with what holds the name). "recovered": the secret is back with its old value; "free": the name may be written.
 */
export async function freeSecretName(place: SecretPlace, policy: SoftDeletePolicy["onNameHeld"], ctx: NameHeldContext): Promise<"recovered" | "free"> {
  const vaultUri = await vaultUriOf(ctx.arm, place, ctx.progress);
  if (!vaultUri) throw new ProviderRequestFailed(`secret ${place.name}: Key Vault ${place.vault} is gone`, 404);
  const deleted = await deletedSecretHolding(ctx.data, vaultUri, place, ctx.progress);
  // Recovered or purged meanwhile (by another run, or Azure's own purge): the next write finds the name free.
  if (!deleted) return "free";
  const held = describeSecretNameHeld(place, deleted);
  if (policy === "fail") throw new ProviderRequestFailed(`${held}; ${NAME_HELD_FIX.any}`, 409);
  if (policy === "purge" && !purgeable(deleted)) throw new ProviderRequestFailed(`${held}; ${NAME_HELD_FIX.protected}`, 409);
  ctx.progress.note(`${held}: ${policy === "recover" ? "recovering" : "purging"} it`);
  return policy === "recover" ? recover(place, vaultUri, ctx) : purge(place, vaultUri, ctx);
}

async function recover(place: SecretPlace, vaultUri: string, ctx: NameHeldContext): Promise<"recovered"> {
  try {
    await ctx.data.post(vaultUri, `${deletedSecretPath(place.name)}/recover`, `recover deleted secret ${place.name} of Key Vault ${place.vault}`, ctx.progress);
  } catch (error) {
    // A repeated recover (the first answer was lost) finds nothing left to recover; the wait below tells.
    if (!(error instanceof AzureRequestError && error.status === 404)) throw dataPlaneFailure(error, place, "recover");
  }
  await waitFor(ctx, `secret ${place.name} of Key Vault ${place.vault} being recovered`, async () => (await ctx.arm.get(place.id, AZURE_TYPES[SECRETS]!.apiVersion, `GET ${SECRETS} ${place.vault}/${place.name}`, ctx.progress)) !== undefined);
  return "recovered";
}

async function purge(place: SecretPlace, vaultUri: string, ctx: NameHeldContext): Promise<"free"> {
  try {
    await ctx.data.delete(vaultUri, deletedSecretPath(place.name), `purge deleted secret ${place.name} of Key Vault ${place.vault}`, ctx.progress);
  } catch (error) {
    if (isPurgeProtected(error)) throw new ProviderRequestFailed(`${(error as AzureRequestError).message}; ${NAME_HELD_FIX.protected}`, 409);
    if (!(error instanceof AzureRequestError && error.status === 404)) throw dataPlaneFailure(error, place, "purge");
  }
  await waitFor(ctx, `deleted secret ${place.name} of Key Vault ${place.vault} being purged`, async () => (await deletedSecretHolding(ctx.data, vaultUri, place, ctx.progress)) === undefined);
  return "free";
}

/** Polls on the engine's clock until `done`, never past the step's deadline (then the next run carries on). */
async function waitFor(ctx: NameHeldContext, what: string, done: () => Promise<boolean>): Promise<void> {
  const clock = ctx.arm.clock;
  while (!(await done())) {
    if (ctx.progress.deadline !== undefined && clock.now() + ctx.intervalMs > ctx.progress.deadline)
      throw new AzureRequestError(what, undefined, { code: "OperationTimedOut", message: "still not done when the step's time ran out; Azure carries on with it and the next run picks it up" });
    ctx.progress.note(`${what}; waiting`);
    await clock.sleep(ctx.intervalMs, ctx.progress.signal);
  }
}

/** A refusal from the data plane says which role is missing: ARM's Contributor does not reach it. */
function dataPlaneFailure(error: unknown, place: SecretPlace, what: "recover" | "purge"): unknown {
  if (error instanceof AzureRequestError && error.status === 403)
    return new ProviderRequestFailed(`${error.message}; to ${what} deleted secrets the signed-in principal needs Key Vault Secrets Officer on Key Vault ${place.vault} (or the ${what} permission in its access policy)`, 403);
  return error;
}
