/**
 * Key Vault secrets as the provider addresses them: the vault and the secret a resource or a generated admin password
 * names, and what a user is told to run when a secret they provide is not set — its name and the fields it holds,
 * never a value.
 */
import type { AzureResource } from "../../resources/azure-resource.ts";
import { idOfKey } from "../../resources/identity.ts";
import type { SecretFormat } from "./secret-values.ts";

/** A secret's ARM id, its vault's, and the two names. */
export interface SecretPlace {
  readonly id: string;
  readonly vaultId: string;
  readonly vault: string;
  readonly name: string;
}

export const secretPlace = (id: string): SecretPlace => {
  const m = /^(.*\/vaults\/([^/]+))\/secrets\/([^/]+)\/?$/i.exec(id);
  if (!m) throw new Error(`${id} is not the id of a Key Vault secret`);
  return { id, vaultId: m[1]!, vault: decodeURIComponent(m[2]!), name: decodeURIComponent(m[3]!) };
};

/** `keepIn` names the vault by its resource key (synth), its ARM id, or its name in the resource's group. */
export function vaultIdOf(subscriptionPath: string, keepIn: string, resource: Pick<AzureResource, "resourceGroup">): string {
  if (keepIn.startsWith("/")) return keepIn.replace(/\/+$/, "");
  const key = idOfKey(keepIn);
  const [group, name] = key ? [key.scope, key.name] : [resource.resourceGroup, keepIn];
  return `${subscriptionPath}/resourceGroups/${group}/providers/Microsoft.KeyVault/vaults/${name}`;
}

export const secretIn = (vaultId: string, name: string): SecretPlace => secretPlace(`${vaultId}/secrets/${encodeURIComponent(name)}`);

/** The secrets a resource's generated admin passwords are kept in (and their JSON copies), each with its policy. */
export function generatedSecretPlaces(subscriptionPath: string, resource: AzureResource): { place: SecretPlace; softDelete?: AzureResource["softDelete"] }[] {
  return Object.values(resource.generatedSecrets ?? {}).flatMap((keep) => {
    const vault = vaultIdOf(subscriptionPath, keep.keepIn, resource);
    const policy = keep.softDelete ? { softDelete: keep.softDelete } : {};
    return [{ place: secretIn(vault, keep.secretName), ...policy }, ...(keep.alsoJson ? [{ place: secretIn(vault, keep.alsoJson.secretName), ...policy }] : [])];
  });
}

/** The command that sets a provided secret: `--value '{"token":"…"}'` when it holds JSON fields. Never a value. */
export function setSecretCommand(place: SecretPlace, fields: readonly string[] = []): string {
  const value = fields.length ? `'${JSON.stringify(Object.fromEntries(fields.map((f) => [f, "…"])))}'` : "…";
  return `az keyvault secret set --vault-name ${place.vault} --name ${place.name} --value ${value}`;
}

export const providedFields = (resource: AzureResource): readonly string[] => (resource.vaultSecret && "provided" in resource.vaultSecret ? (resource.vaultSecret.provided.fields ?? []) : []);

export const isProvided = (resource: AzureResource): boolean => !!resource.vaultSecret && "provided" in resource.vaultSecret;

/** A secret berth writes once (generated, or a fixed value that is not secret); undefined for any other resource. */
export type MadeOnce = { readonly generate: { readonly length: number; readonly format?: SecretFormat } } | { readonly fixed: string };

export function madeOnce(resource: AzureResource): MadeOnce | undefined {
  const v = resource.vaultSecret;
  if (!v || resource.existing) return undefined;
  if ("generate" in v) return { generate: v.generate };
  if ("fixed" in v) return { fixed: v.fixed };
  return undefined;
}

/** What a missing provided secret is, said the same way in the plan, preflight, the step and its check. */
export function providedSecretMissing(resource: AzureResource, vault: "exists" | "created by this run" | "missing" = "exists"): { message: string; fix: string } {
  const place = secretPlace(resource.id);
  const fields = providedFields(resource);
  const set = setSecretCommand(place, fields);
  const holds = fields.length ? ` (JSON with the field${fields.length > 1 ? "s" : ""} ${fields.join(", ")})` : "";
  if (vault === "created by this run")
    return {
      message: `secret ${place.name}${holds} of Key Vault ${place.vault} can only be set once the vault exists, which this run creates: the run stops at this secret, before anything that reads it`,
      fix: `when it stopped there, set it (\`${set}\`, with Key Vault Secrets Officer on the vault) and run berth up again`,
    };
  if (vault === "missing") return { message: `secret ${place.name} of Key Vault ${place.vault}: the vault does not exist`, fix: "create the vault (or declare it in spec.azure.keyVaults), then set the secret" };
  return { message: `secret ${place.name}${holds} of Key Vault ${place.vault} is not set: it is provided by you, and berth never writes it`, fix: `set it: \`${set}\`, then run berth again` };
}
