/**
 * The connection to a cluster, as kubectl makes it: KUBECONFIG (or ~/.kube/config) and its current context, or the
 * one chosen. Every request goes through `call`, which retries what is worth retrying and, once per run, reloads
 * the credentials after a 401 (an expired token from an exec plugin or a rotated file).
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { type Clock, systemClock } from "../../util/clock.ts";
import { DEFAULT_RETRY, type RetryHooks, type RetryPolicy, withRetry } from "../../util/retry.ts";
import type { Progress } from "../provider.ts";
import { classifyKubernetesError, statusOf } from "./errors.ts";
import { loadKubeConfig } from "./kubeconfig.ts";
import { KubeRest } from "./rest.ts";

export interface ConnectOptions {
  /** A kubeconfig file; default KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly retry?: RetryPolicy;
  readonly hooks?: RetryHooks;
  /** The time retries wait on and requests are marked busy on (tests run on virtual time). */
  readonly clock?: Clock;
  /** A configuration already made (from a lazy connection source): used as is instead of reading a kubeconfig file. */
  readonly config?: KubeConfig;
}

export class KubeClient {
  rest!: KubeRest;
  #config!: KubeConfig;
  #refreshed = false;

  readonly clock: Clock;

  constructor(private readonly options: ConnectOptions) {
    this.clock = options.clock ?? systemClock;
    this.#load();
  }

  get server(): string {
    return this.#config.getCurrentCluster()?.server ?? "(no cluster)";
  }

  get context(): string {
    return this.#config.getCurrentContext();
  }

  #load(): void {
    this.#config = this.options.config ?? loadKubeConfig(this.options);
    this.rest = new KubeRest(this.#config, this.clock);
  }

  async version(): Promise<string> {
    const v = await this.call(() => this.rest.request<{ gitVersion: string }>("GET", "/version"), { tries: 2 });
    return v.gitVersion;
  }

  /**
   * One request with the retry policy; `overrides` narrows it (preflight gives up sooner). With a step's `progress`,
   * every wait is told to the user, no wait ends past the step's deadline, the step's signal ends a wait at once and
   * its beforeAttempt runs before every try (so a retried write never lands after the lock is lost).
   */
  async call<T>(request: () => Promise<T>, overrides: Partial<RetryPolicy> = {}, progress?: Progress): Promise<T> {
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
      {
        ...this.options.hooks,
        clock: this.clock,
        ...(progress?.deadline !== undefined ? { until: progress.deadline } : {}),
        ...(progress?.signal ? { signal: progress.signal } : {}),
        ...(progress?.beforeAttempt ? { beforeAttempt: progress.beforeAttempt } : {}),
        onWait: (wait) => {
          progress?.note(`${wait.why}; trying again in ${formatWait(wait.ms)}`);
          this.options.hooks?.onWait?.(wait);
        },
      },
    );
  }
}

export const isNotFound = (error: unknown): boolean => statusOf(error) === 404;

const formatWait = (ms: number): string => (ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`);
