/**
 * What every kind module needs of a workspace's REST API: one request at a time with the retry table applied, errors
 * as DatabricksRequestError (the `error_code` and message the workspace sent). The client (client.ts) implements it;
 * kind modules never see tokens, hosts or retries.
 */
import type { Progress } from "../provider.ts";

export type Json = Record<string, any>;

export interface DatabricksCall {
  /** `/api/2.1/clusters/get`: the path under the workspace URL. */
  readonly path: string;
  /** Query parameters; a list is sent as the parameter repeated (`filter_by.cluster_sources=UI&filter_by.cluster_sources=API`). */
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: unknown;
  /** A raw body (Files API uploads): sent as application/octet-stream. */
  readonly raw?: Uint8Array;
  /** What is being done, for messages: "create cluster etl". */
  readonly operation: string;
  readonly progress?: Progress;
  /**
   * Repeating it is harmless (default: GET, and POSTs of the kind's idempotent writes such as edit, reset, import
   * with overwrite). A non-idempotent create (clusters/create, jobs/create) is never retried after a lost connection
   * or a 5xx, only after an answer proving it did not happen (429).
   */
  readonly idempotent?: boolean;
  /** Retry INVALID_STATE (an edit during a cluster transition) within this many ms. */
  readonly retryInvalidStateMs?: number;
  /** A read made while waiting: no lock check before it. */
  readonly readOnly?: boolean;
}

export interface DatabricksApi {
  /** The workspace, for messages: `main (https://adb-1.2.azuredatabricks.net)`. */
  readonly describe: string;
  /** The workspace URL, for run page links. */
  readonly host: string;
  get(call: DatabricksCall): Promise<Json>;
  post(call: DatabricksCall): Promise<Json>;
  put(call: DatabricksCall): Promise<Json>;
  patch(call: DatabricksCall): Promise<Json>;
  delete(call: DatabricksCall): Promise<Json>;
  /** A GET whose "missing" answers (404 RESOURCE_DOES_NOT_EXIST, 400 INVALID_PARAMETER_VALUE "… does not exist") give undefined. */
  find(call: DatabricksCall): Promise<Json | undefined>;
  /** Raw bytes of a GET (Files API downloads, workspace export with direct_download). */
  getBytes(call: DatabricksCall): Promise<Uint8Array | undefined>;
  /** Reads a vault secret's value with the deploying Azure credential (secret scope values): never logged, redacted everywhere. */
  vaultSecret(ref: { readonly vaultId: string; readonly secret: string }, progress?: Progress): Promise<{ readonly value: string; readonly updatedOn?: number }>;
  /** A vault's URI (properties.vaultUri, read from ARM): a Key Vault-backed scope's `dns_name`. */
  vaultUri(vaultId: string, progress?: Progress): Promise<string>;
  /** The Entra credential kind of the workspace sign-in: a Key Vault-backed scope can only be made with one. */
  readonly entra: boolean;
}

/** A request the workspace refused: status, Databricks' error_code and message. */
export class DatabricksRequestError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number | undefined,
    readonly errorCode: string | undefined,
    readonly serverMessage: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /** The connection was lost: whether the request happened is unknown. */
    readonly connectionLost = false,
    /** A 5xx answer to a create that is not repeated: the workspace may have made it all the same. */
    readonly answeredUnknown = false,
  ) {
    super(`${operation}: ${status ?? "no answer"}${errorCode ? ` ${errorCode}` : ""}: ${serverMessage}`);
  }

  /** Whether the request may have happened although it failed: the next run must look before doing it again. */
  get outcomeUnknown(): boolean {
    return this.connectionLost || this.answeredUnknown;
  }
}

/** Databricks says "missing" two ways: 404 RESOURCE_DOES_NOT_EXIST, and 400 INVALID_PARAMETER_VALUE "… does not exist". */
export const isMissing = (error: unknown): boolean =>
  error instanceof DatabricksRequestError &&
  (error.status === 404 || error.errorCode === "RESOURCE_DOES_NOT_EXIST" || (error.status === 400 && error.errorCode === "INVALID_PARAMETER_VALUE" && /does not exist/i.test(error.serverMessage)));

/** The work's answer, or undefined when Databricks says what it asked about is missing; any other error is thrown. */
export async function unlessMissing<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** Whether a delete deleted anything: false when it was already gone (a retry, or a delete made by hand). */
export const deletedUnlessMissing = async (work: () => Promise<unknown>): Promise<boolean> => (await unlessMissing(async () => (await work(), true))) ?? false;
