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

/**
 * The Secrets Store CSI driver as the AKS add-on (or its Helm chart) installs it: the CSIDriver (token requests for
 * workload identity, as the add-on sets them) and its two CRDs. Not there by default: `crds: ["default",
 * "secrets-store-csi"]` or `server.seed(...)` each. The kubelet simulates the driver's mounts (csi.ts).
 */
export const SECRETS_STORE_CSI: readonly Obj[] = [
  {
    apiVersion: "storage.k8s.io/v1",
    kind: "CSIDriver",
    metadata: { name: "secrets-store.csi.k8s.io" },
    spec: { attachRequired: false, podInfoOnMount: true, requiresRepublish: true, volumeLifecycleModes: ["Ephemeral"], tokenRequests: [{ audience: "api://AzureADTokenExchange" }], fsGroupPolicy: "ReadWriteOnceWithFSType", seLinuxMount: false, storageCapacity: false },
  },
  crd("secrets-store.csi.x-k8s.io", "SecretProviderClass", "secretproviderclasses", "Namespaced"),
  crd("secrets-store.csi.x-k8s.io", "SecretProviderClassPodStatus", "secretproviderclasspodstatuses", "Namespaced"),
];

/** External Secrets Operator's CRDs (v1), for `crds: [..., "external-secrets"]`; the operator itself is not simulated. */
export const EXTERNAL_SECRETS_CRDS: readonly Obj[] = [
  crd("external-secrets.io", "ExternalSecret", "externalsecrets", "Namespaced", ["es"]),
  crd("external-secrets.io", "SecretStore", "secretstores", "Namespaced", ["ss"]),
  crd("external-secrets.io", "ClusterSecretStore", "clustersecretstores", "Cluster", ["css"]),
];

/** The sets `Scenario.crds` can name. */
export const CRD_SETS = { default: DEFAULT_CRDS, "secrets-store-csi": SECRETS_STORE_CSI, "external-secrets": EXTERNAL_SECRETS_CRDS } as const;

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
