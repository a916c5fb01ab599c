/**
 * Deployment order as data. Every kind belongs to a phase; rules say which phases come before which, either for
 * the whole platform or only within one namespace. Needs derived from connections (DesiredResource.needs) come on
 * top: they are what orders the stateful core before the apps that use it without serialising unrelated parts.
 */
export const PHASES = ["crds", "namespaces", "rbac", "config", "storage", "network", "core", "apps", "jobs", "verification", "prune"] as const;
export type Phase = (typeof PHASES)[number];

/** Kinds not listed are "apps": they sit beside the workloads they describe (PDB, HPA, Ingress, monitors…). */
export const PHASE_OF_KIND: Readonly<Record<string, Phase>> = {
  CustomResourceDefinition: "crds",
  Namespace: "namespaces",
  ServiceAccount: "rbac",
  Role: "rbac",
  RoleBinding: "rbac",
  ClusterRole: "rbac",
  ClusterRoleBinding: "rbac",
  ConfigMap: "config",
  Secret: "config",
  PersistentVolumeClaim: "storage",
  StorageClass: "storage",
  Service: "network",
  NetworkPolicy: "network",
  StatefulSet: "core",
  Deployment: "apps",
  DaemonSet: "apps",
  CronJob: "apps",
  Job: "jobs",
};

export const phaseOfKind = (kind: string): Phase => PHASE_OF_KIND[kind] ?? "apps";

export interface OrderingRule {
  /** Steps in these phases… */
  readonly first: readonly Phase[];
  /** …are done before steps in these phases ("*" = every later phase)… */
  readonly then: readonly Phase[] | "*";
  /** …across the platform, or only when both are in the same namespace (cluster-scoped steps count as everywhere). */
  readonly scope: "platform" | "namespace";
  readonly why: string;
}

/** What a rule needs to know of a step: its phase, and its namespace (a Namespace's own name; none when cluster-scoped). */
export interface Ordered {
  readonly phase: Phase;
  readonly namespace: string | undefined;
}

export const scopeOf = (o: { readonly kind: string; readonly name: string; readonly namespace?: string }): string | undefined => (o.kind === "Namespace" ? o.name : o.namespace);

/** Whether `rule` puts `first` before `then`: both creating (as is) and deleting (reversed) read it this way. */
export function orders(rule: OrderingRule, first: Ordered, then: Ordered): boolean {
  if (!rule.first.includes(first.phase)) return false;
  const later = rule.then === "*" ? PHASES.indexOf(then.phase) > Math.max(...rule.first.map((p) => PHASES.indexOf(p))) : rule.then.includes(then.phase);
  return later && (rule.scope === "platform" || first.namespace === undefined || then.namespace === undefined || first.namespace === then.namespace);
}

export const ORDERING_RULES: readonly OrderingRule[] = [
  { first: ["crds"], then: "*", scope: "platform", why: "custom resources need their definitions served" },
  { first: ["namespaces"], then: "*", scope: "namespace", why: "objects are created inside their namespace" },
  { first: ["rbac", "config", "storage"], then: ["core", "apps", "jobs"], scope: "namespace", why: "pods start only with their ServiceAccount, config, secrets and claims in place" },
  { first: ["network"], then: ["core", "apps", "jobs"], scope: "namespace", why: "peers resolve Services and pass NetworkPolicies from their first attempt" },
];

/**
 * How long a step may take to become ready before it fails, per kind (ms). Jobs run user work; claims that stay
 * unbound this long will not bind by waiting.
 */
export const TIMEOUT_MS: Readonly<Record<string, number>> = {
  CustomResourceDefinition: 60_000,
  Namespace: 60_000,
  PersistentVolumeClaim: 300_000,
  StatefulSet: 900_000,
  Deployment: 600_000,
  DaemonSet: 600_000,
  Job: 1_800_000,
  Ingress: 600_000,
};
export const DEFAULT_TIMEOUT_MS = 120_000;
