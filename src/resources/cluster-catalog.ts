/**
 * What berth knows about clusters, as data: the storage classes AKS creates and the ingress controllers it can
 * render for. Spec declarations add to (or override) these tables.
 */
export type AccessMode = "ReadWriteOnce" | "ReadOnlyMany" | "ReadWriteMany" | "ReadWriteOncePod";

const DISK: AccessMode[] = ["ReadWriteOnce", "ReadWriteOncePod"];
const FILES: AccessMode[] = ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany"];

/** Storage classes present on every AKS cluster (https://learn.microsoft.com/azure/aks/concepts-storage). */
export const AKS_STORAGE_CLASSES: Readonly<Record<string, readonly AccessMode[]>> = {
  default: DISK,
  "managed-csi": DISK,
  "managed-csi-premium": DISK,
  managed: DISK,
  "managed-premium": DISK,
  "azurefile-csi": FILES,
  "azurefile-csi-premium": FILES,
  azurefile: FILES,
  "azurefile-premium": FILES,
};

/** The classes a cluster has: AKS's own, then the spec's declarations (which may override them). */
export const storageClassesOf = (declared: Readonly<Record<string, { readonly accessModes: readonly AccessMode[] }>>): Record<string, readonly AccessMode[]> => ({
  ...AKS_STORAGE_CLASSES,
  ...Object.fromEntries(Object.entries(declared).map(([name, c]) => [name, c.accessModes])),
});

export interface IngressControllerProfile {
  readonly className: string;
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
  /** Annotation names per feature; a missing entry means the controller cannot do it through annotations. */
  readonly annotations: {
    readonly limitRps?: string;
    readonly limitConnections?: string;
    readonly canary?: string;
    readonly canaryWeight?: string;
  };
  /** Annotations the controller refuses or that open configuration injection (CVE-2021-25742, CVE-2025-1974). */
  readonly forbiddenAnnotation: RegExp;
}

const NGINX_ANNOTATIONS = {
  limitRps: "nginx.ingress.kubernetes.io/limit-rps",
  limitConnections: "nginx.ingress.kubernetes.io/limit-connections",
  canary: "nginx.ingress.kubernetes.io/canary",
  canaryWeight: "nginx.ingress.kubernetes.io/canary-weight",
} as const;

export const INGRESS_CONTROLLERS: Readonly<Record<"ingress-nginx" | "app-routing", IngressControllerProfile>> = {
  "ingress-nginx": {
    className: "nginx",
    namespace: "ingress-nginx",
    podLabels: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" },
    annotations: NGINX_ANNOTATIONS,
    forbiddenAnnotation: /snippet|auth-tls-match-cn|mirror-target/i,
  },
  "app-routing": {
    className: "webapprouting.kubernetes.azure.com",
    namespace: "app-routing-system",
    podLabels: { app: "nginx" },
    annotations: NGINX_ANNOTATIONS,
    forbiddenAnnotation: /snippet|auth-tls-match-cn|mirror-target/i,
  },
};

/** Something a cluster must have installed for objects of some kinds to work: a CSI driver, an operator's CRDs. */
export interface ClusterPrerequisite {
  /** What it is, for messages: "the Secrets Store CSI driver". */
  readonly what: string;
  /** Objects that show it is installed; a CRD is looked for through discovery (the kind it defines is served). */
  readonly objects: readonly {
    readonly apiVersion: string;
    readonly kind: string;
    readonly name: string;
    /** For a CustomResourceDefinition: the apiVersion and kind it serves. */
    readonly serves?: { readonly apiVersion: string; readonly kind: string };
  }[];
  /** How to install it. */
  readonly fix: string;
}

const SECRETS_STORE_CSI: ClusterPrerequisite = {
  what: "the Secrets Store CSI driver",
  objects: [
    { apiVersion: "storage.k8s.io/v1", kind: "CSIDriver", name: "secrets-store.csi.k8s.io" },
    { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: "secretproviderclasses.secrets-store.csi.x-k8s.io", serves: { apiVersion: "secrets-store.csi.x-k8s.io/v1", kind: "SecretProviderClass" } },
  ],
  fix:
    "on AKS turn on the add-on: az aks enable-addons --addons azure-keyvault-secrets-provider --name <cluster> --resource-group <group> " +
    "(berth does it for a cluster it manages: spec.azure.secrets.installDriver); elsewhere install the Helm charts " +
    "secrets-store-csi-driver (https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts, --set syncSecret.enabled=true) " +
    "and csi-secrets-store-provider-azure (https://azure.github.io/secrets-store-csi-driver-provider-azure/charts)",
};

const EXTERNAL_SECRETS: ClusterPrerequisite = {
  what: "External Secrets Operator",
  objects: [
    { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: "externalsecrets.external-secrets.io", serves: { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret" } },
    { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: "secretstores.external-secrets.io", serves: { apiVersion: "external-secrets.io/v1", kind: "SecretStore" } },
  ],
  fix: "install it with Helm: helm install external-secrets external-secrets --repo https://charts.external-secrets.io --namespace external-secrets --create-namespace",
};

/** What objects of a kind (`apiVersion/kind`) need installed in the cluster; kinds not listed need nothing. */
export const CLUSTER_PREREQUISITES: Readonly<Record<string, ClusterPrerequisite>> = {
  "secrets-store.csi.x-k8s.io/v1/SecretProviderClass": SECRETS_STORE_CSI,
  "external-secrets.io/v1/SecretStore": EXTERNAL_SECRETS,
  "external-secrets.io/v1/ExternalSecret": EXTERNAL_SECRETS,
};
