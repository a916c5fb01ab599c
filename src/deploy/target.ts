/** Where and how a plan is deployed: the cluster connection, the state folder, and the knobs tests turn. */
import { KubernetesProvider } from "../providers/kubernetes/provider.ts";
import type { Provider } from "../providers/provider.ts";
import type { Plan } from "../plan/step.ts";
import type { PollPolicy } from "../engine/run-steps.ts";
import { statePaths, type StatePaths } from "../engine/state-dir.ts";
import type { Clock } from "../util/clock.ts";
import type { RetryHooks, RetryPolicy } from "../util/retry.ts";

export interface DeployTarget {
  readonly stateDir: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Take over existing objects that carry no berth label. */
  readonly adopt?: boolean;
  readonly retry?: RetryPolicy;
  readonly retryHooks?: RetryHooks;
  readonly poll?: PollPolicy;
  readonly timeoutScale?: number;
  readonly concurrency?: number;
  /** The engine's and the provider's time (tests share the test API server's virtual clock). */
  readonly clock?: Clock;
}

export interface Connected {
  readonly providers: Readonly<Record<string, Provider>>;
  readonly kubernetes: KubernetesProvider;
  readonly paths: StatePaths;
}

export function connect(plan: Plan, target: DeployTarget): Connected {
  const kubernetes = new KubernetesProvider({
    platform: plan.platform,
    instance: plan.instance,
    ...(target.kubeconfig ? { kubeconfig: target.kubeconfig } : {}),
    ...(target.context ? { context: target.context } : {}),
    ...(target.adopt ? { adopt: true } : {}),
    ...(target.retry ? { retry: target.retry } : {}),
    ...(target.retryHooks ? { hooks: target.retryHooks } : {}),
    ...(target.clock ? { clock: target.clock } : {}),
  });
  return { providers: { kubernetes }, kubernetes, paths: statePaths(target.stateDir, plan.instance) };
}
