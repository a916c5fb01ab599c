/** Where and how a plan is deployed: the cluster connection, where berth keeps its lock and history, and the knobs tests turn. */
import { KubernetesProvider } from "../providers/kubernetes/provider.ts";
import type { Provider } from "../providers/provider.ts";
import type { Plan } from "../plan/step.ts";
import type { PollPolicy } from "../engine/run-steps.ts";
import type { LeaseOptions } from "../engine/lock.ts";
import { statePaths, type StatePaths } from "../engine/state-dir.ts";
import { KubeLeaseStore, KubeRevisionStore, StateNamespace } from "../providers/kubernetes/state-store.ts";
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
  readonly concurrency?: number;
  /** Namespace of the lock (a Lease) and the history (Secrets); default berth-system. */
  readonly stateNamespace?: string;
  /** Revisions kept in the cluster; older ones are deleted after each run (0 keeps all). Default 10. */
  readonly historyMax?: number;
  /** The lease's duration and clock (tests step the clock instead of waiting). */
  readonly lease?: LeaseOptions;
  /** The engine's and the provider's time (tests share the test API server's virtual clock). */
  readonly clock?: Clock;
}

export interface Connected {
  readonly providers: Readonly<Record<string, Provider>>;
  readonly kubernetes: KubernetesProvider;
  readonly paths: StatePaths;
  readonly lease: KubeLeaseStore;
  readonly revisions: KubeRevisionStore;
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
  const ns = new StateNamespace(kubernetes.client, target.stateNamespace);
  return {
    providers: { kubernetes },
    kubernetes,
    paths: statePaths(target.stateDir, plan.instance),
    lease: new KubeLeaseStore(ns, plan.instance),
    revisions: new KubeRevisionStore(ns, plan.instance),
  };
}

/** The engine's knobs a target sets (tests: virtual clock, polling), passed the same way by every deploying command. */
export function engineSettings(target: DeployTarget) {
  return {
    ...(target.poll ? { poll: target.poll } : {}),
    ...(target.concurrency ? { concurrency: target.concurrency } : {}),
    ...(target.clock ? { clock: target.clock } : {}),
  };
}
