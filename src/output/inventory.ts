/**
 * inventory.json: what the build produced and what it expects to find in the cluster. Names and keys only —
 * never a secret value.
 */
import { ANNOTATION } from "../resources/labels.ts";
import type { ResolvedSpec } from "../spec/resolve.ts";
import type { KubeDesired } from "../resources/kube-object.ts";
import type { GeneratedSecret } from "../resources/secrets.ts";
import type { RenderedFile } from "./manifests.ts";
import { compareObjects, fileFor, GROUP_OF_KIND, OUTPUT_GROUPS } from "./layout.ts";
import { providedSecretNamespaces } from "./provided-secrets.ts";

const fileRank = (kind: string) => GROUP_OF_KIND.get(kind) ?? OUTPUT_GROUPS.length;

export function renderInventory(spec: ResolvedSpec, resources: readonly KubeDesired[], generated: readonly GeneratedSecret[] = []): RenderedFile {
  const p = spec.platform;
  // A declared secret must exist in every namespace whose objects read it (apps, components, jobs, ingress TLS).
  const readers = providedSecretNamespaces(spec, resources);
  const ordered = [...resources].sort((a, b) => fileRank(a.object.kind) - fileRank(b.object.kind) || compareObjects(a.object, b.object));
  const inventory = {
    apiVersion: "berth.dev/v1alpha1",
    kind: "BuildInventory",
    platform: p.metadata.name,
    environment: spec.env ?? null,
    kubernetesVersion: p.spec.kubernetes?.version ?? null,
    objects: ordered.map((r) => ({
      apiVersion: r.object.apiVersion,
      kind: r.object.kind,
      namespace: r.object.metadata.namespace ?? null,
      name: r.object.metadata.name,
      file: `manifests/${fileFor(r.object.kind)}`,
    })),
    creates: {
      // Generated at deploy time, once, and kept; the same values in every namespace listed. Names and keys only.
      secrets: generated.map((g) => ({ name: g.name, keys: g.keys, namespaces: g.namespaces, length: g.length, ...(g.formats ? { formats: g.formats } : {}) })),
    },
    requires: {
      secrets: Object.entries(p.spec.secrets).map(([name, s]) => ({
        name,
        type: s.type,
        keys: s.keys,
        namespaces: readers.get(name) ?? [],
        ...(s.keyVault ? { keyVault: s.keyVault } : {}),
      })),
      ingressController: p.spec.kubernetes?.ingress?.controller ?? null,
      certManagerIssuers: p.spec.kubernetes?.certManager?.issuers ?? [],
      prometheusOperator: p.spec.kubernetes?.prometheus ? { namespace: p.spec.kubernetes?.prometheus.namespace } : null,
      metricsAdapter: p.spec.kubernetes?.metricsAdapter ?? null,
      // One federated credential per ServiceAccount that carries a client id (the pods that use it carry the label).
      workloadIdentities: ordered
        .filter((r) => r.object.kind === "ServiceAccount" && r.object.metadata.annotations?.[ANNOTATION.clientId])
        .map((r) => ({
          clientId: r.object.metadata.annotations![ANNOTATION.clientId],
          serviceAccount: r.object.metadata.name,
          namespace: r.object.metadata.namespace,
          federatedSubject: `system:serviceaccount:${r.object.metadata.namespace}:${r.object.metadata.name}`,
          audience: "api://AzureADTokenExchange",
        })),
    },
  };
  return { path: "inventory.json", content: `${JSON.stringify(inventory, null, 2)}\n` };
}
