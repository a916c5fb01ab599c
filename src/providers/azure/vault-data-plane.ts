/**
 * The Key Vault data plane (`{vaultUri}…?api-version=7.4`), for what ARM cannot do: read, recover and purge deleted
 * secrets. It answers in ARM's manner (`{error:{code,message}}`, 429/5xx), so it is reached through the same client,
 * retry table and clock, with a token for Key Vault's scope (cloud.ts keyVaultScope) instead of ARM's. A secret's value
 * is read only by `secretValue` (a Databricks sign-in or secret scope needs it): it goes into the caller's redactor
 * before it is returned, and is never logged or journaled. Every other answer has its `value` dropped unread.
 */
import { AZURE_API } from "../../resources/azure-types.ts";
import type { Progress } from "../provider.ts";
import { ArmClient, type ArmClientOptions, type Json } from "./arm-client.ts";
import { keyVaultScope } from "./cloud.ts";
import { AzureRequestError } from "./errors.ts";

/** ARM's client options: the data plane shares its transport, retry table and clock (it does not poll operations). */
export type DataPlaneOptions = Omit<ArmClientOptions, "pollIntervalMs">;

export class KeyVaultDataPlane {
  /** One pipeline per token scope (a custom cloud's vaults may differ). */
  readonly #clients = new Map<string, ArmClient>();

  constructor(readonly options: DataPlaneOptions) {}

  #client(vaultUri: string): ArmClient {
    const scope = keyVaultScope(this.options.cloud, vaultUri);
    let client = this.#clients.get(scope);
    if (!client) {
      client = new ArmClient({ ...this.options, scope, service: "Key Vault" });
      this.#clients.set(scope, client);
    }
    return client;
  }

  url(vaultUri: string, path: string): string {
    return `${vaultUri.replace(/\/+$/, "")}/${path}?api-version=${AZURE_API.keyVaultData}`;
  }

  /** The answer, or undefined on 404. A `value` in it is removed before anyone sees it. */
  async get(vaultUri: string, path: string, operation: string, progress?: Progress): Promise<Json | undefined> {
    try {
      return withoutValue((await this.#client(vaultUri).request("GET", this.url(vaultUri, path), { operation, readOnly: true, ...(progress ? { progress } : {}) })).body ?? {});
    } catch (error) {
      if (error instanceof AzureRequestError && error.status === 404) return undefined;
      throw error;
    }
  }

  /**
   * A secret's current value (GET {vaultUri}secrets/{name}): added to `redactor` at once, so no message can show it.
   * Undefined when the vault has no such secret.
   */
  async secretValue(vaultUri: string, name: string, redactor: { add(value: string): void }, operation: string, progress?: Progress): Promise<{ readonly value: string; readonly updatedOn?: number } | undefined> {
    let body: Json | undefined;
    try {
      body = (await this.#client(vaultUri).request("GET", this.url(vaultUri, `secrets/${encodeURIComponent(name)}`), { operation, readOnly: true, ...(progress ? { progress } : {}) })).body;
    } catch (error) {
      if (error instanceof AzureRequestError && error.status === 404) return undefined;
      throw error;
    }
    const value = typeof body?.value === "string" ? body.value : undefined;
    if (value === undefined) return undefined;
    redactor.add(value);
    const updated = body?.attributes?.updated;
    // Key Vault gives seconds since the epoch.
    return { value, ...(typeof updated === "number" ? { updatedOn: updated * 1000 } : {}) };
  }

  /** An action (recover): repeating it after a lost connection is harmless, since a second one finds nothing to recover. */
  async post(vaultUri: string, path: string, operation: string, progress?: Progress): Promise<Json | undefined> {
    return withoutValue((await this.#client(vaultUri).request("POST", this.url(vaultUri, path), { operation, idempotent: true, ...(progress ? { progress } : {}) })).body);
  }

  async delete(vaultUri: string, path: string, operation: string, progress?: Progress): Promise<void> {
    await this.#client(vaultUri).request("DELETE", this.url(vaultUri, path), { operation, ...(progress ? { progress } : {}) });
  }
}

const withoutValue = (body: Json | undefined): Json | undefined => {
  if (!body || !("value" in body)) return body;
  const { value: _dropped, ...rest } = body;
  return rest;
};
