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
