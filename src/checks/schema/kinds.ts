/**
 * What the API server asks of each kind's objects, apart from their schema: whether they live in a namespace, and
 * which rule their names follow. Kinds of custom resources take their scope from a CustomResourceDefinition among the
 * objects when there is one; the few CRD kinds berth emits itself are listed.
 */
import type { KubeDesired } from "../../resources/kube-object.ts";
import { type CheckInput, oncePerInput } from "../check.ts";

/**
 * How the API server validates a name (apimachinery's ValidateObjectMeta name functions):
 * - `dns-subdomain`: RFC 1123 subdomain, lower-case alphanumerics, '-' and '.', at most 253 characters (most kinds);
 * - `dns-label`: RFC 1123 label, no '.', at most 63 (Namespace);
 * - `dns-1035-label`: a label that starts with a letter (Service);
 * - `path-segment`: anything but "." and ".." without '/' or '%' (RBAC roles and bindings, so `system:controller:x`).
 */
export type NameRule = "dns-subdomain" | "dns-label" | "dns-1035-label" | "path-segment";

export interface KindRules {
  readonly scope: "Namespaced" | "Cluster";
  readonly name: NameRule;
  /** A shorter limit than the rule's, and why: a name that does not fit breaks what the kind generates from it. */
  readonly maxLength?: { readonly length: number; readonly why: string };
}

const namespaced: KindRules = { scope: "Namespaced", name: "dns-subdomain" };
const cluster: KindRules = { scope: "Cluster", name: "dns-subdomain" };

export const KIND_RULES: Readonly<Record<string, KindRules>> = {
  // core
  Namespace: { scope: "Cluster", name: "dns-label" },
  Service: { scope: "Namespaced", name: "dns-1035-label" },
  Pod: namespaced,
  PodTemplate: namespaced,
  ReplicationController: namespaced,
  ConfigMap: namespaced,
  Secret: namespaced,
  ServiceAccount: namespaced,
  PersistentVolumeClaim: namespaced,
  Endpoints: namespaced,
  LimitRange: namespaced,
  ResourceQuota: namespaced,
  Event: namespaced,
  PersistentVolume: cluster,
  Node: cluster,
  // workloads
  Deployment: namespaced,
  ReplicaSet: namespaced,
  DaemonSet: namespaced,
  ControllerRevision: namespaced,
  // A pod's hostname is its name, `<statefulset>-<ordinal>`, and must be a DNS label; its controller-revision-hash label value adds 11 characters.
  StatefulSet: { scope: "Namespaced", name: "dns-label", maxLength: { length: 52, why: "its pods' controller-revision-hash label adds 11" } },
  Job: { scope: "Namespaced", name: "dns-subdomain", maxLength: { length: 63, why: "its pods carry it as the job-name label value" } },
  CronJob: { scope: "Namespaced", name: "dns-subdomain", maxLength: { length: 52, why: "the Jobs it creates add 11" } },
  HorizontalPodAutoscaler: namespaced,
  PodDisruptionBudget: namespaced,
  // networking
  Ingress: namespaced,
  NetworkPolicy: namespaced,
  EndpointSlice: namespaced,
  IngressClass: cluster,
  IPAddress: cluster,
  ServiceCIDR: cluster,
  // RBAC
  Role: { scope: "Namespaced", name: "path-segment" },
  RoleBinding: { scope: "Namespaced", name: "path-segment" },
  ClusterRole: { scope: "Cluster", name: "path-segment" },
  ClusterRoleBinding: { scope: "Cluster", name: "path-segment" },
  // cluster configuration
  StorageClass: cluster,
  VolumeAttachment: cluster,
  CSIDriver: cluster,
  CSINode: cluster,
  CSIStorageCapacity: namespaced,
  PriorityClass: cluster,
  RuntimeClass: cluster,
  Lease: namespaced,
  MutatingWebhookConfiguration: cluster,
  ValidatingWebhookConfiguration: cluster,
  ValidatingAdmissionPolicy: cluster,
  ValidatingAdmissionPolicyBinding: cluster,
  CustomResourceDefinition: cluster,
  APIService: cluster,
  CertificateSigningRequest: cluster,
  FlowSchema: cluster,
  PriorityLevelConfiguration: cluster,
  // built in after the 1.33 schemas (resource.k8s.io/v1 and VolumeAttributesClass in 1.34, MutatingAdmissionPolicy in 1.36)
  DeviceClass: cluster,
  ResourceClaim: namespaced,
  ResourceClaimTemplate: namespaced,
  ResourceSlice: cluster,
  VolumeAttributesClass: cluster,
  MutatingAdmissionPolicy: cluster,
  MutatingAdmissionPolicyBinding: cluster,
  // custom resources berth emits
  ServiceMonitor: namespaced,
  PodMonitor: namespaced,
  PrometheusRule: namespaced,
  Certificate: namespaced,
  Issuer: namespaced,
  ClusterIssuer: cluster,
  SecretProviderClass: namespaced,
  SecretStore: namespaced,
  ExternalSecret: namespaced,
};

/** `Kind` of a group → its scope, from the CustomResourceDefinitions among the objects. */
const declaredScopes = oncePerInput((input): Map<string, "Namespaced" | "Cluster"> => {
  const out = new Map<string, "Namespaced" | "Cluster">();
  for (const r of input.resources) {
    if (r.object.kind !== "CustomResourceDefinition") continue;
    const spec = r.object.spec as { group?: string; scope?: string; names?: { kind?: string } } | undefined;
    if (spec?.group && spec.names?.kind && (spec.scope === "Namespaced" || spec.scope === "Cluster")) out.set(`${spec.group}/${spec.names.kind}`, spec.scope);
  }
  return out;
});

const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0]! : "");

/** Whether an object lives in a namespace; unknown kinds are taken to (most custom resources do). */
export function isNamespaced(input: CheckInput, resource: KubeDesired): boolean {
  const { kind, apiVersion } = resource.object;
  const declared = declaredScopes(input).get(`${groupOf(apiVersion)}/${kind}`);
  return (declared ?? KIND_RULES[kind]?.scope ?? "Namespaced") === "Namespaced";
}

/** The name rule of a kind; custom resources follow the API server's default, a DNS subdomain. */
export const nameRuleOf = (kind: string): KindRules => KIND_RULES[kind] ?? namespaced;
