/**
 * The connection to a cluster, as kubectl makes it: KUBECONFIG (or ~/.kube/config) and its current context, or the
 * one chosen. Every request goes through `call`, which retries what is worth retrying and, once per run, reloads
 * the credentials after a 401 (an expired token from an exec plugin or a rotated file).
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { DEFAULT_RETRY, type RetryHooks, type RetryPolicy, withRetry } from "../../util/retry.ts";
import { classifyKubernetesError, statusOf } from "./errors.ts";
import { loadKubeConfig } from "./kubeconfig.ts";
import { KubeRest } from "./rest.ts";

export interface ConnectOptions {
  /** A kubeconfig file; default KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly retry?: RetryPolicy;
  readonly hooks?: RetryHooks;
}

export class KubeClient {
  rest!: KubeRest;
  #config!: KubeConfig;
  #refreshed = false;

  constructor(private readonly options: ConnectOptions) {
    this.#load();
  }

  get server(): string {
    return this.#config.getCurrentCluster()?.server ?? "(no cluster)";
  }

  get context(): string {
    return this.#config.getCurrentContext();
  }

  #load(): void {
    this.#config = loadKubeConfig(this.options);
    this.rest = new KubeRest(this.#config);
  }

  async version(): Promise<string> {
    const v = await this.call(() => this.rest.request<{ gitVersion: string }>("GET", "/version"), { tries: 2 });
    return v.gitVersion;
  }

  /** One request with the retry policy; `overrides` narrows it (preflight gives up sooner). */
  async call<T>(request: () => Promise<T>, overrides: Partial<RetryPolicy> = {}): Promise<T> {
    const policy = { ...DEFAULT_RETRY, ...this.options.retry, ...overrides };
    return withRetry(
      async () => {
        try {
          return await request();
        } catch (error) {
          if (statusOf(error) === 401 && !this.#refreshed) {
            this.#refreshed = true;
            this.#load();
            return await request();
          }
          throw error;
        }
      },
      classifyKubernetesError,
      policy,
      this.options.hooks,
    );
  }
}

export const isNotFound = (error: unknown): boolean => statusOf(error) === 404;
