/**
 * Platform-level objects and the synth entry point: one Namespace per namespace in use, labelled to enforce Pod
 * Security "restricted", each with a default-deny NetworkPolicy; then every app's objects.
 */
import type { ResolvedSpec } from "../spec/resolve.ts";
import { INGRESS_CONTROLLERS } from "../resources/cluster-catalog.ts";
import type { AzureDesired } from "../resources/azure-resource.ts";
import { desired, type KubeDesired } from "../resources/kube-object.ts";
import { peer, tcp } from "../resources/network-policy.ts";
import { LABEL, PSS_LABELS } from "../resources/labels.ts";
import { type GeneratedSecret, mergeSecrets } from "../resources/secrets.ts";
import { synthApp } from "./app/index.ts";
import { appContext } from "./app/context.ts";
import { componentContexts, connectionsOf, resolveNamespace, synthComponents } from "./components/index.ts";
import { synthJobs } from "./jobs/index.ts";
import { kubernetesOf } from "../spec/kubernetes-of.ts";
import { synthAzure } from "./azure/index.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import type { VaultDelivery } from "../resources/vault-secrets.ts";
import type { IdentityCheckDesired } from "../resources/identity-check.ts";

export interface Synthesized {
  /** Kubernetes objects: what lint, the manifests, the chart and the inventory are made of. */
  readonly resources: KubeDesired[];
  /**
   * Azure resources the spec asks for (src/catalog/azure/ writes them): planned and deployed beside the Kubernetes
   * ones, never rendered as manifests.
   */
  readonly azure: AzureDesired[];
  /** Secrets berth generates at deploy time (names, keys, namespaces; never values). */
  readonly secrets: GeneratedSecret[];
  /** What Azure synth found wrong that the spec rules could not (none for a valid spec). */
  readonly diagnostics: Diagnostic[];
  /** Vault mode: the Secret keys the environment's Key Vault holds and how pods get them (docs/design/0011). */
  readonly vault?: VaultDelivery;
  /** Checks `berth up` runs after deploying (workload identity verified); never rendered as files. */
  readonly checks: IdentityCheckDesired[];
}

export function synthPlatform(spec: ResolvedSpec): Synthesized {
  const platform = spec.platform;
  // An Azure-only platform: the spec rules refuse apps, components and jobs without a cluster, so there is nothing.
  if (!platform.spec.kubernetes) return { ...withAzure(spec, [], []), secrets: [] };
  const apps = Object.keys(platform.spec.apps).map((name) => appContext(platform, name, connectionsOf(platform, name)));
  const namespaces = new Map<string, (string | number)[]>();
  for (const ctx of componentContexts(platform)) if (!namespaces.has(ctx.namespace)) namespaces.set(ctx.namespace, ctx.options.namespace ? [...ctx.origin, "namespace"] : ["spec", "kubernetes", "namespace"]);
  for (const ctx of apps) if (!namespaces.has(ctx.namespace)) namespaces.set(ctx.namespace, ctx.app.namespace ? [...ctx.origin, "namespace"] : ["spec", "kubernetes", "namespace"]);
  for (const [name, job] of Object.entries(platform.spec.jobs)) {
    const ns = resolveNamespace(platform, job.namespace);
    if (!namespaces.has(ns)) namespaces.set(ns, job.namespace ? ["spec", "jobs", name, "namespace"] : ["spec", "kubernetes", "namespace"]);
  }
  const labels = { ...platform.metadata.labels, [LABEL.partOf]: platform.metadata.name, [LABEL.managedBy]: "berth" };
  const out: KubeDesired[] = [];
  for (const [namespace, origin] of namespaces) {
    out.push(
      desired({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels: { ...labels, ...PSS_LABELS(kubernetesOf(platform).version) } } }, origin),
      desired(
        {
          apiVersion: "networking.k8s.io/v1",
          kind: "NetworkPolicy",
          metadata: { name: "default-deny", namespace, labels },
          spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        },
        origin,
      ),
    );
  }
  out.push(...http01SolverPolicies(platform, apps));
  const components = synthComponents(platform);
  out.push(...components.resources);
  for (const ctx of apps) out.push(...synthApp(ctx));
  out.push(...synthJobs(platform));
  const secrets = mergeSecrets(components.secrets);
  const synthesized = withAzure(spec, orderByConnections(platform, out), secrets);
  // In vault mode the vault makes and keeps what berth would generate: neither berth up nor the generator Job makes
  // a Kubernetes Secret of it (docs/design/0011); delivery brings it to the pods that read it.
  return { ...synthesized, secrets: secrets.filter((s) => !synthesized.vault?.backed.has(s.name)) };
}

/** The Azure resources beside the Kubernetes objects: federated credentials follow the ServiceAccounts synthesized here. */
function withAzure(spec: ResolvedSpec, kubernetes: KubeDesired[], secrets: readonly GeneratedSecret[]): Pick<Synthesized, "resources" | "azure" | "diagnostics" | "vault" | "checks"> {
  const azure = synthAzure(spec, kubernetes, secrets);
  return { resources: azure.kubernetes, azure: azure.azure, diagnostics: azure.diagnostics, ...(azure.vault ? { vault: azure.vault } : {}), checks: azure.checks };
}

const WORKLOADS = new Set(["Deployment", "StatefulSet", "Job"]);

/**
 * `connects` orders the rollout: a consumer's workloads need its providers' workloads (ready, or for Jobs complete)
 * first. Kept as data on each resource for the deploy plan; the cycle rules guarantee this graph has no loops.
 */
function orderByConnections(platform: ResolvedSpec["platform"], resources: KubeDesired[]): KubeDesired[] {
  const workloadsOf = new Map<string, string[]>();
  for (const r of resources) {
    if (!r.group || !WORKLOADS.has(r.object.kind) || r.group[0] === "jobs") continue;
    const key = r.group.join("/");
    const list = workloadsOf.get(key);
    if (list) list.push(r.key);
    else workloadsOf.set(key, [r.key]);
  }
  const connectsOf = (group: readonly string[]): readonly string[] => {
    const [kind, name] = group as [string, string];
    if (kind === "apps") return platform.spec.apps[name]?.connects ?? [];
    if (kind === "components") return platform.spec.components[name]?.connects ?? [];
    return platform.spec.jobs[name]?.connects ?? [];
  };
  return resources.map((r) => {
    if (!r.group || !WORKLOADS.has(r.object.kind)) return r;
    const providers = connectsOf(r.group).flatMap((target) => workloadsOf.get(`components/${target}`) ?? workloadsOf.get(`apps/${target}`) ?? []);
    const needs = [...new Set([...(r.needs ?? []), ...providers])];
    return needs.length ? { ...r, needs } : r;
  });
}

/**
 * cert-manager proves HTTP-01 challenges with a solver pod in the certificate's namespace, reached by the ingress
 * controller on port 8089; default-deny would block it and the certificate would never be issued.
 */
function http01SolverPolicies(platform: ResolvedSpec["platform"], apps: ReturnType<typeof appContext>[]): KubeDesired[] {
  const k8s = kubernetesOf(platform);
  if (!k8s.ingress || !k8s.certManager) return [];
  const profile = INGRESS_CONTROLLERS[k8s.ingress.controller];
  const namespaces = new Map<string, (string | number)[]>();
  for (const ctx of apps) {
    const tls = ctx.app.ingress?.tls;
    const issuer = tls && "issuer" in tls ? k8s.certManager.issuers.find((i) => i.name === tls.issuer) : undefined;
    if (issuer?.solver === "http01" && !namespaces.has(ctx.namespace)) namespaces.set(ctx.namespace, [...ctx.origin, "ingress", "tls"]);
  }
  return [...namespaces].map(([namespace, origin]) =>
    desired(
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "cert-manager-http01-solver", namespace, labels: { [LABEL.partOf]: platform.metadata.name, [LABEL.managedBy]: "berth" } },
        spec: {
          podSelector: { matchLabels: { "acme.cert-manager.io/http01-solver": "true" } },
          policyTypes: ["Ingress"],
          ingress: [{ from: [peer(k8s.ingress!.namespace ?? profile.namespace, k8s.ingress!.podLabels ?? profile.podLabels)], ports: [tcp(8089)] }],
        },
      },
      origin,
    ),
  );
}
