/**
 * The Azure Workload Identity mutating webhook (github.com/Azure/azure-workload-identity, pkg/webhook), as it runs at
 * pod creation on an AKS cluster with workload identity on. Followed from its source: the webhook is called for pods
 * labelled `azure.workload.identity/use: "true"` (objectSelector); it reads the pod's ServiceAccount and adds to every
 * container and init container not named in `azure.workload.identity/skip-containers` the variables AZURE_CLIENT_ID
 * (the ServiceAccount's `azure.workload.identity/client-id`), AZURE_TENANT_ID (its `…/tenant-id`, else the webhook's
 * configured tenant), AZURE_FEDERATED_TOKEN_FILE and AZURE_AUTHORITY_HOST — each only when the container does not
 * set it already and the value is not empty, so a pod made while the ServiceAccount had no client id gets no
 * AZURE_CLIENT_ID — plus a read-only mount of a projected service account token for audience
 * api://AzureADTokenExchange (expiry from `…/service-account-token-expiration` on the pod or the ServiceAccount,
 * default 3600 s). Pods are mutated once, when created: annotating a ServiceAccount later changes no running pod.
 *
 * Where the token is mounted changed in v1.6.0 (volume `azure-workload-identity-reserved-<sha256 of the pod name>`
 * at /var/run/secrets/azure/wi, file token/azure-identity-token); before, volume `azure-identity-token` at
 * /var/run/secrets/azure/tokens. Both layouts are rows of LAYOUTS.
 *
 * Simplified: a pod whose ServiceAccount does not exist is left as it is (the real webhook refuses it, failing the
 * pod's creation); the proxy sidecar and custom token endpoint options are not served.
 */
import { createHash } from "node:crypto";
import type { Obj, Scenario } from "./types.ts";

export const USE_LABEL = "azure.workload.identity/use";
export const CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id";
export const TENANT_ID_ANNOTATION = "azure.workload.identity/tenant-id";
const EXPIRY_ANNOTATION = "azure.workload.identity/service-account-token-expiration";
const SKIP_ANNOTATION = "azure.workload.identity/skip-containers";
export const TOKEN_AUDIENCE = "api://AzureADTokenExchange";

interface Layout {
  volumeName(podName: string): string;
  readonly mountPath: string;
  /** The token file, relative to the mount. */
  readonly tokenPath: string;
}

const RESERVED_PREFIX = "azure-workload-identity-reserved-";

export const LAYOUTS: Readonly<Record<"v1.5" | "v1.6", Layout>> = {
  "v1.5": { volumeName: () => "azure-identity-token", mountPath: "/var/run/secrets/azure/tokens", tokenPath: "azure-identity-token" },
  "v1.6": {
    // 63 is the longest volume name; the hash fills what the prefix leaves.
    volumeName: (podName) => RESERVED_PREFIX + createHash("sha256").update(podName).digest("hex").slice(0, 63 - RESERVED_PREFIX.length),
    mountPath: "/var/run/secrets/azure/wi",
    tokenPath: "token/azure-identity-token",
  },
};

export interface WebhookConfig {
  /** The tenant the webhook is configured with (AKS: the cluster's), used when the ServiceAccount names none. */
  readonly tenantId: string;
  /** The cloud's Entra authority (AKS public cloud: https://login.microsoftonline.com/). */
  readonly authorityHost: string;
  /** Which release's token layout (default v1.6, the current one). */
  readonly version?: keyof typeof LAYOUTS;
}

/** Mutates `pod` in place as the webhook's patch would; `serviceAccount` is the pod's (undefined: not found). */
export function mutatePod(pod: Obj, serviceAccount: Obj | undefined, config: WebhookConfig): void {
  if (pod.metadata?.labels?.[USE_LABEL] !== "true" || !serviceAccount) return;
  const annotations: Record<string, string> = serviceAccount.metadata?.annotations ?? {};
  const expiry = Number(pod.metadata?.annotations?.[EXPIRY_ANNOTATION] ?? annotations[EXPIRY_ANNOTATION] ?? 3600);
  // Out of 3600–86400 s the webhook refuses the pod; here it is left unmutated.
  if (!Number.isInteger(expiry) || expiry < 3600 || expiry > 86400) return;
  const layout = LAYOUTS[config.version ?? "v1.6"];
  const podName = String(pod.metadata?.name ?? `${pod.metadata?.generateName ?? ""} (prefix)`);
  const volumeName = layout.volumeName(podName);
  const skip = new Set(String(pod.metadata?.annotations?.[SKIP_ANNOTATION] ?? "").split(";").map((s) => s.trim()).filter(Boolean));
  const wanted: [string, string][] = [
    ["AZURE_CLIENT_ID", annotations[CLIENT_ID_ANNOTATION] ?? ""],
    ["AZURE_TENANT_ID", annotations[TENANT_ID_ANNOTATION] ?? config.tenantId],
    ["AZURE_FEDERATED_TOKEN_FILE", `${layout.mountPath}/${layout.tokenPath}`],
    ["AZURE_AUTHORITY_HOST", config.authorityHost],
  ];
  const spec = (pod.spec ??= {});
  for (const list of ["initContainers", "containers"])
    for (const c of (spec[list] ?? []) as Obj[]) {
      if (skip.has(c.name)) continue;
      const env: Obj[] = (c.env ??= []);
      for (const [name, value] of wanted) if (value && !env.some((e) => e.name === name)) env.push({ name, value });
      const mounts: Obj[] = (c.volumeMounts ??= []);
      const mount = { name: volumeName, mountPath: layout.mountPath, readOnly: true };
      const at = mounts.findIndex((m) => m.name === volumeName);
      if (at >= 0) mounts[at] = mount;
      else mounts.push(mount);
    }
  const volume = { name: volumeName, projected: { sources: [{ serviceAccountToken: { path: layout.tokenPath, expirationSeconds: expiry, audience: TOKEN_AUDIENCE } }] } };
  const volumes: Obj[] = (spec.volumes ??= []);
  const at = volumes.findIndex((v) => v.name === volumeName);
  if (at >= 0) volumes[at] = volume;
  else volumes.push(volume);
}

/** Admission of a pod being created: the webhook runs when the scenario has a workload identity configuration. */
export function admitPod(store: { get(group: string, kind: string, ns: string | undefined, name: string): Obj | undefined }, scenario: Scenario, pod: Obj): void {
  const config = scenario.workloadIdentity?.webhook;
  if (!config || pod.kind !== "Pod") return;
  const sa = store.get("", "ServiceAccount", pod.metadata?.namespace, String(pod.spec?.serviceAccountName || "default"));
  mutatePod(pod, sa, config);
}
