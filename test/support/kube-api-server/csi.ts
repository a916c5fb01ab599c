/**
 * The Secrets Store CSI driver with its Azure provider, as the kubelet sees it: mounting a `secrets-store.csi.k8s.io`
 * volume resolves the pod's SecretProviderClass, fetches each object of its `objects` parameter through the scenario's
 * `csi.fetch` (tests answer from the Azure test server's vaults), and creates or updates the Secrets of its
 * `secretObjects` (labelled `secrets-store.csi.k8s.io/managed: "true"`, as the driver's secret sync does). Until every
 * such volume mounts, the pod stays ContainerCreating with FailedMount events worded as the kubelet words them.
 */
import { parse } from "yaml";
import { podSnapshot, type PodClock } from "./pods.ts";
import type { Obj } from "./types.ts";
import type { World } from "./world.ts";

export const SECRETS_STORE_DRIVER = "secrets-store.csi.k8s.io";
const SPC_GROUP = "secrets-store.csi.x-k8s.io";
const MANAGED_LABEL = "secrets-store.csi.k8s.io/managed";

/** Why one volume does not mount, or the files it mounts (file name → value). */
type Mount = { readonly failed: string } | { readonly files: Map<string, string> };

const setUpFailed = (volume: string, detail: string) => `MountVolume.SetUp failed for volume "${volume}" : ${detail}`;

/**
 * Mounts the pod's Secrets Store volumes once: undefined when it has none or they are mounted; the FailedMount
 * message while one fails (tried again on every pass, so a fixed cause lets the pod start).
 */
export function mountSecretsStore(w: World, pod: Obj): string | undefined {
  const m = w.mem(pod);
  if (m.secretsStoreMounted) return undefined;
  const volumes = ((pod.spec?.volumes ?? []) as Obj[]).filter((v) => v.csi?.driver === SECRETS_STORE_DRIVER);
  if (volumes.length === 0) return undefined;
  const mounts = volumes.map((v) => ({ volume: v, mount: mountVolume(w, pod, v) }));
  const failed = mounts.find((x) => "failed" in x.mount);
  if (failed) return (failed.mount as { failed: string }).failed;
  for (const { volume } of mounts) syncSecrets(w, pod, spcOf(w, pod, volume)!, (mounts.find((x) => x.volume === volume)!.mount as { files: Map<string, string> }).files);
  m.secretsStoreMounted = true;
  // Containers start once the volumes are there: the pod's readiness delay counts from this mount.
  if (m.mountFailingSince !== undefined) m.scheduledAt = w.now;
  return undefined;
}

/**
 * How many times the kubelet has tried the mount after `elapsed` ms: its retry back-off starts at 500 ms and doubles
 * up to 2m2s, so the FailedMount event's count grows as in a cluster (and the Event is not rewritten every pass).
 */
export function mountAttempts(elapsed: number): number {
  let attempts = 1;
  for (let wait = 500, at = wait; at <= elapsed; wait = Math.min(wait * 2, 122_000), at += wait) attempts++;
  return attempts;
}

const spcOf = (w: World, pod: Obj, volume: Obj): Obj | undefined => w.store.get(SPC_GROUP, "SecretProviderClass", pod.metadata.namespace, String(volume.csi?.volumeAttributes?.secretProviderClass ?? ""));

function mountVolume(w: World, pod: Obj, volume: Obj): Mount {
  const ns = pod.metadata.namespace;
  if (!w.store.get("storage.k8s.io", "CSIDriver", undefined, SECRETS_STORE_DRIVER))
    return { failed: setUpFailed(volume.name, `kubernetes.io/csi: mounter.SetUpAt failed to get CSI client: driver name ${SECRETS_STORE_DRIVER} not found in the list of registered CSI drivers`) };
  const name = String(volume.csi?.volumeAttributes?.secretProviderClass ?? "");
  if (!name) return { failed: setUpFailed(volume.name, "rpc error: code = InvalidArgument desc = secretProviderClass is not set") };
  const spc = spcOf(w, pod, volume);
  if (!spc) return { failed: setUpFailed(volume.name, `rpc error: code = Unknown desc = failed to get secretproviderclass ${ns}/${name}, error: SecretProviderClass.${SPC_GROUP} "${name}" not found`) };
  const mountFailed = (detail: string) => ({
    failed: setUpFailed(volume.name, `rpc error: code = Unknown desc = failed to mount secrets store objects for pod ${ns}/${pod.metadata.name}, err: rpc error: code = Unknown desc = ${detail}`),
  });
  if (spc.spec?.provider !== "azure") return mountFailed(`provider not found: provider "${spc.spec?.provider}"`);
  let objects: Obj[];
  try {
    const array = (parse(String(spc.spec?.parameters?.objects ?? "")) as Obj | null)?.array ?? [];
    objects = (array as unknown[]).map((item) => parse(String(item)) as Obj);
  } catch (error) {
    return mountFailed(`failed to mount objects, error: failed to unmarshal objects: ${error instanceof Error ? error.message : String(error)}`);
  }
  const provider = w.scenario.csi;
  const files = new Map<string, string>();
  for (const o of objects) {
    const objectName = String(o.objectName ?? "");
    const got = provider ? provider.fetch(spc, objectName, pod) : { error: "(test server: no Scenario.csi provider answers for Key Vault)" };
    if (typeof got !== "string") return mountFailed(`failed to mount objects, error: failed to get objectType:${o.objectType ?? "secret"}, objectName:${objectName}, objectVersion:${o.objectVersion ?? ""}: ${got.error}`);
    files.set(String(o.objectAlias || objectName), got);
  }
  // secretObjects name mounted files; one that names no file fails the mount, as the driver does.
  for (const so of (spc.spec?.secretObjects ?? []) as Obj[])
    for (const d of (so.data ?? []) as Obj[])
      if (!files.has(String(d.objectName))) return mountFailed(`failed to get data in spc ${ns}/${name} for secret ${so.secretName}, err: file matching objectName ${d.objectName} not found in the pod`);
  return { files };
}

function syncSecrets(w: World, pod: Obj, spc: Obj, files: ReadonlyMap<string, string>): void {
  const ns = pod.metadata.namespace;
  for (const so of (spc.spec?.secretObjects ?? []) as Obj[]) {
    const data = Object.fromEntries(((so.data ?? []) as Obj[]).map((d) => [String(d.key), Buffer.from(files.get(String(d.objectName))!, "utf8").toString("base64")]));
    const labels = { ...(so.labels ?? {}), [MANAGED_LABEL]: "true" };
    const existing = w.store.get("", "Secret", ns, String(so.secretName));
    if (existing)
      w.update(existing, (x) => {
        x.data = data;
        x.metadata.labels = { ...x.metadata.labels, ...labels };
      });
    else w.create({ apiVersion: "v1", kind: "Secret", metadata: { name: so.secretName, namespace: ns, labels, ...(so.annotations ? { annotations: so.annotations } : {}) }, type: so.type || "Opaque", data });
  }
}

/** Whether the pod has a Secrets Store volume that has not mounted yet (its containers have not started). */
export const waitingForMount = (w: World, pod: Obj): boolean =>
  !w.mem(pod).secretsStoreMounted && ((pod.spec?.volumes ?? []) as Obj[]).some((v) => v.csi?.driver === SECRETS_STORE_DRIVER);

/** A pod whose Secrets Store volume does not mount: scheduled, ContainerCreating, a FailedMount event per message. */
export function waitForMount(w: World, pod: Obj, clock: PodClock, message: string): void {
  const m = w.mem(pod);
  m.mountFailingSince ??= w.now;
  const snap = podSnapshot(pod, "normal", { ...clock, t: 0 });
  const current = w.setStatus(pod, snap.status);
  for (const e of snap.events) w.event(current, "default-scheduler", e);
  w.event(current, "kubelet", { type: "Warning", reason: "FailedMount", message, count: mountAttempts(w.now - m.mountFailingSince) });
}
