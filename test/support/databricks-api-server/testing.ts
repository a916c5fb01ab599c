/** Helpers for tests of and against the Databricks test server: raw HTTPS requests, the Azure server wired in, Entra tokens. */
import { startAzureApiServer } from "../azure-api-server/index.ts";
import { raw as azureRaw } from "../azure-api-server/testing.ts";
import type { AzureApiServer, Scenario as AzureScenario } from "../azure-api-server/types.ts";
import { VirtualClock } from "../clock.ts";
import { rawHttps } from "../https-io.ts";
import { startDatabricksApiServer } from "./index.ts";
import type { DatabricksApiServer, Json, Scenario } from "./types.ts";

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON, or undefined for an empty or non-JSON body (see `text`). */
  readonly body: Json | undefined;
  readonly text: string;
}

export interface RawOptions {
  readonly token?: string;
  /** JSON body. */
  readonly body?: unknown;
  /** Form body (the OAuth token endpoint). */
  readonly form?: Record<string, string>;
  /** Raw bytes body (Files API uploads). */
  readonly bytes?: Buffer;
  readonly headers?: Record<string, string>;
}

/**
 * One HTTPS request to the server, no retries (faults and error bodies show as they are). `path` is relative to the
 * server (`/ws/<id>/api/...` or root `/api/...`). A dropped connection rejects with the socket error.
 */
export async function raw(server: Pick<DatabricksApiServer, "url" | "ca">, method: string, path: string, options: RawOptions = {}): Promise<RawResponse> {
  const payload = options.bytes ?? (options.form ? Buffer.from(new URLSearchParams(options.form).toString()) : options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body)));
  const type = options.bytes ? "application/octet-stream" : options.form ? "application/x-www-form-urlencoded" : "application/json";
  const answer = await rawHttps(
    server,
    method,
    path,
    {
      ...(payload !== undefined ? { "Content-Type": type, "Content-Length": payload.length } : {}),
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...(options.headers ?? {}),
    },
    payload,
  );
  return { ...answer, body: parsed(answer.text) };
}

/** Parsed JSON, or undefined for an empty or non-JSON body (the Files API answers bytes). */
function parsed(text: string): Json | undefined {
  try {
    return text ? (JSON.parse(text) as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** base64 of a string (workspace import, DBFS put). */
export const b64 = (s: string): string => Buffer.from(s).toString("base64");

/**
 * An Azure test server and a Databricks test server wired together on one clock: Azure Databricks workspaces created
 * through ARM get a `workspaceUrl` on the Databricks server (`127.0.0.1:PORT/ws/<id>`), and the Databricks server
 * accepts the Azure server's Entra tokens and role assignments. Close both when done.
 */
export async function startLinkedServers(
  azureScenario: AzureScenario = {},
  databricksScenario: Omit<Scenario, "azure"> = {},
): Promise<{ azure: AzureApiServer; databricks: DatabricksApiServer; close(): Promise<void> }> {
  const clock = azureScenario.clock ?? databricksScenario.clock ?? new VirtualClock();
  let databricks: DatabricksApiServer | undefined;
  const azure = await startAzureApiServer({ ...azureScenario, clock, databricks: { workspaceUrl: (id, rid) => databricks!.azureHook.workspaceUrl(id, rid) } });
  databricks = await startDatabricksApiServer({ ...databricksScenario, clock, azure });
  const dbx = databricks;
  return {
    azure,
    databricks: dbx,
    async close() {
      await dbx.close();
      await azure.close();
      if (azureScenario.clock === undefined && databricksScenario.clock === undefined) (clock as VirtualClock).stop();
    },
  };
}

/** An Entra access token of an app registration the Azure server knows, for `scope` (Databricks: `${DATABRICKS_RESOURCE}/.default`). */
export async function entraToken(azure: AzureApiServer, client: { clientId: string; clientSecret: string }, scope: string): Promise<string> {
  const r = await azureRaw(azure, "POST", `/${azure.tenantId}/oauth2/v2.0/token`, { form: { grant_type: "client_credentials", client_id: client.clientId, client_secret: client.clientSecret, scope } });
  if (r.status !== 200) throw new Error(`token endpoint answered ${r.status}: ${JSON.stringify(r.body)}`);
  return String(r.body!.access_token);
}
