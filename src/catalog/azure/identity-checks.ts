/**
 * Workload identity verified (docs/design/0011): one check per ServiceAccount that carries an identity's client id —
 * the (namespace, ServiceAccount, identity) its workloads run as. The check is a Job under that ServiceAccount
 * running berth's checker (src/verify/identity-check.mjs) from a ConfigMap, with a NetworkPolicy opening DNS and 443
 * to Entra and the vault; which vault secret it reads is decided here, from what the workloads read:
 *
 * 1. a vault-backed Secret its workloads read (vault mode), or a vault object of a SecretProviderClass they mount;
 * 2. else a secret of a vault whose URI its workloads are given (they read that vault themselves, seed 003);
 * 3. else, for the identity vault mode reads with by default, any vault-backed secret;
 * 4. else none: the token exchange alone, and the result says so.
 *
 * Pure: the checker's text is read from berth's own files; nothing remote is consulted.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { secretsReadBy } from "../../plan/secret-uses.ts";
import { refOf } from "../../plan/step.ts";
import type { AzureDesired } from "../../resources/azure-resource.ts";
import { BUILT_IN_ROLES } from "../../resources/azure-roles.ts";
import { IDENTITY_CHECK_PROVIDER, type IdentityCheck, type IdentityCheckDesired } from "../../resources/identity-check.ts";
import type { KubeDesired, KubeObject } from "../../resources/kube-object.ts";
import { resourceKey } from "../../resources/kube-object.ts";
import { ANNOTATION, LABEL } from "../../resources/labels.ts";
import { type ExternalEndpoint, externalEgress, networkPolicy } from "../../resources/network-policy.ts";
import { outputRefsIn, outputToken } from "../../resources/outputs.ts";
import { restrictedContainerSecurity, withEphemeralStorage } from "../../resources/pod.ts";
import type { VaultDelivery, VaultRef } from "../../resources/vault-secrets.ts";
import type { ResolvedSpec } from "../../spec/resolve.ts";
import { kubernetesOf } from "../../spec/kubernetes-of.ts";
import { packageRoot } from "../../util/package-root.ts";
import { AZURE_CLOUDS } from "../../providers/azure/cloud.ts";
import type { AzureContext } from "./context.ts";
import { EGRESS_HOSTS } from "./egress-hosts.ts";
import { armOf } from "./ids.ts";

const FIC_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials";
const ROLE_TYPE = "Microsoft.Authorization/roleAssignments";
const SECRET_TYPE = "Microsoft.KeyVault/vaults/secrets";
const VAULT_TYPE = "Microsoft.KeyVault/vaults";
/** Roles whose data actions include reading a secret's value. */
const SECRET_READERS = ["Key Vault Secrets User", "Key Vault Secrets Officer", "Key Vault Administrator"] as const;
const SCRIPT = "identity-check.mjs";
const MOUNT = "/berth";
/** The distroless image's non-root user. */
const NONROOT = 65532;

/** The checker's text, put into the bundle when berth is bundled (scripts/bundle/options.mjs); read from the sources otherwise. */
declare const __BERTH_IDENTITY_CHECK__: string | undefined;
let checker: string | undefined;
const checkerScript = (): string =>
  (checker ??= typeof __BERTH_IDENTITY_CHECK__ === "string" ? __BERTH_IDENTITY_CHECK__ : readFileSync(join(packageRoot(), "src", "verify", SCRIPT), "utf8"));

/** The pod template of a workload, if it has one (CronJob: its job template's). */
function podTemplateOf(o: KubeObject): { metadata?: { labels?: Record<string, string> }; spec?: Record<string, any> } | undefined {
  const spec = o.spec as Record<string, any> | undefined;
  return spec?.template ?? spec?.jobTemplate?.spec?.template;
}

interface Found {
  readonly ref: VaultRef;
  readonly why: string;
}

/** The SecretProviderClass objects a pod template mounts (csi volumes), read for the vault objects they name. */
function providerClassRefs(template: ReturnType<typeof podTemplateOf>, namespace: string, kubernetes: readonly KubeDesired[], vaults: ReadonlyMap<string, string>): VaultRef[] {
  const classes = new Set<string>(((template?.spec?.volumes ?? []) as Record<string, any>[]).map((v) => v.csi?.volumeAttributes?.secretProviderClass).filter(Boolean));
  return kubernetes
    .filter((r) => r.object.kind === "SecretProviderClass" && r.object.metadata.namespace === namespace && classes.has(r.object.metadata.name))
    .flatMap((r) => {
      const params = ((r.object.spec as Record<string, any> | undefined)?.parameters ?? {}) as Record<string, string>;
      const vaultKey = vaults.get(String(params.keyvaultName ?? "").toLowerCase());
      if (!vaultKey) return [];
      // `objects` is the provider's YAML string: `array:\n  - |\n    objectName: x\n    objectType: secret…`.
      return [...String(params.objects ?? "").matchAll(/objectName:\s*["']?([0-9A-Za-z-]+)/g)].map((m) => ({ vaultKey, vault: params.keyvaultName!, secretName: m[1]! }));
    });
}

/** Vault keys whose URI output a workload's pod template is given (an env value from azure.keyVaults.<x>). */
const vaultUrisIn = (template: unknown): string[] => outputRefsIn(template).filter((r) => r.output === "vaultUri").map((r) => r.resource);

/** The secret the check reads for these workloads, by the rules above, or why there is none. */
function secretToRead(args: {
  workloads: readonly KubeDesired[];
  namespace: string;
  identity: string;
  kubernetes: readonly KubeDesired[];
  azure: readonly AzureDesired[];
  vault: VaultDelivery | undefined;
}): Found | { none: string } {
  const { workloads, namespace, vault, azure } = args;
  const vaultNames = new Map(azure.filter((r) => r.resource.type === VAULT_TYPE).map((r) => [r.resource.name.toLowerCase(), r.key]));
  const first = (refs: readonly VaultRef[]) => [...refs].sort((a, b) => a.secretName.localeCompare(b.secretName))[0];
  const read: VaultRef[] = [];
  for (const w of workloads) {
    for (const name of secretsReadBy(w.object)) for (const r of vault?.backed.get(name)?.values() ?? []) if (!r.field) read.push(r);
    read.push(...providerClassRefs(podTemplateOf(w.object), namespace, args.kubernetes, vaultNames));
  }
  const backed = first(read);
  if (backed) return { ref: backed, why: `a vault secret its workloads read (${backed.secretName})` };
  const referenced = [...new Set(workloads.flatMap((w) => vaultUrisIn(podTemplateOf(w.object))))];
  for (const vaultKey of referenced.sort()) {
    const place = azure.find((r) => r.key === vaultKey)?.resource;
    if (!place) continue;
    const inVault = azure.filter((r) => r.resource.type === SECRET_TYPE && r.resource.id.toLowerCase().startsWith(`${place.id.toLowerCase()}/secrets/`));
    const kept = azure.flatMap((r) => Object.values(r.resource.generatedSecrets ?? {}).filter((g) => g.keepIn === vaultKey || g.keepIn.toLowerCase() === place.id.toLowerCase()).map((g) => g.secretName));
    const names = [...inVault.map((r) => r.resource.name.split("/")[1]!), ...kept].sort();
    if (names[0]) return { ref: { vaultKey, vault: place.name, secretName: names[0] }, why: `its workloads are given vault ${place.name}'s URI; reads ${names[0]}` };
  }
  if (vault && vault.identity === args.identity) {
    const any = first([...vault.backed.values()].flatMap((m) => [...m.values()]).filter((r) => !r.field));
    if (any) return { ref: any, why: `the identity vault mode reads ${vault.vault.name} with; reads ${any.secretName}` };
  }
  return { none: "its workloads read no vault secret: the token exchange alone is checked" };
}

/** Names of the secret-reading roles the plan assigns to `principal` on the vault or a scope above it. */
function grantsOn(azure: readonly AzureDesired[], principal: string, vaultId: string): string[] {
  const readers = new Map(SECRET_READERS.map((r) => [BUILT_IN_ROLES[r]!, r]));
  const vault = vaultId.toLowerCase();
  return azure
    .filter((r) => r.resource.type === ROLE_TYPE && (r.resource.body as Record<string, any>).properties?.principalId === principal)
    .flatMap((r) => {
      const scope = r.resource.id.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i, "").toLowerCase();
      const role = readers.get(String((r.resource.body as Record<string, any>).properties?.roleDefinitionId ?? "").split("/").pop() ?? "");
      return role && (vault === scope || vault.startsWith(`${scope}/`)) ? [role] : [];
    });
}

/** Egress of the check: Entra and Key Vault of the spec's cloud (a custom cloud's hosts are unknown: port only). */
function egressOf(ctx: AzureContext): ExternalEndpoint[] {
  const cloud = ctx.azure.cloud;
  if (typeof cloud !== "string") return [{ hosts: [], ports: [443] }];
  return [
    { hosts: [new URL(AZURE_CLOUDS[cloud]!.authorityHost).host], ports: [443] },
    { hosts: [EGRESS_HOSTS["keyVaults.vaultUri"]!.hosts[cloud]], ports: [443] },
  ];
}

const shortHash = (s: string): string => createHash("sha256").update(s).digest("hex").slice(0, 10);

function objectsOf(ctx: AzureContext, spec: ResolvedSpec, c: { namespace: string; sa: string; identity: string; vaultUri?: string; secret?: string }): IdentityCheck["objects"] {
  const platform = spec.platform;
  const name = `berth-verify-${shortHash(`${c.namespace}/${c.sa}/${c.identity}`)}`;
  const labels = { ...platform.metadata.labels, [LABEL.name]: "berth-verify", [LABEL.component]: "identity-check", [LABEL.partOf]: platform.metadata.name, [LABEL.managedBy]: "berth" };
  const selector = { [LABEL.name]: "berth-verify", "berth.dev/verify": name };
  const openshift = kubernetesOf(platform).openshift;
  const outside = externalEgress(egressOf(ctx));
  const configMap: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: c.namespace, labels }, data: { [SCRIPT]: checkerScript() } };
  const policy = networkPolicy({
    name,
    namespace: c.namespace,
    labels,
    ...(outside.annotations ? { annotations: outside.annotations } : {}),
    podSelector: selector,
    openshift,
    ingress: [],
    egress: outside.rules,
  });
  const env = [
    ...(c.vaultUri ? [{ name: "BERTH_VAULT_URI", value: c.vaultUri }] : []),
    ...(c.secret ? [{ name: "BERTH_SECRET_NAME", value: c.secret }] : []),
  ];
  const job: KubeObject = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: c.namespace, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: 120,
      ttlSecondsAfterFinished: 300,
      template: {
        // The label the webhook's objectSelector matches: without it nothing is injected.
        metadata: { labels: { ...labels, ...selector, [LABEL.workloadIdentity]: "true" } },
        spec: {
          serviceAccountName: c.sa,
          // The webhook projects its own token for Entra; the API server's is not needed.
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          restartPolicy: "Never",
          securityContext: {
            runAsNonRoot: true,
            ...(openshift ? {} : { runAsUser: NONROOT, runAsGroup: NONROOT, fsGroup: NONROOT }),
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: "check",
              image: ctx.azure.verify.image,
              // The image's entrypoint is node: the script is its argument (no shell in the image).
              args: [`${MOUNT}/${SCRIPT}`],
              ...(env.length ? { env } : {}),
              resources: withEphemeralStorage({ requests: { cpu: "10m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } }),
              securityContext: restrictedContainerSecurity(),
              volumeMounts: [{ name: "checker", mountPath: MOUNT, readOnly: true }],
            },
          ],
          volumes: [{ name: "checker", configMap: { name, defaultMode: 0o444 } }],
        },
      },
    },
  };
  return { configMap, networkPolicy: policy, job };
}

/** One check per annotated ServiceAccount; none when the spec turns checks off. */
export function synthIdentityChecks(ctx: AzureContext, spec: ResolvedSpec, kubernetes: readonly KubeDesired[], azure: readonly AzureDesired[], vault: VaultDelivery | undefined): IdentityCheckDesired[] {
  if (!ctx.azure.verify.workloadIdentity) return [];
  const made = new Map(Object.keys(ctx.azure.identities).map((logical) => {
    const place = armOf(ctx.azure, "identities", logical)!;
    return [outputToken({ resource: place.key, output: "clientId" }), { logical, place }] as const;
  }));
  const given = new Map(Object.entries(spec.platform.spec.identities).flatMap(([logical, i]) => (i.azure ? [[i.azure.clientId, logical] as const] : [])));
  const aks = Object.keys(ctx.azure.aks);
  const issuer = aks.length === 1 ? outputToken({ resource: armOf(ctx.azure, "aks", aks[0]!)!.key, output: "oidcIssuer" }) : undefined;
  const out: IdentityCheckDesired[] = [];
  for (const sa of kubernetes.filter((r) => r.object.kind === "ServiceAccount")) {
    const clientId = sa.object.metadata.annotations?.[ANNOTATION.clientId];
    if (!clientId) continue;
    const namespace = sa.object.metadata.namespace!;
    const name = sa.object.metadata.name;
    const ours = made.get(clientId);
    const identity = ours?.logical ?? given.get(clientId);
    if (!identity) continue;
    const workloads = kubernetes.filter((r) => {
      const t = podTemplateOf(r.object);
      return r.object.metadata.namespace === namespace && t?.spec?.serviceAccountName === name && t.metadata?.labels?.[LABEL.workloadIdentity] === "true";
    });
    const found = secretToRead({ workloads, namespace, identity, kubernetes, azure, vault });
    const vaultPlace = "ref" in found ? azure.find((r) => r.key === found.ref.vaultKey)?.resource : undefined;
    const principal = ours ? outputToken({ resource: ours.place.key, output: "principalId" }) : undefined;
    const secretResource = "ref" in found ? azure.find((r) => r.resource.type === SECRET_TYPE && r.resource.name.toLowerCase() === `${found.ref.vault}/${found.ref.secretName}`.toLowerCase()) : undefined;
    const subject = `system:serviceaccount:${namespace}:${name}`;
    const credentials = azure.filter((r) => r.resource.type === FIC_TYPE && (r.resource.body as Record<string, any>).properties?.subject === subject);
    const roles = principal ? azure.filter((r) => r.resource.type === ROLE_TYPE && (r.resource.body as Record<string, any>).properties?.principalId === principal) : [];
    const objects = objectsOf(ctx, spec, {
      namespace,
      sa: name,
      identity,
      ...("ref" in found && vaultPlace ? { vaultUri: outputToken({ resource: found.ref.vaultKey, output: "vaultUri" }), secret: found.ref.secretName } : {}),
    });
    const check: IdentityCheck = {
      namespace,
      serviceAccount: name,
      identity: { name: identity, ...(ours ? { id: ours.place.id, apiVersion: "2023-01-31" } : {}) },
      ...(issuer ? { issuer } : {}),
      ...("ref" in found && vaultPlace ? { vault: { name: vaultPlace.name, id: vaultPlace.id, secret: found.ref.secretName, grants: principal ? grantsOn(azure, principal, vaultPlace.id) : [] } } : {}),
      reading: "ref" in found ? found.why : found.none,
      workloads: workloads.map((w) => refOf(w.object)),
      objects,
    };
    out.push({
      key: `${IDENTITY_CHECK_PROVIDER}:${namespace}:${name}`,
      provider: IDENTITY_CHECK_PROVIDER,
      check,
      origin: sa.origin,
      group: ["azure", "identities", identity],
      needs: [sa.key, ...workloads.map((w) => w.key), ...credentials.map((r) => r.key), ...roles.map((r) => r.key), ...(secretResource ? [secretResource.key] : []), resourceKey({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } })],
    });
  }
  return out;
}
