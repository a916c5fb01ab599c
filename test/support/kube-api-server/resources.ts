/** The table of served resources: built-in kinds plus the kinds of Established CustomResourceDefinitions. */
import type { Obj } from "./types.ts";

export interface ResourceDef {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** writes to the main resource keep the stored status (status subresource) */
  statusSubresource: boolean;
  /** objects carry metadata.generation */
  generation: boolean;
  /** extra subresources listed in discovery, e.g. "log" */
  subresources?: string[];
  verbs?: string[];
}

export const ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

type Row = [group: string, version: string, kind: string, plural: string, namespaced: boolean, status: boolean, generation: boolean, shortNames?: string[], categories?: string[], sub?: string[]];

const ALL = ["all"];
// prettier-ignore
const BUILTINS: Row[] = [
  ["", "v1", "Namespace", "namespaces", false, true, false, ["ns"]],
  ["", "v1", "Node", "nodes", false, true, false, ["no"]],
  ["", "v1", "ServiceAccount", "serviceaccounts", true, false, false, ["sa"]],
  ["", "v1", "ConfigMap", "configmaps", true, false, false, ["cm"]],
  ["", "v1", "Secret", "secrets", true, false, false],
  ["", "v1", "Service", "services", true, true, false, ["svc"], ALL],
  ["", "v1", "Endpoints", "endpoints", true, false, false, ["ep"]],
  ["", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, true, false, ["pvc"]],
  ["", "v1", "PersistentVolume", "persistentvolumes", false, true, false, ["pv"]],
  ["", "v1", "Pod", "pods", true, true, false, ["po"], ALL, ["log"]],
  ["", "v1", "Event", "events", true, false, false, ["ev"]],
  ["", "v1", "ResourceQuota", "resourcequotas", true, true, false, ["quota"]],
  ["", "v1", "LimitRange", "limitranges", true, false, false, ["limits"]],
  ["apps", "v1", "Deployment", "deployments", true, true, true, ["deploy"], ALL, ["scale"]],
  ["apps", "v1", "StatefulSet", "statefulsets", true, true, true, ["sts"], ALL, ["scale"]],
  ["apps", "v1", "DaemonSet", "daemonsets", true, true, true, ["ds"], ALL],
  ["apps", "v1", "ReplicaSet", "replicasets", true, true, true, ["rs"], ALL, ["scale"]],
  ["batch", "v1", "Job", "jobs", true, true, true, undefined, ALL],
  ["batch", "v1", "CronJob", "cronjobs", true, true, true, ["cj"], ALL],
  ["networking.k8s.io", "v1", "Ingress", "ingresses", true, true, true, ["ing"]],
  ["networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, false, true, ["netpol"]],
  ["networking.k8s.io", "v1", "IngressClass", "ingressclasses", false, false, false],
  ["rbac.authorization.k8s.io", "v1", "Role", "roles", true, false, false],
  ["rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, false, false],
  ["rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, false, false],
  ["rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, false, false],
  ["policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, true, true, ["pdb"]],
  ["autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, true, false, ["hpa"], ALL],
  ["apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, true, true, ["crd", "crds"]],
  ["storage.k8s.io", "v1", "StorageClass", "storageclasses", false, false, false, ["sc"]],
  ["storage.k8s.io", "v1", "CSIDriver", "csidrivers", false, false, false],
  ["scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false, false, false, ["pc"]],
  // Leases have no status subresource: holders write spec.renewTime with an update carrying the resourceVersion.
  ["coordination.k8s.io", "v1", "Lease", "leases", true, false, false],
];

const fromRow = ([group, version, kind, plural, namespaced, status, generation, shortNames, categories, sub]: Row): ResourceDef => ({
  group,
  version,
  kind,
  plural,
  singular: kind.toLowerCase(),
  namespaced,
  statusSubresource: status,
  generation,
  ...(shortNames ? { shortNames } : {}),
  ...(categories ? { categories } : {}),
  ...(sub ? { subresources: sub } : {}),
});

export const BUILTIN_RESOURCES: readonly ResourceDef[] = BUILTINS.map(fromRow);

export const groupOf = (apiVersion: string): string => (apiVersion.includes("/") ? apiVersion.split("/")[0]! : "");
export const versionOf = (apiVersion: string): string => (apiVersion.includes("/") ? apiVersion.split("/")[1]! : apiVersion);
export const apiVersionOf = (d: { group: string; version: string }): string => (d.group ? `${d.group}/${d.version}` : d.version);

/** Resources served by one CustomResourceDefinition object (every served version). */
export function resourcesOfCrd(crd: Obj): ResourceDef[] {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  const versions: Obj[] = Array.isArray(spec.versions) ? spec.versions : [];
  return versions
    .filter((v) => v.served !== false)
    .map((v) => ({
      group: String(spec.group),
      version: String(v.name),
      kind: String(names.kind),
      plural: String(names.plural),
      singular: String(names.singular ?? String(names.kind).toLowerCase()),
      namespaced: spec.scope !== "Cluster",
      ...(names.shortNames ? { shortNames: names.shortNames as string[] } : {}),
      ...(names.categories ? { categories: names.categories as string[] } : {}),
      statusSubresource: Boolean(v.subresources?.status),
      generation: true,
    }));
}

export const isEstablished = (crd: Obj): boolean =>
  Array.isArray(crd.status?.conditions) && crd.status.conditions.some((c: Obj) => c.type === "Established" && c.status === "True");

/** Looks resources up by group/version/plural or group/kind; CRD kinds come from a callback onto the store. */
export class Registry {
  private readonly crdSource: () => Obj[];
  constructor(crdSource: () => Obj[]) {
    this.crdSource = crdSource;
  }
  all(): ResourceDef[] {
    const crds = this.crdSource().filter(isEstablished).flatMap(resourcesOfCrd);
    return [...BUILTIN_RESOURCES, ...crds];
  }
  byPlural(group: string, version: string, plural: string): ResourceDef | undefined {
    return this.all().find((r) => r.group === group && r.version === version && r.plural === plural);
  }
  byKind(group: string, kind: string, version?: string): ResourceDef | undefined {
    const all = this.all();
    return (
      all.find((r) => r.group === group && r.kind === kind && (version === undefined || r.version === version)) ??
      BUILTIN_RESOURCES.find((r) => r.group === group && r.kind === kind)
    );
  }
  /** Any definition of this group/kind, served or not (for objects whose CRD went away). */
  known(group: string, kind: string): ResourceDef | undefined {
    return this.byKind(group, kind) ?? this.crdSource().flatMap(resourcesOfCrd).find((r) => r.group === group && r.kind === kind);
  }
}
