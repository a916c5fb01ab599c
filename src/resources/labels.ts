/** Label keys berth writes, in one place so selectors, policies and checks agree. */
export const LABEL = {
  name: "app.kubernetes.io/name",
  partOf: "app.kubernetes.io/part-of",
  managedBy: "app.kubernetes.io/managed-by",
  version: "app.kubernetes.io/version",
  component: "app.kubernetes.io/component",
  track: "berth.dev/track",
  /** Short forms many dashboards and meshes read. */
  app: "app",
  shortVersion: "version",
  workloadIdentity: "azure.workload.identity/use",
  namespaceName: "kubernetes.io/metadata.name",
  /** `<platform>.<env>` on everything `berth up` applies: how prune, down and status find what an instance owns. */
  instance: "berth.dev/instance",
  /** On Secrets berth generated at deploy time: they unlock data, so down keeps them unless --delete-data. */
  generated: "berth.dev/generated",
} as const;

export const ANNOTATION = {
  clientId: "azure.workload.identity/client-id",
  tenantId: "azure.workload.identity/tenant-id",
  egressHosts: "berth.dev/egress-hosts",
  /** Digest of the plan step that last applied the object: a field removed from the spec changes it. */
  appliedDigest: "berth.dev/applied-digest",
  /** The object existed before berth took it over: berth never deletes it. */
  adopted: "berth.dev/adopted",
  /** On the secret generator Job: JSON list of the Secrets it creates (name, keys, namespaces), never values. */
  generatesSecrets: "berth.dev/generates-secrets",
  /** On a Namespace: JSON map of the Secrets the user provides there (spec.secrets) to their keys. */
  providedSecrets: "berth.dev/provided-secrets",
  /**
   * On an object that needs something installed in the cluster (a CSI driver, an operator's CRDs): the key of the
   * plan step that installs it (an AKS add-on), so preflight does not ask for it before that step has run.
   */
  prerequisiteFrom: "berth.dev/prerequisite-from",
} as const;

export const PSS_LABELS = (version: string): Record<string, string> => ({
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/enforce-version": `v${version}`,
  "pod-security.kubernetes.io/audit": "restricted",
  "pod-security.kubernetes.io/warn": "restricted",
});

export type Track = "stable" | "canary";
