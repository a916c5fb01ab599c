/**
 * The schemas objects are validated against, keyed by apiVersion/kind, and in which Kubernetes versions each API is
 * served. Every built-in kind a manifest or chart may carry is here, so YAML from elsewhere (a `helm template` of a
 * third-party chart) is validated like berth's own output; only custom resources without a schema stay unknown.
 * Kubernetes: kubernetes-models 4.5.1 (the Kubernetes OpenAPI as of 1.33: it serves IPAddress and ServiceCIDR v1).
 * CRDs: @kubernetes-models/prometheus-operator 4.4.4 and @kubernetes-models/cert-manager 4.4.4; the Secrets Store CSI
 * driver's and External Secrets Operator's from their upstream CRDs (schema/crd-schemas.ts names the versions).
 */
import { Certificate } from "@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate";
import { ClusterIssuer } from "@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer";
import { Issuer } from "@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer";
import { PodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { MutatingWebhookConfiguration } from "kubernetes-models/admissionregistration.k8s.io/v1/MutatingWebhookConfiguration";
import { ValidatingAdmissionPolicy } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy";
import { ValidatingAdmissionPolicyBinding } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding";
import { ValidatingWebhookConfiguration } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration";
import { CustomResourceDefinition } from "kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition";
import { APIService } from "kubernetes-models/apiregistration.k8s.io/v1/APIService";
import { ControllerRevision } from "kubernetes-models/apps/v1/ControllerRevision";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ReplicaSet } from "kubernetes-models/apps/v1/ReplicaSet";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v1/HorizontalPodAutoscaler";
import { HorizontalPodAutoscaler as HorizontalPodAutoscalerAutoscalingV2 } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { CertificateSigningRequest } from "kubernetes-models/certificates.k8s.io/v1/CertificateSigningRequest";
import { Lease } from "kubernetes-models/coordination.k8s.io/v1/Lease";
import { EndpointSlice } from "kubernetes-models/discovery.k8s.io/v1/EndpointSlice";
import { Event as EventEventsV1 } from "kubernetes-models/events.k8s.io/v1/Event";
import { FlowSchema } from "kubernetes-models/flowcontrol.apiserver.k8s.io/v1/FlowSchema";
import { PriorityLevelConfiguration } from "kubernetes-models/flowcontrol.apiserver.k8s.io/v1/PriorityLevelConfiguration";
import { FlowSchema as FlowSchemaFlowcontrolV1beta3 } from "kubernetes-models/flowcontrol.apiserver.k8s.io/v1beta3/FlowSchema";
import { PriorityLevelConfiguration as PriorityLevelConfigurationFlowcontrolV1beta3 } from "kubernetes-models/flowcontrol.apiserver.k8s.io/v1beta3/PriorityLevelConfiguration";
import { IPAddress } from "kubernetes-models/networking.k8s.io/v1/IPAddress";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { IngressClass } from "kubernetes-models/networking.k8s.io/v1/IngressClass";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { ServiceCIDR } from "kubernetes-models/networking.k8s.io/v1/ServiceCIDR";
import { RuntimeClass } from "kubernetes-models/node.k8s.io/v1/RuntimeClass";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { PriorityClass } from "kubernetes-models/scheduling.k8s.io/v1/PriorityClass";
import { CSIDriver } from "kubernetes-models/storage.k8s.io/v1/CSIDriver";
import { CSINode } from "kubernetes-models/storage.k8s.io/v1/CSINode";
import { CSIStorageCapacity } from "kubernetes-models/storage.k8s.io/v1/CSIStorageCapacity";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import { VolumeAttachment } from "kubernetes-models/storage.k8s.io/v1/VolumeAttachment";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Endpoints } from "kubernetes-models/v1/Endpoints";
import { Event } from "kubernetes-models/v1/Event";
import { LimitRange } from "kubernetes-models/v1/LimitRange";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Node } from "kubernetes-models/v1/Node";
import { PersistentVolume } from "kubernetes-models/v1/PersistentVolume";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Pod } from "kubernetes-models/v1/Pod";
import { PodTemplate } from "kubernetes-models/v1/PodTemplate";
import { ReplicationController } from "kubernetes-models/v1/ReplicationController";
import { ResourceQuota } from "kubernetes-models/v1/ResourceQuota";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { POLICY_VERSIONS } from "./pod-security/policy-version.ts";
import { EXTERNAL_SECRET_V1, SECRET_PROVIDER_CLASS_V1, SECRET_STORE_V1 } from "./schema/crd-schemas.ts";
import { jsonSchemaModel } from "./schema/json-schema-model.ts";

export const SCHEMA_SOURCE = {
  kubernetes: "Kubernetes OpenAPI as of v1.33 (kubernetes-models 4.5.1)",
  prometheusOperator: "@kubernetes-models/prometheus-operator 4.4.4",
  certManager: "@kubernetes-models/cert-manager 4.4.4",
  secretsStoreCsi: "secrets-store-csi-driver v1.6.0 CRD (trimmed)",
  externalSecrets: "external-secrets v2.9.0 CRDs (trimmed)",
} as const;

interface Validatable {
  validate(): void;
}
export type ModelClass = new (data: never) => Validatable;

/**
 * Every API berth knows: its schema and the minor version that began serving it (GA APIs are served until the
 * version in `removedIn`). CRDs are served whenever their operator is installed, so they count as always served.
 * APIs that became GA after the schema source (1.33) are known without a model: berth can tell whether the target
 * serves them and where they live, but cannot validate their fields.
 */
const APIS: Readonly<Record<string, { model?: ModelClass; since: number; removedIn?: number }>> = {
  "v1/Namespace": { model: Namespace, since: 0 },
  "v1/ServiceAccount": { model: ServiceAccount, since: 0 },
  "v1/ConfigMap": { model: ConfigMap, since: 2 },
  "v1/Secret": { model: Secret, since: 0 },
  "v1/Service": { model: Service, since: 0 },
  "v1/PersistentVolumeClaim": { model: PersistentVolumeClaim, since: 0 },
  "v1/PersistentVolume": { model: PersistentVolume, since: 0 },
  "v1/Pod": { model: Pod, since: 0 },
  "v1/PodTemplate": { model: PodTemplate, since: 0 },
  "v1/ReplicationController": { model: ReplicationController, since: 0 },
  "v1/Endpoints": { model: Endpoints, since: 0 },
  "v1/LimitRange": { model: LimitRange, since: 0 },
  "v1/ResourceQuota": { model: ResourceQuota, since: 0 },
  "v1/Node": { model: Node, since: 0 },
  "v1/Event": { model: Event, since: 0 },
  "apps/v1/Deployment": { model: Deployment, since: 9 },
  "apps/v1/StatefulSet": { model: StatefulSet, since: 9 },
  "apps/v1/DaemonSet": { model: DaemonSet, since: 9 },
  "apps/v1/ReplicaSet": { model: ReplicaSet, since: 9 },
  "apps/v1/ControllerRevision": { model: ControllerRevision, since: 9 },
  "batch/v1/Job": { model: Job, since: 2 },
  "batch/v1/CronJob": { model: CronJob, since: 21 },
  "autoscaling/v1/HorizontalPodAutoscaler": { model: HorizontalPodAutoscaler, since: 2 },
  "autoscaling/v2/HorizontalPodAutoscaler": { model: HorizontalPodAutoscalerAutoscalingV2, since: 23 },
  "policy/v1/PodDisruptionBudget": { model: PodDisruptionBudget, since: 21 },
  "networking.k8s.io/v1/Ingress": { model: Ingress, since: 19 },
  "networking.k8s.io/v1/IngressClass": { model: IngressClass, since: 19 },
  "networking.k8s.io/v1/NetworkPolicy": { model: NetworkPolicy, since: 7 },
  "networking.k8s.io/v1/IPAddress": { model: IPAddress, since: 33 },
  "networking.k8s.io/v1/ServiceCIDR": { model: ServiceCIDR, since: 33 },
  "rbac.authorization.k8s.io/v1/Role": { model: Role, since: 8 },
  "rbac.authorization.k8s.io/v1/RoleBinding": { model: RoleBinding, since: 8 },
  "rbac.authorization.k8s.io/v1/ClusterRole": { model: ClusterRole, since: 8 },
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": { model: ClusterRoleBinding, since: 8 },
  "storage.k8s.io/v1/StorageClass": { model: StorageClass, since: 6 },
  "storage.k8s.io/v1/VolumeAttachment": { model: VolumeAttachment, since: 13 },
  "storage.k8s.io/v1/CSIDriver": { model: CSIDriver, since: 18 },
  "storage.k8s.io/v1/CSINode": { model: CSINode, since: 17 },
  "storage.k8s.io/v1/CSIStorageCapacity": { model: CSIStorageCapacity, since: 24 },
  "scheduling.k8s.io/v1/PriorityClass": { model: PriorityClass, since: 14 },
  "node.k8s.io/v1/RuntimeClass": { model: RuntimeClass, since: 20 },
  "coordination.k8s.io/v1/Lease": { model: Lease, since: 14 },
  "discovery.k8s.io/v1/EndpointSlice": { model: EndpointSlice, since: 21 },
  "events.k8s.io/v1/Event": { model: EventEventsV1, since: 19 },
  "admissionregistration.k8s.io/v1/MutatingWebhookConfiguration": { model: MutatingWebhookConfiguration, since: 16 },
  "admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration": { model: ValidatingWebhookConfiguration, since: 16 },
  "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy": { model: ValidatingAdmissionPolicy, since: 30 },
  "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding": { model: ValidatingAdmissionPolicyBinding, since: 30 },
  "apiextensions.k8s.io/v1/CustomResourceDefinition": { model: CustomResourceDefinition, since: 16 },
  "apiregistration.k8s.io/v1/APIService": { model: APIService, since: 10 },
  "certificates.k8s.io/v1/CertificateSigningRequest": { model: CertificateSigningRequest, since: 19 },
  "flowcontrol.apiserver.k8s.io/v1/FlowSchema": { model: FlowSchema, since: 29 },
  "flowcontrol.apiserver.k8s.io/v1/PriorityLevelConfiguration": { model: PriorityLevelConfiguration, since: 29 },
  "flowcontrol.apiserver.k8s.io/v1beta3/FlowSchema": { model: FlowSchemaFlowcontrolV1beta3, since: 26, removedIn: 32 },
  "flowcontrol.apiserver.k8s.io/v1beta3/PriorityLevelConfiguration": { model: PriorityLevelConfigurationFlowcontrolV1beta3, since: 26, removedIn: 32 },
  // GA after the schema source: known, served from `since`, not validated (K8S-UNKNOWN-KIND says so).
  "resource.k8s.io/v1/DeviceClass": { since: 34 },
  "resource.k8s.io/v1/ResourceClaim": { since: 34 },
  "resource.k8s.io/v1/ResourceClaimTemplate": { since: 34 },
  "resource.k8s.io/v1/ResourceSlice": { since: 34 },
  "storage.k8s.io/v1/VolumeAttributesClass": { since: 34 },
  "admissionregistration.k8s.io/v1/MutatingAdmissionPolicy": { since: 36 },
  "admissionregistration.k8s.io/v1/MutatingAdmissionPolicyBinding": { since: 36 },
  "monitoring.coreos.com/v1/ServiceMonitor": { model: ServiceMonitor, since: 0 },
  "monitoring.coreos.com/v1/PodMonitor": { model: PodMonitor, since: 0 },
  "monitoring.coreos.com/v1/PrometheusRule": { model: PrometheusRule, since: 0 },
  "cert-manager.io/v1/Certificate": { model: Certificate, since: 0 },
  "cert-manager.io/v1/Issuer": { model: Issuer, since: 0 },
  "cert-manager.io/v1/ClusterIssuer": { model: ClusterIssuer, since: 0 },
  "secrets-store.csi.x-k8s.io/v1/SecretProviderClass": { model: jsonSchemaModel(SECRET_PROVIDER_CLASS_V1), since: 0 },
  "external-secrets.io/v1/SecretStore": { model: jsonSchemaModel(SECRET_STORE_V1), since: 0 },
  "external-secrets.io/v1/ExternalSecret": { model: jsonSchemaModel(EXTERNAL_SECRET_V1), since: 0 },
};

export const SCHEMAS: Readonly<Record<string, ModelClass>> = Object.fromEntries(
  Object.entries(APIS).flatMap(([gvk, a]) => (a.model ? [[gvk, a.model] as const] : [])),
);

/** The minor version of the Kubernetes OpenAPI the schemas come from: APIs served only after it have no model. */
export const SCHEMA_SOURCE_MINOR = 33;

export const API_AVAILABILITY: Readonly<Record<string, { since: number; removedIn?: number }>> = Object.fromEntries(
  Object.entries(APIS).map(([gvk, { since, removedIn }]) => [gvk, removedIn === undefined ? { since } : { since, removedIn }]),
);

/**
 * Kubernetes minor versions berth renders a spec for (`spec.kubernetes.version`). All APIs berth emits are GA from
 * 1.23 or earlier and not removed as of 1.35; the range is what berth's own output and its cluster commands are tested
 * against, so it stays narrower than what lint can judge.
 */
export const SUPPORTED_VERSIONS = { min: 27, max: 35 } as const;

/**
 * Kubernetes minor versions `berth lint --kubernetes-version` judges plain YAML at: the Pod Security policy versions
 * berth implements (POLICY_VERSIONS, 1.25–1.37), for which the API tables here say what is served and removed.
 */
export const LINT_VERSIONS = POLICY_VERSIONS;

/** Whether an API is removed at the target minor version: the entry of REMOVED_APIS once the target has reached it. */
export const removedAt = (gvk: string, minor: number): { removedIn: number; use: string } | undefined => {
  const removed = REMOVED_APIS[gvk];
  return removed && minor >= removed.removedIn ? removed : undefined;
};

/** APIs Kubernetes has removed, with the minor version that removed them and what replaced them. */
export const REMOVED_APIS: Readonly<Record<string, { removedIn: number; use: string }>> = {
  "extensions/v1beta1/Ingress": { removedIn: 22, use: "networking.k8s.io/v1" },
  "networking.k8s.io/v1beta1/Ingress": { removedIn: 22, use: "networking.k8s.io/v1" },
  "networking.k8s.io/v1beta1/IngressClass": { removedIn: 22, use: "networking.k8s.io/v1" },
  "extensions/v1beta1/Deployment": { removedIn: 16, use: "apps/v1" },
  "extensions/v1beta1/DaemonSet": { removedIn: 16, use: "apps/v1" },
  "extensions/v1beta1/ReplicaSet": { removedIn: 16, use: "apps/v1" },
  "extensions/v1beta1/PodSecurityPolicy": { removedIn: 16, use: "Pod Security admission (namespace labels)" },
  "apps/v1beta1/Deployment": { removedIn: 16, use: "apps/v1" },
  "apps/v1beta2/Deployment": { removedIn: 16, use: "apps/v1" },
  "apps/v1beta2/DaemonSet": { removedIn: 16, use: "apps/v1" },
  "apps/v1beta2/ReplicaSet": { removedIn: 16, use: "apps/v1" },
  "apps/v1beta1/StatefulSet": { removedIn: 16, use: "apps/v1" },
  "apps/v1beta2/StatefulSet": { removedIn: 16, use: "apps/v1" },
  "extensions/v1beta1/NetworkPolicy": { removedIn: 16, use: "networking.k8s.io/v1" },
  "policy/v1beta1/PodDisruptionBudget": { removedIn: 25, use: "policy/v1" },
  "policy/v1beta1/PodSecurityPolicy": { removedIn: 25, use: "Pod Security admission (namespace labels)" },
  "batch/v1beta1/CronJob": { removedIn: 25, use: "batch/v1" },
  "discovery.k8s.io/v1beta1/EndpointSlice": { removedIn: 25, use: "discovery.k8s.io/v1" },
  "events.k8s.io/v1beta1/Event": { removedIn: 25, use: "events.k8s.io/v1" },
  "node.k8s.io/v1beta1/RuntimeClass": { removedIn: 25, use: "node.k8s.io/v1" },
  "autoscaling/v2beta1/HorizontalPodAutoscaler": { removedIn: 25, use: "autoscaling/v2" },
  "autoscaling/v2beta2/HorizontalPodAutoscaler": { removedIn: 26, use: "autoscaling/v2" },
  "flowcontrol.apiserver.k8s.io/v1beta1/FlowSchema": { removedIn: 26, use: "flowcontrol.apiserver.k8s.io/v1" },
  "flowcontrol.apiserver.k8s.io/v1beta1/PriorityLevelConfiguration": { removedIn: 26, use: "flowcontrol.apiserver.k8s.io/v1" },
  "flowcontrol.apiserver.k8s.io/v1beta2/FlowSchema": { removedIn: 29, use: "flowcontrol.apiserver.k8s.io/v1" },
  "flowcontrol.apiserver.k8s.io/v1beta2/PriorityLevelConfiguration": { removedIn: 29, use: "flowcontrol.apiserver.k8s.io/v1" },
  "storage.k8s.io/v1beta1/CSIStorageCapacity": { removedIn: 27, use: "storage.k8s.io/v1" },
  "storage.k8s.io/v1beta1/StorageClass": { removedIn: 22, use: "storage.k8s.io/v1" },
  "storage.k8s.io/v1beta1/CSIDriver": { removedIn: 22, use: "storage.k8s.io/v1" },
  "storage.k8s.io/v1beta1/CSINode": { removedIn: 22, use: "storage.k8s.io/v1" },
  "storage.k8s.io/v1beta1/VolumeAttachment": { removedIn: 22, use: "storage.k8s.io/v1" },
  "scheduling.k8s.io/v1beta1/PriorityClass": { removedIn: 22, use: "scheduling.k8s.io/v1" },
  "coordination.k8s.io/v1beta1/Lease": { removedIn: 22, use: "coordination.k8s.io/v1" },
  "certificates.k8s.io/v1beta1/CertificateSigningRequest": { removedIn: 22, use: "certificates.k8s.io/v1" },
  "apiextensions.k8s.io/v1beta1/CustomResourceDefinition": { removedIn: 22, use: "apiextensions.k8s.io/v1" },
  "apiregistration.k8s.io/v1beta1/APIService": { removedIn: 22, use: "apiregistration.k8s.io/v1" },
  "admissionregistration.k8s.io/v1beta1/MutatingWebhookConfiguration": { removedIn: 22, use: "admissionregistration.k8s.io/v1" },
  "admissionregistration.k8s.io/v1beta1/ValidatingWebhookConfiguration": { removedIn: 22, use: "admissionregistration.k8s.io/v1" },
  "rbac.authorization.k8s.io/v1beta1/Role": { removedIn: 22, use: "rbac.authorization.k8s.io/v1" },
  "rbac.authorization.k8s.io/v1beta1/RoleBinding": { removedIn: 22, use: "rbac.authorization.k8s.io/v1" },
  "rbac.authorization.k8s.io/v1beta1/ClusterRole": { removedIn: 22, use: "rbac.authorization.k8s.io/v1" },
  "rbac.authorization.k8s.io/v1beta1/ClusterRoleBinding": { removedIn: 22, use: "rbac.authorization.k8s.io/v1" },
};
