/**
 * The blob container that holds berth's state when `spec.state.backend` is azureBlob (docs/state.md): how berth signs
 * in to it, where a platform/env's blobs are in it, and what the Blob service's answers mean to berth.
 *
 * Signing in: AZURE_STORAGE_CONNECTION_STRING when it is set (a shared key or SAS — Azurite, or an account without
 * Entra ID sign-in), checked to name the same account the spec does, so a connection string exported for another
 * purpose is never written to by mistake; otherwise the credential chain every Azure call of berth uses (service
 * principal or workload identity from the environment, then the Azure CLI), with a storage token.
 *
 * The SDK (@azure/storage-blob) is loaded on first use: commands that keep their state elsewhere never load it.
 */
import type { ContainerClient, StoragePipelineOptions } from "@azure/storage-blob";
import type { PlanBlobState } from "../../plan/step.ts";
import { ProviderUnavailable, StateStoreError } from "../provider.ts";
import { BLOB_ENDPOINT_SUFFIX, type CloudSpec, resolveCloud } from "./cloud.ts";
import { withTenant } from "./connect.ts";
import { azureCredential, type Env } from "./credential.ts";
import { isConnectionError } from "./errors.ts";

export const CONNECTION_STRING_ENV = "AZURE_STORAGE_CONNECTION_STRING";

export interface BlobStateOptions {
  readonly settings: PlanBlobState;
  /** `<platform>.<env>`: the folder of this instance's blobs. */
  readonly instance: string;
  /** The plan's Azure cloud (spec.azure.cloud): where a storage account's endpoint is, and where tokens come from. */
  readonly cloud?: CloudSpec;
  readonly tenantId?: string;
  /** Where credentials are read from (default process.env). */
  readonly env?: Env;
  /** The SDK's retries (tests of an unreachable account try once). */
  readonly retry?: StoragePipelineOptions["retryOptions"];
}

/** An answer the caller expects (absent, taken, changed since), returned instead of thrown. */
export interface BlobAnswer {
  readonly status: number;
  /** The service's error code (LeaseAlreadyPresent, BlobNotFound, ConditionNotMet…). */
  readonly code: string;
}

export const isAnswer = (value: unknown): value is BlobAnswer =>
  typeof value === "object" && value !== null && "status" in value && "code" in value && Object.keys(value).length === 2;

/**
 * Bounded like the cluster's state requests (about a lease's duration): berth's bookkeeping must not hold a run, or
 * its exit, for minutes after the storage account has gone out of reach. The SDK retries 5xx, 429 and lost connections.
 */
const PIPELINE = {
  retryOptions: { maxTries: 4, retryDelayInMs: 500, maxRetryDelayInMs: 8_000, tryTimeoutInMs: 30_000 },
  userAgentOptions: { userAgentPrefix: "berth" },
} satisfies StoragePipelineOptions;

/** What @azure/identity throws when no credential can sign in: nothing was sent. */
const SIGN_IN_ERRORS = new Set(["CredentialUnavailableError", "AuthenticationError", "AggregateAuthenticationError", "AuthenticationRequiredError"]);

const withoutQuery = (url: string): string => url.split("?")[0]!.replace(/\/+$/, "");

/** The Blob service URL the spec names: the endpoint as given, or the account's in the plan's cloud. */
export function serviceUrlOf(settings: PlanBlobState, cloud: CloudSpec | undefined): string {
  if (settings.endpoint) return withoutQuery(settings.endpoint);
  const resolved = resolveCloud(cloud);
  const suffix = BLOB_ENDPOINT_SUFFIX[resolved.name];
  if (!settings.storageAccount || !suffix) throw new StateStoreError("state.azureBlob: a custom cloud needs state.azureBlob.endpoint (its Blob endpoint cannot be derived from an account name)");
  return `https://${settings.storageAccount}.blob.${suffix}`;
}

export class BlobStateContainer {
  /** The container's URL, never with a query (a SAS token is a credential): for messages. */
  readonly url: string;
  /** Blob names of this instance start with this: `[<prefix>/]<platform>.<env>/`. */
  readonly folder: string;
  readonly #options: BlobStateOptions;
  #client: Promise<{ container: ContainerClient; signIn: string }> | undefined;
  #created: Promise<void> | undefined;

  constructor(options: BlobStateOptions) {
    this.#options = options;
    this.url = `${serviceUrlOf(options.settings, options.cloud)}/${options.settings.container}`;
    this.folder = `${options.settings.prefix ? `${options.settings.prefix}/` : ""}${options.instance}/`;
  }

  /** The full name of one of this instance's blobs. */
  name(relative: string): string {
    return `${this.folder}${relative}`;
  }

  /** A blob's URL, for messages. */
  where(relative: string): string {
    return `${this.url}/${this.name(relative)}`;
  }

  /**
   * One call to the Blob service. Answers listed in `expected` (a race, an absence) are returned as BlobAnswer; a
   * missing container is created once and the call tried again when `create` is set (writes); any other failure
   * is ProviderUnavailable (cannot reach or sign in: exit 4) or StateStoreError naming what berth was doing.
   */
  async request<T>(what: string, work: (container: ContainerClient) => Promise<T>, expected: readonly number[] = [], create = false): Promise<T | BlobAnswer> {
    const { container, signIn } = await this.#connect();
    for (let tries = 0; ; tries++) {
      try {
        return await work(container);
      } catch (error) {
        const answer = answerOf(error);
        if (create && tries === 0 && answer?.code === "ContainerNotFound") {
          await this.#createContainer(container, signIn);
          continue;
        }
        if (answer && expected.includes(answer.status)) return answer;
        throw this.#failure(what, error, answer, signIn);
      }
    }
  }

  #connect(): Promise<{ container: ContainerClient; signIn: string }> {
    this.#client ??= this.#clientOf().catch((error: unknown) => {
      this.#client = undefined;
      throw error;
    });
    return this.#client;
  }

  async #clientOf(): Promise<{ container: ContainerClient; signIn: string }> {
    const { BlobServiceClient } = await import("@azure/storage-blob");
    const pipeline: StoragePipelineOptions = { ...PIPELINE, retryOptions: { ...PIPELINE.retryOptions, ...this.#options.retry } };
    const env = this.#options.env ?? process.env;
    const { settings } = this.#options;
    const connection = env[CONNECTION_STRING_ENV];
    if (connection) {
      let service;
      try {
        service = BlobServiceClient.fromConnectionString(connection, pipeline);
      } catch {
        // The SDK's message may quote the string, which holds a key: never repeated.
        throw new StateStoreError(`${CONNECTION_STRING_ENV} is not a storage connection string (it is not shown: it holds a key)`);
      }
      const serviceUrl = withoutQuery(service.url);
      const same = settings.endpoint ? sameUrl(serviceUrl, settings.endpoint) : service.accountName === settings.storageAccount;
      if (!same)
        throw new StateStoreError(
          `${CONNECTION_STRING_ENV} is for ${serviceUrl}, and spec.state.azureBlob names ${serviceUrlOf(settings, this.#options.cloud)}: berth does not write its state to another account than the spec names. Unset ${CONNECTION_STRING_ENV} to sign in with Entra ID, or point the spec at that account`,
        );
      return { container: service.getContainerClient(settings.container), signIn: `the key or SAS of ${CONNECTION_STRING_ENV}` };
    }
    const cloud = resolveCloud(this.#options.cloud);
    const { credential, sources } = azureCredential(cloud, withTenant(env, this.#options.tenantId));
    const service = new BlobServiceClient(serviceUrlOf(settings, this.#options.cloud), credential, pipeline);
    return { container: service.getContainerClient(settings.container), signIn: sources.join(", then ") };
  }

  /** The container, made once when missing (the identity needs the right to create containers, or it is made beforehand). */
  #createContainer(container: ContainerClient, signIn: string): Promise<void> {
    this.#created ??= (async () => {
      try {
        await container.createIfNotExists();
      } catch (error) {
        this.#created = undefined;
        throw this.#failure(`create the container ${this.url} (or create it beforehand)`, error, answerOf(error), signIn);
      }
    })();
    return this.#created;
  }

  #failure(what: string, error: unknown, answer: BlobAnswer | undefined, signIn: string): Error {
    const name = (error as { name?: string }).name ?? "";
    if (SIGN_IN_ERRORS.has(name)) return new ProviderUnavailable(`cannot sign in to Azure Storage for berth's state (${this.url}): ${firstLine(error)}`);
    if (!answer) {
      if (isConnectionError(error) || /ENOTFOUND|EAI_AGAIN|REQUEST_SEND_ERROR/.test(String((error as { code?: unknown }).code ?? "")))
        return new ProviderUnavailable(`cannot reach berth's state at ${this.url}: ${firstLine(error)}`);
      return new StateStoreError(`cannot ${what} (${this.url}): ${firstLine(error)}`);
    }
    const denied = answer.status === 401 || answer.status === 403;
    const hint = denied
      ? signIn.startsWith("the key")
        ? `; check ${CONNECTION_STRING_ENV} (its key, or its SAS's permissions and expiry)`
        : `; berth signs in with ${signIn}: that identity needs the Storage Blob Data Contributor role on the container or its account (docs/state.md)`
      : "";
    return new StateStoreError(`cannot ${what} (${this.url}): ${answer.status} ${answer.code}: ${firstLine(error)}${hint}`);
  }
}

/** The status and error code of a Blob service answer; undefined when none came (no connection, no sign-in). */
export function answerOf(error: unknown): BlobAnswer | undefined {
  const e = error as { statusCode?: unknown; code?: unknown; details?: { errorCode?: unknown } };
  if (typeof e?.statusCode !== "number") return undefined;
  const code = typeof e.details?.errorCode === "string" ? e.details.errorCode : typeof e.code === "string" ? e.code : `HTTP${e.statusCode}`;
  return { status: e.statusCode, code };
}

/** The first line of an error's message (the Blob service adds RequestId and Time lines). */
const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split("\n")[0]!.trim();

const sameUrl = (a: string, b: string): boolean => withoutQuery(a).toLowerCase() === withoutQuery(b).toLowerCase();
