/**
 * One generic client for Azure Resource Manager over the official pipeline (@azure/core-rest-pipeline): bearer tokens
 * from the chosen credential, JSON in and out, ARM's error body turned into AzureRequestError, retries by the table in
 * retry-rules.ts on berth's clock, long-running operations followed to the end (lro.ts). Types differ only in data
 * (types.ts), so there is no client class per resource provider. The pipeline has no retry policy of its own: retries
 * must honour the step's deadline, signal and lock check, which only berth knows.
 */
import type { TokenCredential } from "@azure/core-auth";
import { bearerTokenAuthenticationPolicy, createDefaultHttpClient, createEmptyPipeline, createHttpHeaders, createPipelineRequest, type HttpClient, type Pipeline, userAgentPolicy } from "@azure/core-rest-pipeline";
import { type Clock, systemClock } from "../../util/clock.ts";
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from "../../util/retry.ts";
import type { Progress } from "../provider.ts";
import { type AzureCloud, armScope } from "./cloud.ts";
import { armErrorOf, AzureRequestError, isConnectionError } from "./errors.ts";
import { followOperation, type LroOptions } from "./lro.ts";
import { classifyArmError } from "./retry-rules.ts";

export type Json = Record<string, any>;
export type Method = "GET" | "PUT" | "PATCH" | "DELETE" | "POST";

export interface ArmResponse {
  readonly status: number;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Json | undefined;
}

export interface ArmClientOptions {
  readonly cloud: AzureCloud;
  readonly credential: TokenCredential;
  readonly subscriptionId: string;
  readonly clock?: Clock;
  /** The transport (tests pass an in-process one); default Node's https, which honours NODE_EXTRA_CA_CERTS and proxies. */
  readonly httpClient?: HttpClient;
  readonly retry?: RetryPolicy;
  /** Waits between polls of a long-running operation that sends no Retry-After. */
  readonly pollIntervalMs?: number;
  /**
   * Another service answering in ARM's manner (the Key Vault data plane: same error body, same retry rules) is reached
   * with a token for its own scope, by full URLs; `service` names it in messages.
   */
  readonly scope?: string;
  readonly service?: string;
}

export interface RequestOptions {
  /** Added as `api-version` unless the path is a full URL (ARM's polling URLs carry their own). */
  readonly apiVersion?: string;
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string>>;
  /** What is being done, for messages: "PUT Microsoft.KeyVault/vaults kv-meta". */
  readonly operation: string;
  readonly progress?: Progress;
  /** Lost connections are retried only when repeating the request is harmless (default: every method but POST). */
  readonly idempotent?: boolean;
  /** A read made while waiting (a poll): runs no lock check, since it changes nothing. */
  readonly readOnly?: boolean;
  /** Narrows the retry policy (preflight gives up after a couple of tries). */
  readonly retry?: Partial<RetryPolicy>;
}

/** What @azure/identity throws when no credential can sign in: nothing was sent to ARM. */
const SIGN_IN_ERRORS = new Set(["CredentialUnavailableError", "AuthenticationError", "AggregateAuthenticationError", "AuthenticationRequiredError"]);

const REQUEST_TIMEOUT_MS = 60_000;

export class ArmClient {
  readonly clock: Clock;
  readonly #pipeline: Pipeline;
  readonly #http: HttpClient;

  constructor(readonly options: ArmClientOptions) {
    this.clock = options.clock ?? systemClock;
    this.#http = options.httpClient ?? createDefaultHttpClient();
    this.#pipeline = createEmptyPipeline();
    this.#pipeline.addPolicy(userAgentPolicy({ userAgentPrefix: "berth" }));
    this.#pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: options.credential, scopes: options.scope ?? armScope(options.cloud) }));
  }

  get endpoint(): string {
    return this.options.cloud.resourceManager;
  }

  get subscriptionId(): string {
    return this.options.subscriptionId;
  }

  /** `/subscriptions/<id>` */
  get subscriptionPath(): string {
    return `/subscriptions/${this.options.subscriptionId}`;
  }

  urlOf(path: string, apiVersion: string | undefined, query: Readonly<Record<string, string>> = {}): string {
    if (/^https?:\/\//i.test(path)) return path;
    const base = `${this.endpoint}${path.startsWith("/") ? "" : "/"}${path}`;
    // Written by hand rather than with URLSearchParams, which would send `$filter` as `%24filter` and spaces as `+`:
    // ARM's OData parameters are sent as the Azure SDKs send them.
    const params = [...Object.entries(query), ...(apiVersion ? [["api-version", apiVersion] as const] : [])].map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
    return params.length ? `${base}${base.includes("?") ? "&" : "?"}${params.join("&")}` : base;
  }

  /** One try: a 2xx answer, or AzureRequestError. */
  async send(method: Method, path: string, options: RequestOptions): Promise<ArmResponse> {
    // The request's own time limit is an abort berth clears itself: the pipeline's `timeout` leaves its timer running
    // when the request is aborted, which kept a failed or interrupted `berth up` alive for a minute after it ended.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), REQUEST_TIMEOUT_MS);
    timer.unref();
    const request = createPipelineRequest({
      url: this.urlOf(path, options.apiVersion, options.query),
      method,
      headers: createHttpHeaders({ Accept: "application/json", ...(options.body !== undefined ? { "Content-Type": "application/json" } : {}) }),
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      abortSignal: options.progress?.signal ? AbortSignal.any([options.progress.signal, timeout.signal]) : timeout.signal,
    });
    let response;
    try {
      response = await this.clock.busy(this.#pipeline.sendRequest(this.#http, request));
    } catch (error) {
      if (options.progress?.signal?.aborted) throw options.progress.signal.reason;
      const name = (error as { name?: string }).name ?? "";
      if (SIGN_IN_ERRORS.has(name)) throw new AzureRequestError(options.operation, 401, { code: "SignInFailed", message: `cannot sign in to Azure: ${(error as Error).message.split("\n")[0]}` }, {}, false, { cause: error });
      const lost = isConnectionError(error) || name === "AbortError";
      throw new AzureRequestError(options.operation, undefined, { message: lost ? `the connection to ${this.options.service ?? "Azure Resource Manager"} was lost` : (error as Error).message }, {}, lost, { cause: error });
    } finally {
      clearTimeout(timer);
    }
    const headers = response.headers.toJSON({ preserveCase: false });
    const text = response.bodyAsText ?? "";
    if (response.status >= 200 && response.status < 300) {
      let body: Json | undefined;
      try {
        body = text ? (JSON.parse(text) as Json) : undefined;
      } catch {
        throw new AzureRequestError(options.operation, response.status, { message: `the answer is not JSON: ${text.slice(0, 200)}` }, headers);
      }
      return { status: response.status, headers, body };
    }
    throw new AzureRequestError(options.operation, response.status, armErrorOf(text, `HTTP ${response.status}`), headers);
  }

  /** One request with the retry table: waits told to the step, bounded by its deadline, ended by its signal. */
  request(method: Method, path: string, options: RequestOptions): Promise<ArmResponse> {
    const progress = options.progress;
    const idempotent = options.idempotent ?? method !== "POST";
    const policy = { ...DEFAULT_RETRY, ...this.options.retry, ...options.retry };
    return withRetry(
      () => this.send(method, path, options),
      (error) => classifyArmError(error, idempotent, this.clock.now()),
      policy,
      {
        clock: this.clock,
        ...(progress?.deadline !== undefined ? { until: progress.deadline } : {}),
        ...(progress?.signal ? { signal: progress.signal } : {}),
        ...(progress?.beforeAttempt && !options.readOnly ? { beforeAttempt: progress.beforeAttempt } : {}),
        onWait: (wait) => progress?.note(`${options.operation}: ${wait.why}; trying again in ${formatWait(wait.ms)}`),
      },
    );
  }

  /** The resource, or undefined when ARM answers 404. */
  async get(path: string, apiVersion: string, operation: string, progress?: Progress): Promise<Json | undefined> {
    try {
      return (await this.request("GET", path, { apiVersion, operation, readOnly: true, ...(progress ? { progress } : {}) })).body ?? {};
    } catch (error) {
      if (error instanceof AzureRequestError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Every page of a list (`value` and `nextLink`). */
  async list(path: string, apiVersion: string, operation: string, query: Readonly<Record<string, string>> = {}): Promise<Json[]> {
    const out: Json[] = [];
    let next: string | undefined = path;
    let first = true;
    while (next) {
      const page: ArmResponse = await this.request("GET", next, { ...(first ? { apiVersion, query } : {}), operation, readOnly: true });
      out.push(...((page.body?.value as Json[] | undefined) ?? []));
      next = page.body?.nextLink as string | undefined;
      first = false;
    }
    return out;
  }

  /** PUT and follow the operation to its end: the resource as ARM then shows it. */
  async put(path: string, apiVersion: string, body: unknown, operation: string, progress?: Progress): Promise<Json> {
    const response = await this.request("PUT", path, { apiVersion, body, operation, ...(progress ? { progress } : {}) });
    return (await followOperation(this, "PUT", path, apiVersion, response, this.#lro(operation, progress))) ?? {};
  }

  async patch(path: string, apiVersion: string, body: unknown, operation: string, progress?: Progress): Promise<Json> {
    const response = await this.request("PATCH", path, { apiVersion, body, operation, ...(progress ? { progress } : {}) });
    return (await followOperation(this, "PATCH", path, apiVersion, response, this.#lro(operation, progress))) ?? {};
  }

  /** DELETE and wait until it is gone; false when it was not there. */
  async delete(path: string, apiVersion: string, operation: string, progress?: Progress): Promise<boolean> {
    let response: ArmResponse;
    try {
      response = await this.request("DELETE", path, { apiVersion, operation, ...(progress ? { progress } : {}) });
    } catch (error) {
      if (error instanceof AzureRequestError && error.status === 404) return false;
      throw error;
    }
    if (response.status === 204) return false;
    await followOperation(this, "DELETE", path, apiVersion, response, this.#lro(operation, progress));
    return true;
  }

  /** POST an action (listClusterUserCredential, purge) and follow it when ARM answers 202. */
  async post(path: string, apiVersion: string, body: unknown, operation: string, progress?: Progress, idempotent = false): Promise<Json | undefined> {
    const response = await this.request("POST", path, { apiVersion, operation, idempotent, ...(body !== undefined ? { body } : {}), ...(progress ? { progress } : {}) });
    return followOperation(this, "POST", path, apiVersion, response, this.#lro(operation, progress));
  }

  #lro(operation: string, progress: Progress | undefined): LroOptions {
    return { operation, intervalMs: this.options.pollIntervalMs ?? 5_000, ...(progress ? { progress } : {}) };
  }
}

export const formatWait = (ms: number): string => (ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`);
