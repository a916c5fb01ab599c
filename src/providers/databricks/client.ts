/**
 * berth's own client for one Databricks workspace's REST API, over the Azure SDKs' transport
 * (@azure/core-rest-pipeline, as ArmClient): JSON in and out, the error body as DatabricksRequestError, the retry table
 * of retry-rules.ts on berth's clock (the step's deadline, signal and lock check), headers from the sign-in (auth.ts).
 * Not @databricks/sdk-experimental: it ignores Retry-After, does not retry 503, misreads error details without
 * `metadata`, uploads empty files and wants Node 22 (docs/design/0014-databricks.md, "Client").
 */
import { createDefaultHttpClient, createEmptyPipeline, createHttpHeaders, createPipelineRequest, type HttpClient, type Pipeline, type PipelineResponse, userAgentPolicy } from "@azure/core-rest-pipeline";
import type { DatabricksWorkspaceRef, VaultSecretRef } from "../../resources/databricks-resource.ts";
import { type Clock, systemClock } from "../../util/clock.ts";
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from "../../util/retry.ts";
import { formatWait } from "../azure/arm-client.ts";
import type { Redactor } from "../kubernetes/redact.ts";
import type { Progress } from "../provider.ts";
import { type DatabricksApi, type DatabricksCall, DatabricksRequestError, type Json, unlessMissing } from "./api.ts";
import { DatabricksSignInFailed, SIGN_IN_FIXES, type SignIn } from "./auth.ts";
import { type AzureAccess, VaultReadForbidden } from "./azure-access.ts";
import { databricksErrorOf, isConnectionError } from "./errors.ts";
import { classifyDatabricksError } from "./retry-rules.ts";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface DatabricksClientOptions {
  readonly workspace: DatabricksWorkspaceRef;
  /** The workspace URL, resolved: `https://adb-….azuredatabricks.net` (a test server's may carry a path). */
  readonly host: string;
  readonly signIn: SignIn;
  readonly redactor: Redactor;
  readonly clock?: Clock;
  /** The transport (tests pass one trusting the test server); default Node's https. */
  readonly httpClient?: HttpClient;
  readonly retry?: RetryPolicy;
  /** For vault secret values and vault URIs (secret scopes). */
  readonly azure?: AzureAccess;
}

const REQUEST_TIMEOUT_MS = 60_000;

/** `adb-1.2.azuredatabricks.net` (ARM's workspaceUrl) or a full URL: the base every path is put after. */
export const workspaceBase = (url: string): string => (/^https?:\/\//i.test(url) ? url : `https://${url}`).replace(/\/+$/, "");

export class DatabricksClient implements DatabricksApi {
  readonly host: string;
  readonly describe: string;
  readonly clock: Clock;
  readonly #pipeline: Pipeline;
  readonly #http: HttpClient;

  constructor(readonly options: DatabricksClientOptions) {
    this.host = workspaceBase(options.host);
    this.describe = `${options.workspace.name} (${this.host})`;
    this.clock = options.clock ?? systemClock;
    this.#http = options.httpClient ?? createDefaultHttpClient();
    this.#pipeline = createEmptyPipeline();
    this.#pipeline.addPolicy(userAgentPolicy({ userAgentPrefix: "berth" }));
  }

  get entra(): boolean {
    return this.options.signIn.entra;
  }

  urlOf(path: string, query: Readonly<Record<string, string | readonly string[]>> = {}): string {
    const qs = new URLSearchParams(Object.entries(query).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : v.map((one): [string, string] => [k, one])))).toString();
    return `${this.host}${path.startsWith("/") ? "" : "/"}${path}${qs ? `?${qs}` : ""}`;
  }

  /** "create cluster etl (POST /api/2.1/clusters/create, workspace main)": what every message names. */
  #what(method: Method, call: DatabricksCall): string {
    return `${call.operation} (${method} ${call.path}, workspace ${this.options.workspace.name})`;
  }

  async #headers(progress?: Progress): Promise<Record<string, string>> {
    try {
      return await this.options.signIn.headers(progress);
    } catch (error) {
      if (error instanceof DatabricksSignInFailed) throw error;
      if (progress?.signal?.aborted) throw progress.signal.reason;
      const type = this.options.workspace.auth.type;
      if (error instanceof VaultReadForbidden) throw new DatabricksSignInFailed(this.options.workspace.name, type, error.message, error.fix, { cause: error });
      const why = this.options.redactor.apply(error instanceof Error ? error.message.split("\n")[0]! : String(error));
      throw new DatabricksSignInFailed(this.options.workspace.name, type, why, SIGN_IN_FIXES[type], { cause: error });
    }
  }

  /** One try: the 2xx response, or DatabricksRequestError. */
  async send(method: Method, call: DatabricksCall, bytes = false): Promise<PipelineResponse> {
    const what = this.#what(method, call);
    const headers = await this.#headers(call.progress);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), REQUEST_TIMEOUT_MS);
    timer.unref();
    const json = call.body !== undefined && call.raw === undefined;
    const request = createPipelineRequest({
      url: this.urlOf(call.path, call.query),
      method,
      headers: createHttpHeaders({
        Accept: bytes ? "*/*" : "application/json",
        ...(json ? { "Content-Type": "application/json" } : {}),
        ...(call.raw !== undefined ? { "Content-Type": "application/octet-stream" } : {}),
        ...headers,
      }),
      ...(json ? { body: JSON.stringify(call.body) } : {}),
      ...(call.raw !== undefined ? { body: call.raw } : {}),
      ...(bytes ? { streamResponseStatusCodes: new Set([200]) } : {}),
      abortSignal: call.progress?.signal ? AbortSignal.any([call.progress.signal, timeout.signal]) : timeout.signal,
    });
    let response: PipelineResponse;
    try {
      response = await this.clock.busy(this.#pipeline.sendRequest(this.#http, request));
    } catch (error) {
      if (call.progress?.signal?.aborted) throw call.progress.signal.reason;
      const name = (error as { name?: string }).name ?? "";
      // A refused certificate or a bad URL is no lost connection: not retried, and reported as such.
      const lost = isConnectionError(error) || name === "AbortError";
      const message = lost ? `the connection to the workspace was lost (${(error as Error).message})` : (error as Error).message;
      throw Object.assign(new DatabricksRequestError(what, undefined, undefined, this.options.redactor.apply(message), {}, lost), { cause: error });
    } finally {
      clearTimeout(timer);
    }
    if (response.status >= 200 && response.status < 300) return response;
    const answered = response.headers.toJSON({ preserveCase: false });
    const body = databricksErrorOf(response.bodyAsText ?? "", `HTTP ${response.status}`);
    const missing = response.status === 401 || response.status === 403 ? this.options.signIn.missing?.() : undefined;
    throw new DatabricksRequestError(what, response.status, body.errorCode, this.options.redactor.apply(`${body.message}${missing ? ` (${missing})` : ""}`), answered);
  }

  /** One request with the retry table: waits told to the step, bounded by its deadline, ended by its signal. */
  request(method: Method, call: DatabricksCall, bytes = false): Promise<PipelineResponse> {
    const progress = call.progress;
    const idempotent = call.idempotent ?? method !== "POST";
    const started = this.clock.now();
    let signedInAgain = false;
    // A 5xx to a create that is not repeated (clusters/create, jobs/create, scopes/create) says nothing of whether
    // the workspace made it: like a lost connection, its outcome is unknown (the next run finds it by tag).
    const unknownIfFailed = (error: unknown): never => {
      if (!idempotent && error instanceof DatabricksRequestError && error.status !== undefined && error.status >= 500)
        throw Object.assign(new DatabricksRequestError(error.operation, error.status, error.errorCode, error.serverMessage, error.headers, false, true), { cause: error });
      throw error;
    };
    return withRetry(
      () => this.send(method, call, bytes),
      (error) => {
        const decision = classifyDatabricksError(error, {
          idempotent,
          now: this.clock.now(),
          signedInAgain,
          ...(call.retryInvalidStateMs !== undefined ? { invalidStateUntil: started + call.retryInvalidStateMs } : {}),
        });
        if (decision.retry && decision.signInAgain) {
          signedInAgain = true;
          this.options.signIn.invalidate();
        }
        return decision;
      },
      { ...DEFAULT_RETRY, ...this.options.retry },
      {
        clock: this.clock,
        ...(progress?.deadline !== undefined ? { until: progress.deadline } : {}),
        ...(progress?.signal ? { signal: progress.signal } : {}),
        ...(progress?.beforeAttempt && !call.readOnly && method !== "GET" ? { beforeAttempt: progress.beforeAttempt } : {}),
        onWait: (wait) => progress?.note(`${this.#what(method, call)}: ${wait.why}; trying again in ${formatWait(wait.ms)}`),
      },
    ).catch(unknownIfFailed);
  }

  async #json(method: Method, call: DatabricksCall): Promise<Json> {
    const response = await this.request(method, call);
    const text = response.bodyAsText ?? "";
    if (!text.trim()) return {};
    try {
      return JSON.parse(text) as Json;
    } catch {
      throw new DatabricksRequestError(this.#what(method, call), response.status, undefined, `the answer is not JSON: ${this.options.redactor.apply(text.slice(0, 200))}`);
    }
  }

  get(call: DatabricksCall): Promise<Json> {
    return this.#json("GET", call);
  }
  post(call: DatabricksCall): Promise<Json> {
    return this.#json("POST", call);
  }
  put(call: DatabricksCall): Promise<Json> {
    return this.#json("PUT", call);
  }
  patch(call: DatabricksCall): Promise<Json> {
    return this.#json("PATCH", call);
  }
  delete(call: DatabricksCall): Promise<Json> {
    return this.#json("DELETE", call);
  }

  find(call: DatabricksCall): Promise<Json | undefined> {
    return unlessMissing(() => this.get(call));
  }

  async getBytes(call: DatabricksCall): Promise<Uint8Array | undefined> {
    const response = await unlessMissing(() => this.request("GET", call, true));
    if (!response) return undefined;
    const stream = response.readableStreamBody;
    if (!stream) return new TextEncoder().encode(response.bodyAsText ?? "");
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    return new Uint8Array(Buffer.concat(chunks));
  }

  async vaultSecret(ref: VaultSecretRef, progress?: Progress): Promise<{ readonly value: string; readonly updatedOn?: number }> {
    return this.#azure("read a Key Vault secret").vaultSecret(ref, this.options.redactor, progress);
  }

  async vaultUri(vaultId: string, progress?: Progress): Promise<string> {
    return this.#azure("read a Key Vault's URI").vaultUri(vaultId, progress);
  }

  #azure(what: string): AzureAccess {
    if (!this.options.azure) throw new Error(`workspace ${this.options.workspace.name}: cannot ${what} without the Azure section (spec.azure)`);
    return this.options.azure;
  }
}
