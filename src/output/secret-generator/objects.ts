/**
 * The secret generator as objects, carried by the manifests and the chart so every delivery path creates the
 * credentials pods read, with no value ever in the output:
 *   - ServiceAccount `berth-secrets` in the first namespace of the platform;
 *   - per namespace holding a generated Secret, a Role allowing `create` on secrets (create cannot be limited by name)
 *     and `get`/`patch` only on the Secrets named there, bound to that ServiceAccount;
 *   - a NetworkPolicy letting the generator reach the API server and nothing else;
 *   - the Job, named by a digest of its content (a Job's template cannot change, so a new table is a new Job).
 * The Job's annotation lists what it creates (names, keys, namespaces): lint reads it as the promise it is.
 * `berth up` does not apply these objects: it creates the same Secrets itself, with the same labels and forms.
 */
import { createHash } from "node:crypto";
import type { ResolvedSpec } from "../../spec/resolve.ts";
import { desired, type KubeDesired, type KubeObject } from "../../resources/kube-object.ts";
import { ANNOTATION, LABEL } from "../../resources/labels.ts";
import { networkPolicy, tcp } from "../../resources/network-policy.ts";
import { securePodSpec } from "../../resources/pod.ts";
import type { GeneratedSecret } from "../../resources/secrets.ts";
import { GENERATOR_SCRIPT } from "./script.ts";

export const GENERATOR_NAME = "berth-secrets";
/** A small image with sh and curl, pinned. Runs as its own non-root user (curl_user, 100:101). */
export const GENERATOR_IMAGE = "curlimages/curl:8.11.1";
const GENERATOR_USER = { runAsUser: 100, runAsGroup: 101, fsGroup: 101 };
/** The API server, as pods reach it: the `kubernetes` Service (443) and, after DNAT, the endpoints (443 or 6443). */
const API_SERVER_PORTS = [443, 6443];

/** One line per secret for the script: `name ns1,ns2 key:alnum32 key2:fernet`. */
export const secretTable = (secrets: readonly GeneratedSecret[]): string =>
  secrets.map((s) => [s.name, s.namespaces.join(","), ...s.keys.map((k) => `${k}:${s.formats?.[k] ?? `alnum${s.length}`}`)].join(" ")).join("\n");

/** What the Job promises to create, for lint: names, keys and namespaces only. */
export const generatedSecretsAnnotation = (secrets: readonly GeneratedSecret[]): string =>
  JSON.stringify(secrets.map((s) => ({ name: s.name, keys: s.keys, namespaces: s.namespaces })));

/** The labels berth up puts on the Secrets it generates, so either path finds the other's Secrets its own. */
export const generatedSecretLabels = (platform: string, env: string | undefined): Record<string, string> => ({
  [LABEL.managedBy]: "berth",
  [LABEL.partOf]: platform,
  ...(env ? { [LABEL.instance]: `${platform}.${env}` } : {}),
  [LABEL.generated]: "true",
});

export function secretGeneratorResources(spec: ResolvedSpec, resources: readonly KubeDesired[], secrets: readonly GeneratedSecret[]): KubeDesired[] {
  if (!secrets.length) return [];
  const platform = spec.platform;
  const home = resources.find((r) => r.object.kind === "Namespace")?.object.metadata.name ?? secrets[0]!.namespaces[0]!;
  const origin = ["spec", "components"];
  const labels = { ...platform.metadata.labels, [LABEL.name]: GENERATOR_NAME, [LABEL.partOf]: platform.metadata.name, [LABEL.managedBy]: "berth", [LABEL.component]: "secret-generator" };
  const selector = { [LABEL.name]: GENERATOR_NAME, [LABEL.partOf]: platform.metadata.name };

  const namesByNamespace = new Map<string, Set<string>>();
  for (const s of secrets) for (const ns of s.namespaces) namesByNamespace.set(ns, (namesByNamespace.get(ns) ?? new Set()).add(s.name));
  const access = [...namesByNamespace].sort(([a], [b]) => a.localeCompare(b)).flatMap(([namespace, names]): KubeObject[] => [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: GENERATOR_NAME, namespace, labels },
      rules: [
        { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
        { apiGroups: [""], resources: ["secrets"], resourceNames: [...names].sort(), verbs: ["get", "patch"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: GENERATOR_NAME, namespace, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: GENERATOR_NAME },
      subjects: [{ kind: "ServiceAccount", name: GENERATOR_NAME, namespace: home }],
    },
  ]);

  const pod = securePodSpec({
    serviceAccountName: GENERATOR_NAME,
    automountServiceAccountToken: true,
    identity: GENERATOR_USER,
    containers: [
      {
        name: "generate",
        image: GENERATOR_IMAGE,
        command: ["/bin/sh", "-c", GENERATOR_SCRIPT, GENERATOR_NAME],
        env: [
          { name: "BERTH_SECRETS", value: secretTable(secrets) },
          { name: "BERTH_LABELS", value: JSON.stringify(generatedSecretLabels(platform.metadata.name, spec.env)) },
        ],
        resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
      },
    ],
    volumes: [],
  });
  // OpenShift's restricted SCC assigns the UID from the namespace's range; a fixed one would be refused.
  if (platform.spec.kubernetes?.openshift) {
    const sc = pod.securityContext!;
    delete sc.runAsUser;
    delete sc.runAsGroup;
    delete sc.fsGroup;
  }
  const jobSpec = {
    backoffLimit: 6,
    activeDeadlineSeconds: 600,
    ttlSecondsAfterFinished: 86400,
    template: { metadata: { labels }, spec: { ...pod, restartPolicy: "Never" } },
  };
  const digest = createHash("sha256").update(JSON.stringify(jobSpec)).digest("hex").slice(0, 8);
  const job: KubeObject = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: `${GENERATOR_NAME}-${digest}`, namespace: home, labels, annotations: { [ANNOTATION.generatesSecrets]: generatedSecretsAnnotation(secrets) } },
    spec: jobSpec,
  };

  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: GENERATOR_NAME, namespace: home, labels }, automountServiceAccountToken: false },
    ...access,
    networkPolicy({ name: GENERATOR_NAME, namespace: home, labels, podSelector: selector, openshift: platform.spec.kubernetes?.openshift, ingress: [], egress: [{ ports: API_SERVER_PORTS.map(tcp) }] }),
    job,
  ].map((o) => desired(o, origin));
}
