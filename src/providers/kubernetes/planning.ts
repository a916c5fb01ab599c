/**
 * Kubernetes' planning data: the phase of each kind, the ordering rules between them, how long each may take, how
 * objects are named, and which hold data (claims, generated credentials and the namespaces holding either —
 * deleting a namespace deletes every claim in it, berth's label or not). Pure: no client is loaded here.
 */
import { DEFAULT_TIMEOUT_MS, type Ordered, type OrderingRule, type Phase } from "../../plan/ordering.ts";
import { describeRef, type ObjectRef, refKey, refOf, type StepAction } from "../../plan/step.ts";
import type { DesiredResource } from "../../resources/desired.ts";
import { type KubeObject } from "../../resources/kube-object.ts";
import { LABEL } from "../../resources/labels.ts";
import type { ProviderPlanning } from "../planning.ts";
import type { OwnedObject } from "../provider.ts";

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
  // What makes Secrets for pods (docs/design/0011): in place before the pods that read them start.
  SecretProviderClass: "config",
  SecretStore: "config",
  ExternalSecret: "config",
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

/** A Namespace contains itself (its own name); a namespaced object its namespace; a cluster-scoped one none. */
export const scopeOf = (o: { readonly kind: string; readonly name: string; readonly namespace?: string }): string | undefined => (o.kind === "Namespace" ? o.name : o.namespace);

/** Every object carries the instance label: it is how `up` finds what to prune and `down` what to remove. */
export function withInstanceLabel(object: KubeObject, instance: string): KubeObject {
  return { ...object, metadata: { ...object.metadata, labels: { ...object.metadata.labels, [LABEL.instance]: instance } } };
}

/** The object a Kubernetes action acts on. */
function refOfAction(action: StepAction): ObjectRef {
  if (action.type === "apply") return refOf(action.object);
  if (action.type === "generate-secret" || action.type === "require-secret" || action.type === "delete") return action.ref;
  throw new Error(`a Kubernetes step cannot ${action.type}`);
}

function heldIn(ref: ObjectRef, owned: readonly OwnedObject[]): string {
  if (ref.kind !== "Namespace") return "";
  const held = owned.filter((o) => o.holdsData && o.ref.namespace === ref.name);
  const claims = held.filter((o) => o.ref.kind === "PersistentVolumeClaim").length;
  const secrets = held.length - claims;
  return [claims ? `${claims} claim${claims === 1 ? "" : "s"}` : "", secrets ? `${secrets} generated credential${secrets === 1 ? "" : "s"}` : ""].filter(Boolean).join(", ");
}

export const kubernetesPlanning: ProviderPlanning = {
  provider: "kubernetes",
  onCluster: true,
  stepFor(resource: DesiredResource, instance: string) {
    if (resource.provider !== "kubernetes") throw new Error(`${resource.key} is not a Kubernetes resource`);
    const object = withInstanceLabel(resource.object, instance);
    return { title: `apply ${describeRef(refOf(object))}`, action: { type: "apply", object } };
  },
  impliedNeeds: () => [],
  phaseOf: (action) => phaseOfKind(refOfAction(action).kind),
  timeoutMs: (action) => TIMEOUT_MS[refOfAction(action).kind] || DEFAULT_TIMEOUT_MS,
  ordered(action): Ordered {
    const ref = refOfAction(action);
    return { phase: phaseOfKind(ref.kind), namespace: scopeOf(ref) };
  },
  orderingRules: ORDERING_RULES,
  keyOf: (owned) => refKey(owned.ref),
  describe: describeRef,
  removal: (owned) => ({ type: "delete", ref: owned.ref }),
  containerOf: (owned) => (owned.ref.namespace ? refKey({ apiVersion: "v1", kind: "Namespace", name: owned.ref.namespace }) : undefined),
  dataHolders(owned) {
    const namespaces = new Set(owned.filter((o) => o.holdsData).map((o) => o.ref.namespace));
    return new Set(owned.filter((o) => o.holdsData || (o.ref.kind === "Namespace" && namespaces.has(o.ref.name))).map((o) => refKey(o.ref)));
  },
  holds: heldIn,
};
