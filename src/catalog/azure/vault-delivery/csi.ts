/**
 * Delivery through the Secrets Store CSI driver and its Azure provider (docs/design/0011, "Delivery to pods"): per
 * workload that reads vault-backed Secrets, one SecretProviderClass listing exactly the vault secrets it reads and
 * syncing them into Secrets `<workload>-<secret>` with the original keys; the pod mounts the CSI volume read-only
 * (mounting is what makes the driver fetch and sync) and its references are renamed to the synced Secrets. The
 * driver signs in as the workload's identity, or as spec.azure.secrets.identity, whose client id its ServiceAccount
 * is then annotated with (identity.ts federates it).
 */
import type { KubeDesired, KubeObject } from "../../../resources/kube-object.ts";
import { desired } from "../../../resources/kube-object.ts";
import { ANNOTATION } from "../../../resources/labels.ts";
import { armOf } from "../ids.ts";
import { type DeliveryInput, type DeliveryOutput, identityAnnotations, problem, secretsIdentity, type VaultReader } from "./context.ts";
import type { VaultRef } from "../../../resources/vault-secrets.ts";
import { CONTAINER_LISTS, getPath, podSpecPath, renameSecretReads, setPath, vaultReadsOf } from "./reads.ts";

export const CSI_DRIVER = "secrets-store.csi.k8s.io";
export const SPC_API_VERSION = "secrets-store.csi.x-k8s.io/v1";
export const CSI_VOLUME = "secrets-store";
export const CSI_MOUNT_PATH = "/mnt/secrets-store";

/** The provider's `cloudName` per named cloud; other endpoints (Azure Stack) need a cloud file berth does not write. */
const CLOUD_NAMES: Readonly<Record<string, string>> = { AzureChinaCloud: "AzureChinaCloud", AzureUSGovernment: "AzureUSGovernmentCloud" };

/** What the driver mounts under: `<secret>.<key>` names the file and is what secretObjects pick. */
export const objectAlias = (secret: string, key: string) => `${secret}.${key}`;

/** The Secret the driver syncs a workload's reads of `secret` into. */
export const syncedSecretName = (workload: string, secret: string) => `${workload}-${secret}`;

const yamlScalar = (s: string) => (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(s) ? s : JSON.stringify(s));

/** The `objects` parameter: a YAML document in a string, `array:` of YAML documents in strings, as the provider reads it. */
export function objectsParameter(objects: readonly { name: string; alias: string }[]): string {
  const items = objects.map((o) => `  - |\n    objectName: ${yamlScalar(o.name)}\n    objectType: secret\n    objectAlias: ${yamlScalar(o.alias)}\n`);
  return `array:\n${items.join("")}`;
}

interface Read {
  readonly secret: string;
  readonly key: string;
  readonly ref: VaultRef;
}

export function deliverByCsi(input: DeliveryInput): DeliveryOutput {
  const { ctx, delivery } = input;
  const out: KubeDesired[] = [];
  const readers: VaultReader[] = [];
  const diagnostics: DeliveryOutput["diagnostics"] = [];
  // ServiceAccounts are annotated in place: collected first, written back where they were.
  const accounts = new Map<string, KubeDesired>();
  for (const r of input.kubernetes) if (r.object.kind === "ServiceAccount") accounts.set(`${r.object.metadata.namespace}/${r.object.metadata.name}`, r);
  const fallback = secretsIdentity(input);
  const driverFrom = addOnStep(input);

  const rewritten = input.kubernetes.map((r) => {
    const path = podSpecPath(r.object);
    const pod = path && getPath(r.object, path);
    if (!path || !pod) return [r];
    const found = vaultReadsOf(pod, delivery.backed);
    if (found.secrets.size === 0) return [r];
    const namespace = r.object.metadata.namespace!;
    const workload = r.object.metadata.name;
    const reads: Read[] = [...found.secrets].flatMap(([secret, keys]) => [...keys].map((key) => ({ secret, key, ref: delivery.backed.get(secret)!.get(key)! })));

    // A JSON field of a vault secret cannot be delivered by the driver: the spec rules refuse it (AZURE-CSI-FIELD).
    const vaults = new Set(reads.map((x) => x.ref.vaultKey));
    if (vaults.size > 1) {
      diagnostics.push(problem(input, r.origin, "AZURE-CSI-VAULTS", `${r.object.kind} ${namespace}/${workload} reads secrets of ${vaults.size} vaults; one SecretProviderClass reads one vault`, "keep the credentials this workload reads in one vault (spec.azure.secrets.keyVault)"));
      return [r];
    }

    const accountKey = `${namespace}/${String(pod.serviceAccountName ?? "default")}`;
    const account = accounts.get(accountKey);
    let clientId = account?.object.metadata.annotations?.[ANNOTATION.clientId];
    let tenantId = account?.object.metadata.annotations?.[ANNOTATION.tenantId];
    if (!clientId) {
      if (!account) {
        diagnostics.push(problem(input, r.origin, "AZURE-VAULT-ACCOUNT", `${r.object.kind} ${namespace}/${workload} reads vault secrets as ServiceAccount ${accountKey}, which berth does not make, so it cannot be federated with an identity`, "run the workload as a ServiceAccount of the platform"));
        return [r];
      }
      if (!fallback) {
        diagnostics.push(problem(input, r.origin, "AZURE-VAULT-IDENTITY", `${r.object.kind} ${namespace}/${workload} reads vault secrets and runs as no identity`, "give it an identity (identity: <name>) or name the one that reads the vault: spec.azure.secrets.identity"));
        return [r];
      }
      clientId = fallback.clientId;
      tenantId = fallback.tenantId;
      accounts.set(accountKey, { ...account, object: { ...account.object, metadata: { ...account.object.metadata, annotations: { ...account.object.metadata.annotations, ...identityAnnotations(fallback) } } } });
    }

    const vaultKey = reads[0]!.ref.vaultKey;
    readers.push({ clientId, vaultKey, origin: r.origin });
    const spc = secretProviderClass(input, r.object, reads, { clientId, tenantId: tenantId ?? ctx.azure.tenantId, vault: reads[0]!.ref.vault, driverFrom });
    const renamed = renameSecretReads(pod, (s) => (found.secrets.has(s) ? syncedSecretName(workload, s) : undefined));
    const mounted = withCsiVolume(renamed, workload, found.readers);
    return [desired(spc, r.origin, r.group ? { group: r.group } : {}), { ...r, object: setPath(r.object, path, mounted) }];
  });
  for (const r of rewritten.flat()) out.push(r.object.kind === "ServiceAccount" ? accounts.get(`${r.object.metadata.namespace}/${r.object.metadata.name}`)! : r);
  return { kubernetes: out, readers, diagnostics };
}

/** The key of the AKS cluster whose add-on berth turns on (installDriver, a cluster berth manages), if any. */
function addOnStep(input: DeliveryInput): string | undefined {
  if (!input.delivery.installDriver) return undefined;
  const managed = Object.entries(input.ctx.azure.aks).filter(([, a]) => !a.existing);
  return managed.length === 1 ? armOf(input.ctx.azure, "aks", managed[0]![0])!.key : undefined;
}

function secretProviderClass(input: DeliveryInput, workload: KubeObject, reads: readonly Read[], p: { clientId: string; tenantId: string; vault: string; driverFrom: string | undefined }): KubeObject {
  const cloudName = typeof input.ctx.azure.cloud === "string" ? CLOUD_NAMES[input.ctx.azure.cloud] : undefined;
  const bySecret = new Map<string, Read[]>();
  for (const x of reads) bySecret.set(x.secret, [...(bySecret.get(x.secret) ?? []), x]);
  return {
    apiVersion: SPC_API_VERSION,
    kind: "SecretProviderClass",
    metadata: {
      name: workload.metadata.name,
      namespace: workload.metadata.namespace,
      ...(workload.metadata.labels ? { labels: workload.metadata.labels } : {}),
      // Preflight does not ask for a driver this plan's own cluster step installs (providers/kubernetes/prerequisites.ts).
      ...(p.driverFrom ? { annotations: { [ANNOTATION.prerequisiteFrom]: p.driverFrom } } : {}),
    },
    spec: {
      provider: "azure",
      parameters: {
        clientID: p.clientId,
        keyvaultName: p.vault,
        tenantId: p.tenantId,
        ...(cloudName ? { cloudName } : {}),
        objects: objectsParameter(reads.map((x) => ({ name: x.ref.secretName, alias: objectAlias(x.secret, x.key) }))),
      },
      secretObjects: [...bySecret].map(([secret, keys]) => ({
        secretName: syncedSecretName(workload.metadata.name, secret),
        type: "Opaque",
        data: keys.map((x) => ({ objectName: objectAlias(x.secret, x.key), key: x.key })),
      })),
    },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** The CSI volume, mounted read-only in every container that reads a vault-backed Secret. */
function withCsiVolume(pod: Json, spc: string, readers: ReadonlySet<string>): Json {
  const mount = { name: CSI_VOLUME, mountPath: CSI_MOUNT_PATH, readOnly: true };
  const out: Json = { ...pod, volumes: [...(pod.volumes ?? []), { name: CSI_VOLUME, csi: { driver: CSI_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass: spc } } }] };
  for (const list of CONTAINER_LISTS)
    if (Array.isArray(pod[list])) out[list] = (pod[list] as Json[]).map((c, i) => (readers.has(`${list}/${i}`) ? { ...c, volumeMounts: [...(c.volumeMounts ?? []), mount] } : c));
  return out;
}
