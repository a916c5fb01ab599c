/**
 * The Secrets the user provides (spec.secrets), declared where they must exist: each Namespace whose objects read one
 * carries the names and keys in an annotation. Lint of the output understands it (the Secret is promised, not
 * missing), and whoever applies the manifests sees what to create first. Names and keys only.
 */
import { secretsReadBy } from "../plan/secret-uses.ts";
import type { KubeDesired } from "../resources/kube-object.ts";
import { ANNOTATION } from "../resources/labels.ts";
import type { ResolvedSpec } from "../spec/resolve.ts";
import { clusterSecrets } from "../resources/vault-secrets.ts";

/** Namespaces whose objects read each declared secret, sorted. */
export function providedSecretNamespaces(spec: ResolvedSpec, resources: readonly KubeDesired[]): Map<string, string[]> {
  // Those the vault holds are not the user's to create in the cluster (docs/design/0011).
  const declared = clusterSecrets(spec.platform.spec.secrets);
  const out = new Map<string, Set<string>>(Object.keys(declared).map((n) => [n, new Set()]));
  // Nothing declared, nothing to look for: the walk through every object is the cost here.
  if (out.size === 0) return new Map();
  for (const r of resources) {
    const ns = r.object.metadata.namespace;
    if (!ns) continue;
    for (const name of secretsReadBy(r.object)) out.get(name)?.add(ns);
  }
  return new Map([...out].map(([n, set]) => [n, [...set].sort()]));
}

export function withProvidedSecrets(spec: ResolvedSpec, resources: readonly KubeDesired[]): KubeDesired[] {
  const byNamespace = new Map<string, Record<string, readonly string[]>>();
  for (const [name, namespaces] of providedSecretNamespaces(spec, resources))
    for (const ns of namespaces) byNamespace.set(ns, { ...byNamespace.get(ns), [name]: spec.platform.spec.secrets[name]!.keys });
  return resources.map((r) => {
    const provided = r.object.kind === "Namespace" ? byNamespace.get(r.object.metadata.name) : undefined;
    if (!provided) return r;
    const annotations = { ...r.object.metadata.annotations, [ANNOTATION.providedSecrets]: JSON.stringify(provided) };
    return { ...r, object: { ...r.object, metadata: { ...r.object.metadata, annotations } } };
  });
}
