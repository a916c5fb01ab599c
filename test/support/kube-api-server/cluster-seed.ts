/** What a fresh cluster already has: system namespaces, one node, a default StorageClass, the `kubernetes` Service and (by default) a few operator CRDs. */
import type { Obj } from "./types.ts";

const crd = (group: string, kind: string, plural: string, scope: "Namespaced" | "Cluster", shortNames?: string[], version = "v1"): Obj => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), ...(shortNames ? { shortNames } : {}) },
    scope,
    versions: [{ name: version, served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } }, subresources: { status: {} } }],
  },
  status: {
    conditions: [
      { type: "NamesAccepted", status: "True", lastTransitionTime: "2025-01-01T00:00:00Z", reason: "NoConflicts", message: "no conflicts found" },
      { type: "Established", status: "True", lastTransitionTime: "2025-01-01T00:00:00Z", reason: "InitialNamesAccepted", message: "the initial names have been accepted" },
    ],
    acceptedNames: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
    storedVersions: [version],
  },
});

export const DEFAULT_CRDS: readonly Obj[] = [
  crd("monitoring.coreos.com", "ServiceMonitor", "servicemonitors", "Namespaced", ["smon"]),
  crd("monitoring.coreos.com", "PodMonitor", "podmonitors", "Namespaced", ["pmon"]),
  crd("monitoring.coreos.com", "PrometheusRule", "prometheusrules", "Namespaced", ["promrule"]),
  crd("cert-manager.io", "Certificate", "certificates", "Namespaced", ["cert", "certs"]),
  crd("cert-manager.io", "Issuer", "issuers", "Namespaced"),
  crd("cert-manager.io", "ClusterIssuer", "clusterissuers", "Cluster"),
];

const ns = (name: string): Obj => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });

export const SYSTEM_OBJECTS: readonly Obj[] = [
  ns("default"),
  ns("kube-system"),
  ns("kube-public"),
  ns("kube-node-lease"),
  {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: "berth-test-node", labels: { "kubernetes.io/hostname": "berth-test-node", "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "node-role.kubernetes.io/control-plane": "" } },
    spec: { podCIDR: "10.244.0.0/24" },
    status: {
      capacity: { cpu: "8", memory: "32Gi", pods: "110", "ephemeral-storage": "100Gi" },
      allocatable: { cpu: "8", memory: "32Gi", pods: "110", "ephemeral-storage": "100Gi" },
      conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: "2025-01-01T00:00:00Z", lastTransitionTime: "2025-01-01T00:00:00Z" }],
      addresses: [{ type: "InternalIP", address: "172.18.0.2" }, { type: "Hostname", address: "berth-test-node" }],
      nodeInfo: { kubeletVersion: "v1.32.4", containerRuntimeVersion: "containerd://1.7.24", operatingSystem: "linux", architecture: "amd64", osImage: "Debian GNU/Linux 12 (bookworm)", kernelVersion: "6.1.0", kubeProxyVersion: "", machineID: "", systemUUID: "", bootID: "" },
    },
  },
  {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: "rancher.io/local-path",
    reclaimPolicy: "Delete",
    volumeBindingMode: "WaitForFirstConsumer",
  },
  {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kubernetes", namespace: "default", labels: { component: "apiserver", provider: "kubernetes" } },
    spec: { clusterIP: "10.96.0.1", ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }], type: "ClusterIP", sessionAffinity: "None" },
  },
];
