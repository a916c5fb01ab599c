/**
 * Deployment order as data. Every step belongs to a phase; a provider's rules say which phases come before which,
 * either for the whole platform or only within one container (a Kubernetes namespace). The phases and rules of
 * each provider are in its planning module (src/providers/<name>/planning.ts). Needs derived from connections
 * (DesiredResource.needs) and from output tokens come on top: they are what orders the stateful core before the
 * apps that use it without serialising unrelated parts.
 */
export const PHASES = ["crds", "namespaces", "rbac", "config", "storage", "network", "core", "apps", "jobs", "access", "verification", "prune"] as const;
export type Phase = (typeof PHASES)[number];

export interface OrderingRule {
  /** Steps in these phases… */
  readonly first: readonly Phase[];
  /** …are done before steps in these phases ("*" = every later phase)… */
  readonly then: readonly Phase[] | "*";
  /** …across the platform, or only when both are in the same namespace (cluster-scoped steps count as everywhere). */
  readonly scope: "platform" | "namespace";
  readonly why: string;
}

/** What a rule needs to know of a step: its phase, and its container (a Namespace's own name; none when cluster-scoped). */
export interface Ordered {
  readonly phase: Phase;
  readonly namespace: string | undefined;
}

/** Whether `rule` puts `first` before `then`: both creating (as is) and deleting (reversed) read it this way. */
export function orders(rule: OrderingRule, first: Ordered, then: Ordered): boolean {
  if (!rule.first.includes(first.phase)) return false;
  const later = rule.then === "*" ? PHASES.indexOf(then.phase) > Math.max(...rule.first.map((p) => PHASES.indexOf(p))) : rule.then.includes(then.phase);
  return later && (rule.scope === "platform" || first.namespace === undefined || then.namespace === undefined || first.namespace === then.namespace);
}

export const DEFAULT_TIMEOUT_MS = 120_000;
