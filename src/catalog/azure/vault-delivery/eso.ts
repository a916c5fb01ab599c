/**
 * Delivery through External Secrets Operator (docs/design/0011, "Delivery to pods"): per namespace where a pod reads
 * a vault-backed Secret, a ServiceAccount `berth-vault-reader` annotated with spec.azure.secrets.identity, a
 * SecretStore reading the vault as that ServiceAccount (workload identity), and one ExternalSecret per vault-backed
 * Secret read there, producing it under its own name with the original keys. Pods are unchanged.
 */
import type { KubeDesired } from "../../../resources/kube-object.ts";
import { desired } from "../../../resources/kube-object.ts";
import { outputToken } from "../../../resources/outputs.ts";
import { type DeliveryInput, type DeliveryOutput, identityAnnotations, platformLabels, problem, secretsIdentity } from "./context.ts";
import { getPath, podSpecPath, vaultReadsOf } from "./reads.ts";

export const READER_ACCOUNT = "berth-vault-reader";
export const SECRET_STORE = "berth-vault";
export const ESO_API_VERSION = "external-secrets.io/v1";
const ORIGIN = ["spec", "azure", "secrets"] as const;

/** ESO's `environmentType` per named cloud (public is its default); other endpoints need a customCloudConfig. */
const ENVIRONMENTS: Readonly<Record<string, string>> = { AzureChinaCloud: "ChinaCloud", AzureUSGovernment: "USGovernmentCloud" };

export function deliverByEso(input: DeliveryInput): DeliveryOutput {
  const { ctx, delivery } = input;
  // Namespace → the vault-backed Secrets its pods read, in the order first read.
  const read = new Map<string, Set<string>>();
  for (const r of input.kubernetes) {
    const path = podSpecPath(r.object);
    const pod = path && getPath(r.object, path);
    if (!pod) continue;
    const found = vaultReadsOf(pod, delivery.backed);
    if (found.secrets.size === 0) continue;
    const ns = r.object.metadata.namespace!;
    const set = read.get(ns) ?? new Set<string>();
    for (const s of found.secrets.keys()) set.add(s);
    read.set(ns, set);
  }
  if (read.size === 0) return { kubernetes: [...input.kubernetes], readers: [], diagnostics: [] };
  const identity = secretsIdentity(input);
  if (!identity)
    return {
      kubernetes: [...input.kubernetes],
      readers: [],
      diagnostics: [problem(input, ORIGIN, "AZURE-VAULT-IDENTITY", "External Secrets Operator reads the vault as spec.azure.secrets.identity, and none is declared", "name the identity that reads the vault: spec.azure.secrets.identity")],
    };
  const labels = platformLabels(input);
  const vaultUrl = outputToken({ resource: delivery.vault.key, output: "vaultUri" });
  const environmentType = typeof ctx.azure.cloud === "string" ? ENVIRONMENTS[ctx.azure.cloud] : undefined;
  const out: KubeDesired[] = [];
  for (const [namespace, secrets] of read) {
    out.push(
      desired({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: READER_ACCOUNT, namespace, labels, annotations: identityAnnotations(identity) }, automountServiceAccountToken: false }, [...ORIGIN, "identity"]),
      desired(
        {
          apiVersion: ESO_API_VERSION,
          kind: "SecretStore",
          metadata: { name: SECRET_STORE, namespace, labels },
          spec: {
            provider: {
              azurekv: {
                authType: "WorkloadIdentity",
                vaultUrl,
                tenantId: identity.tenantId ?? ctx.azure.tenantId,
                ...(environmentType ? { environmentType } : {}),
                serviceAccountRef: { name: READER_ACCOUNT },
              },
            },
          },
        },
        [...ORIGIN, "keyVault"],
      ),
      ...[...secrets].map((secret) =>
        desired(
          {
            apiVersion: ESO_API_VERSION,
            kind: "ExternalSecret",
            metadata: { name: secret, namespace, labels },
            spec: {
              refreshInterval: "1h",
              secretStoreRef: { kind: "SecretStore", name: SECRET_STORE },
              target: { name: secret, creationPolicy: "Owner" },
              data: [...delivery.backed.get(secret)!].map(([key, ref]) => ({ secretKey: key, remoteRef: { key: ref.secretName, ...(ref.field !== undefined ? { property: ref.field } : {}) } })),
            },
          },
          [...ORIGIN, "delivery"],
        ),
      ),
    );
  }
  return { kubernetes: [...input.kubernetes, ...out], readers: [{ clientId: identity.clientId, vaultKey: delivery.vault.key, origin: [...ORIGIN, "identity"] }], diagnostics: [] };
}
