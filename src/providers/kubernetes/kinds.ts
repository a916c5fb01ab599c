/** Kinds berth may own, listed by label to find what a platform/env has live (prune, down, status). */
export const OWNED_KINDS: readonly (readonly [apiVersion: string, kind: string])[] = [
  ["apiextensions.k8s.io/v1", "CustomResourceDefinition"],
  ["v1", "Namespace"],
  ["v1", "ServiceAccount"],
  ["rbac.authorization.k8s.io/v1", "Role"],
  ["rbac.authorization.k8s.io/v1", "RoleBinding"],
  ["rbac.authorization.k8s.io/v1", "ClusterRole"],
  ["rbac.authorization.k8s.io/v1", "ClusterRoleBinding"],
  ["v1", "ConfigMap"],
  ["v1", "Secret"],
  ["v1", "PersistentVolumeClaim"],
  ["v1", "Service"],
  ["networking.k8s.io/v1", "NetworkPolicy"],
  ["apps/v1", "StatefulSet"],
  ["apps/v1", "Deployment"],
  ["apps/v1", "DaemonSet"],
  ["batch/v1", "CronJob"],
  ["batch/v1", "Job"],
  ["networking.k8s.io/v1", "Ingress"],
  ["autoscaling/v2", "HorizontalPodAutoscaler"],
  ["policy/v1", "PodDisruptionBudget"],
  ["monitoring.coreos.com/v1", "ServiceMonitor"],
  ["monitoring.coreos.com/v1", "PrometheusRule"],
  ["cert-manager.io/v1", "Certificate"],
];

/** Objects that hold data: kept by `down` unless --delete-data, never pruned. */
export const GENERATED_LABEL = "berth.dev/generated";
export const ADOPTED_ANNOTATION = "berth.dev/adopted";
export const DIGEST_ANNOTATION = "berth.dev/applied-digest";
