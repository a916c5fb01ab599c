/** The Kubernetes test server's readiness per kind (ms) and request latency the deploy benchmarks share. */
export const READY_AFTER_MS: Readonly<Record<string, number>> = {
  Namespace: 100,
  CustomResourceDefinition: 300,
  PersistentVolumeClaim: 1_500,
  StatefulSet: 4_000,
  Deployment: 2_500,
  DaemonSet: 2_000,
  Job: 3_000,
  Ingress: 2_000,
  HorizontalPodAutoscaler: 200,
};

export const REQUEST_MS = 10;
