/** Helpers for tests of and against the Azure test server: raw HTTPS calls that trust its certificate, and tokens. */
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";
import { ClientSecretCredential } from "@azure/identity";
import { resolveCloud } from "../../../src/providers/azure/cloud.ts";
import { AzureProvider } from "../../../src/providers/azure/provider.ts";
import type { Clock } from "../../../src/util/clock.ts";
import { rawHttps } from "../https-io.ts";
import type { AzureApiServer, Json } from "./types.ts";

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Json | undefined;
}

/** One HTTPS request to the server, no retries (faults and error bodies show as they are). */
export async function raw(server: AzureApiServer, method: string, path: string, options: { body?: unknown; form?: Record<string, string>; token?: string } = {}): Promise<RawResponse> {
  const payload = options.form ? new URLSearchParams(options.form).toString() : options.body === undefined ? undefined : JSON.stringify(options.body);
  const answer = await rawHttps(server, method, path, {
    ...(payload !== undefined ? { "Content-Type": options.form ? "application/x-www-form-urlencoded" : "application/json", "Content-Length": Buffer.byteLength(payload) } : {}),
    ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
  }, payload === undefined ? undefined : Buffer.from(payload));
  return { status: answer.status, headers: answer.headers, body: answer.text ? (JSON.parse(answer.text) as Json) : undefined };
}

/** An ARM access token for the server's default client, straight from its token endpoint. */
export async function armToken(server: AzureApiServer): Promise<string> {
  const r = await raw(server, "POST", `/${server.tenantId}/oauth2/v2.0/token`, {
    form: { grant_type: "client_credentials", client_id: server.clientId, client_secret: server.clientSecret, scope: "https://management.azure.com/.default" },
  });
  if (r.status !== 200) throw new Error(`token endpoint answered ${r.status}`);
  return String(r.body!.access_token);
}

/** Claims of a JWT (no verification). */
export const claimsOf = (jwt: string): Json => JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString()) as Json;

/** An unsigned JWT as a Kubernetes service account token file holds (the server does not verify the signature). */
export const serviceAccountToken = (claims: Json): string =>
  [Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT" })).toString("base64url"), Buffer.from(JSON.stringify(claims)).toString("base64url"), "c2ln"].join(".");

/**
 * A @azure/core-rest-pipeline HttpClient that trusts the server's certificate, for code that takes an HttpClient
 * (berth's ArmClient, any SDK client or credential via `httpClient`; the Databricks test server shares the CA). One
 * settings object, so the pipeline's per-settings agent cache keeps one agent.
 */
export function trustingHttpClient(server: Pick<AzureApiServer, "ca">): HttpClient {
  const inner = createDefaultHttpClient();
  const tlsSettings = { ca: server.ca };
  return {
    sendRequest: (req) => {
      req.tlsSettings ??= tlsSettings;
      return inner.sendRequest(req);
    },
  };
}

/** Options for an @azure/identity credential against the server (custom authority, its CA trusted). */
export const credentialOptions = (server: AzureApiServer) => ({ authorityHost: server.authorityHost, disableInstanceDiscovery: true, tlsOptions: { ca: server.ca } });

/**
 * berth's Azure provider signed in to the server with its default client, trusting its certificate: what a test
 * puts in `DeployTarget.providers.azure` to run berth in-process against the server.
 */
export function azureProviderFor(server: AzureApiServer, instance: string, clock: Clock, more: { pollIntervalMs?: number } = {}) {
  return new AzureProvider({
    // The server's vault URIs are its own address: Key Vault's resource is named, as a custom cloud does.
    cloud: resolveCloud({ resourceManager: server.url, authorityHost: server.authorityHost, keyVault: "https://vault.azure.net" }),
    credential: new ClientSecretCredential(server.tenantId, server.clientId, server.clientSecret, credentialOptions(server)),
    subscriptionId: server.subscriptionId,
    instance,
    clock,
    httpClient: trustingHttpClient(server),
    ...more,
  });
}
