/**
 * The manifests layout, as data: one file per apply stage, in the order a plain `kubectl apply -f manifests/`
 * (which reads files alphabetically) must follow. Namespaces first, then their default-deny policies so no pod
 * ever runs unrestricted, then identities and config before the workloads that reference them.
 */
export const OUTPUT_GROUPS: readonly { readonly file: string; readonly kinds: readonly string[] }[] = [
  { file: "00-namespaces.yaml", kinds: ["Namespace"] },
  { file: "01-network-policies.yaml", kinds: ["NetworkPolicy"] },
  { file: "10-access.yaml", kinds: ["ServiceAccount", "Role", "RoleBinding"] },
  // What makes Secrets (Key Vault delivery) sits with them: applied before the pods that read them.
  { file: "20-config.yaml", kinds: ["ConfigMap", "Secret", "SecretProviderClass", "SecretStore", "ExternalSecret"] },
  { file: "30-storage.yaml", kinds: ["PersistentVolumeClaim"] },
  { file: "40-workloads.yaml", kinds: ["Deployment", "StatefulSet", "Job", "CronJob"] },
  { file: "50-services.yaml", kinds: ["Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"] },
  { file: "60-ingress.yaml", kinds: ["Certificate", "Ingress"] },
  { file: "70-monitoring.yaml", kinds: ["ServiceMonitor", "PrometheusRule"] },
];
export const OTHER_FILE = "90-other.yaml";

const KIND_RANK = new Map(OUTPUT_GROUPS.flatMap((g) => g.kinds).map((k, i) => [k, i]));

/** The index in OUTPUT_GROUPS of the group that lists a kind (the first, were one listed twice). */
export const GROUP_OF_KIND: ReadonlyMap<string, number> = new Map(OUTPUT_GROUPS.flatMap((g, i) => g.kinds.map((k) => [k, i] as const)).reverse());

export const fileFor = (kind: string): string => OUTPUT_GROUPS[GROUP_OF_KIND.get(kind) ?? -1]?.file ?? OTHER_FILE;

/** Stable order inside a file: kind, then namespace, then name. */
export const compareObjects = (
  a: { kind: string; metadata: { namespace?: string; name: string } },
  b: { kind: string; metadata: { namespace?: string; name: string } },
): number =>
  (KIND_RANK.get(a.kind) ?? 999) - (KIND_RANK.get(b.kind) ?? 999) ||
  (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "") ||
  a.metadata.name.localeCompare(b.metadata.name);
