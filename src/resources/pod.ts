/**
 * Pod templates with berth's secure defaults: every pod passes Pod Security Standards "restricted"
 * (non-root, non-zero UID, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp),
 * with a read-only root filesystem and emptyDirs for the paths that must be writable.
 */
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { IVolume } from "kubernetes-models/v1/Volume";
import type { IVolumeMount } from "kubernetes-models/v1/VolumeMount";

export interface PodIdentity {
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly fsGroup: number;
}

/** A fresh container securityContext each call, so no two containers share (or alias, in YAML) one object. */
export const restrictedContainerSecurity = (): NonNullable<IContainer["securityContext"]> => ({
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
});

export function restrictedPodSecurity(id: PodIdentity): NonNullable<IPodSpec["securityContext"]> {
  return {
    runAsNonRoot: true,
    runAsUser: id.runAsUser,
    runAsGroup: id.runAsGroup,
    fsGroup: id.fsGroup,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** `/var/cache/nginx` → `writable-var-cache-nginx`, a valid volume name. */
export const writableVolumeName = (path: string): string =>
  `writable-${path.replace(/^\/+/, "").replace(/[^a-z0-9]+/gi, "-").toLowerCase().replace(/-+$/, "") || "root"}`.slice(0, 63).replace(/-+$/, "");

export function writableVolumes(paths: readonly string[]): { volumes: IVolume[]; mounts: IVolumeMount[] } {
  return {
    volumes: paths.map((p) => ({ name: writableVolumeName(p), emptyDir: { sizeLimit: "1Gi" } })),
    mounts: paths.map((p) => ({ name: writableVolumeName(p), mountPath: p })),
  };
}

/**
 * Local disk a container may use (writable layer, logs) unless it says otherwise: a runaway log cannot fill the
 * node, and the scheduler counts it (kube-score container-ephemeral-storage-request-and-limit).
 */
export const EPHEMERAL_STORAGE = { request: "64Mi", limit: "2Gi" } as const;

type Resources = NonNullable<IContainer["resources"]>;

export function withEphemeralStorage(resources: Resources | undefined): Resources {
  const r = resources ?? {};
  return {
    ...r,
    requests: { ...r.requests, "ephemeral-storage": r.requests?.["ephemeral-storage"] ?? EPHEMERAL_STORAGE.request },
    limits: { ...r.limits, "ephemeral-storage": r.limits?.["ephemeral-storage"] ?? EPHEMERAL_STORAGE.limit },
  };
}

/** Every container berth writes: restricted security context, and local disk bounded. */
export const secureContainer = (c: IContainer): IContainer => ({ ...c, resources: withEphemeralStorage(c.resources), securityContext: restrictedContainerSecurity() });

export interface PodSpecInput {
  readonly serviceAccountName: string;
  readonly automountServiceAccountToken: boolean;
  readonly identity: PodIdentity;
  readonly containers: IContainer[];
  readonly volumes: IVolume[];
  readonly topologySpread?: Record<string, string>;
}

export function securePodSpec(input: PodSpecInput): IPodSpec {
  return {
    serviceAccountName: input.serviceAccountName,
    automountServiceAccountToken: input.automountServiceAccountToken,
    enableServiceLinks: false,
    securityContext: restrictedPodSecurity(input.identity),
    ...(input.topologySpread
      ? {
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: input.topologySpread } },
            { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: input.topologySpread } },
          ],
        }
      : {}),
    containers: input.containers.map(secureContainer),
    ...(input.volumes.length ? { volumes: input.volumes } : {}),
  };
}
