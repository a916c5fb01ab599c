/**
 * The schemas generated objects are validated against, keyed by apiVersion/kind.
 * Kubernetes core: kubernetes-models 4.5.1, generated from the Kubernetes v1.27.1 OpenAPI.
 * CRDs: @kubernetes-models/prometheus-operator 4.4.4 (ServiceMonitor, PrometheusRule) and
 * @kubernetes-models/cert-manager 4.4.4 (Certificate).
 */
import { Certificate } from "@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";

export const SCHEMA_SOURCE = {
  kubernetes: "Kubernetes v1.27.1 OpenAPI (kubernetes-models 4.5.1)",
  prometheusOperator: "@kubernetes-models/prometheus-operator 4.4.4",
  certManager: "@kubernetes-models/cert-manager 4.4.4",
} as const;

interface Validatable {
  validate(): void;
}
export type ModelClass = new (data: never) => Validatable;

export const SCHEMAS: Readonly<Record<string, ModelClass>> = {
  "v1/Namespace": Namespace,
  "v1/ServiceAccount": ServiceAccount,
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "batch/v1/Job": Job,
  "batch/v1/CronJob": CronJob,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "networking.k8s.io/v1/Ingress": Ingress,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "rbac.authorization.k8s.io/v1/Role": Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor,
  "monitoring.coreos.com/v1/PrometheusRule": PrometheusRule,
  "cert-manager.io/v1/Certificate": Certificate,
};

/**
 * Kubernetes minor versions berth renders for, and in which versions each API it emits is served.
 * All APIs berth emits are GA from 1.23 or earlier and not removed as of 1.35; the table makes that checkable.
 */
export const SUPPORTED_VERSIONS = { min: 27, max: 35 } as const;

/** APIs Kubernetes has removed, with the minor version that removed them and what replaced them. */
export const REMOVED_APIS: Readonly<Record<string, { removedIn: number; use: string }>> = {
  "extensions/v1beta1/Ingress": { removedIn: 22, use: "networking.k8s.io/v1" },
  "networking.k8s.io/v1beta1/Ingress": { removedIn: 22, use: "networking.k8s.io/v1" },
  "extensions/v1beta1/Deployment": { removedIn: 16, use: "apps/v1" },
  "apps/v1beta1/Deployment": { removedIn: 16, use: "apps/v1" },
  "apps/v1beta2/Deployment": { removedIn: 16, use: "apps/v1" },
  "apps/v1beta1/StatefulSet": { removedIn: 16, use: "apps/v1" },
  "apps/v1beta2/StatefulSet": { removedIn: 16, use: "apps/v1" },
  "extensions/v1beta1/NetworkPolicy": { removedIn: 16, use: "networking.k8s.io/v1" },
  "policy/v1beta1/PodDisruptionBudget": { removedIn: 25, use: "policy/v1" },
  "policy/v1beta1/PodSecurityPolicy": { removedIn: 25, use: "Pod Security admission (namespace labels)" },
  "batch/v1beta1/CronJob": { removedIn: 25, use: "batch/v1" },
  "autoscaling/v2beta1/HorizontalPodAutoscaler": { removedIn: 25, use: "autoscaling/v2" },
  "autoscaling/v2beta2/HorizontalPodAutoscaler": { removedIn: 26, use: "autoscaling/v2" },
  "rbac.authorization.k8s.io/v1beta1/Role": { removedIn: 22, use: "rbac.authorization.k8s.io/v1" },
  "rbac.authorization.k8s.io/v1beta1/RoleBinding": { removedIn: 22, use: "rbac.authorization.k8s.io/v1" },
  "rbac.authorization.k8s.io/v1beta1/ClusterRole": { removedIn: 22, use: "rbac.authorization.k8s.io/v1" },
  "rbac.authorization.k8s.io/v1beta1/ClusterRoleBinding": { removedIn: 22, use: "rbac.authorization.k8s.io/v1" },
};

export const API_AVAILABILITY: Readonly<Record<string, { since: number; removedIn?: number }>> = {
  "v1/Namespace": { since: 0 },
  "v1/ServiceAccount": { since: 0 },
  "v1/ConfigMap": { since: 2 },
  "v1/Secret": { since: 0 },
  "v1/Service": { since: 0 },
  "v1/PersistentVolumeClaim": { since: 0 },
  "apps/v1/Deployment": { since: 9 },
  "apps/v1/StatefulSet": { since: 9 },
  "batch/v1/Job": { since: 2 },
  "batch/v1/CronJob": { since: 21 },
  "autoscaling/v2/HorizontalPodAutoscaler": { since: 23 },
  "policy/v1/PodDisruptionBudget": { since: 21 },
  "networking.k8s.io/v1/Ingress": { since: 19 },
  "networking.k8s.io/v1/NetworkPolicy": { since: 7 },
  "rbac.authorization.k8s.io/v1/Role": { since: 8 },
  "rbac.authorization.k8s.io/v1/RoleBinding": { since: 8 },
  "monitoring.coreos.com/v1/ServiceMonitor": { since: 0 },
  "monitoring.coreos.com/v1/PrometheusRule": { since: 0 },
  "cert-manager.io/v1/Certificate": { since: 0 },
};
