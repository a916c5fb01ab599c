/** Helpers every catalog type uses: labels, names, resources with defaults, the secure pod, service DNS names. */
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IVolume } from "kubernetes-models/v1/Volume";
import { LABEL } from "../../resources/labels.ts";
import { secureContainer, securePodSpec, writableVolumes } from "../../resources/pod.ts";
import type { ComponentContext } from "./component-type.ts";
import { kubernetesOf } from "../../spec/kubernetes-of.ts";

export const componentLabels = (ctx: ComponentContext, role?: string): Record<string, string> => ({
  ...ctx.platform.metadata.labels,
  [LABEL.name]: ctx.name,
  [LABEL.partOf]: ctx.platform.metadata.name,
  [LABEL.managedBy]: "berth",
  ...(role ? { [LABEL.component]: role } : {}),
});

/** Selects the component's pods (of one role when given). Never includes a version: selectors are immutable. */
export const componentSelector = (ctx: ComponentContext, role?: string): Record<string, string> => ({
  [LABEL.name]: ctx.name,
  [LABEL.partOf]: ctx.platform.metadata.name,
  ...(role ? { [LABEL.component]: role } : {}),
});

export const serviceHost = (name: string, namespace: string): string => `${name}.${namespace}.svc.cluster.local`;

export interface Sizing {
  readonly requests: { cpu: string; memory: string };
  readonly limits: { cpu: string; memory: string };
}

/** The catalog's defaults with the spec's overrides on top. */
export const sizing = (ctx: ComponentContext, defaults: Sizing): Sizing => {
  const overrides = "resources" in ctx.options ? ctx.options.resources : undefined;
  return { requests: { ...defaults.requests, ...overrides?.requests }, limits: { ...defaults.limits, ...overrides?.limits } };
};

export interface PodInput {
  readonly ctx: ComponentContext;
  readonly serviceAccount: string;
  readonly apiToken?: boolean;
  readonly uid: number;
  readonly containers: IContainer[];
  readonly initContainers?: IContainer[];
  readonly volumes?: IVolume[];
  readonly writablePaths?: readonly string[];
  readonly spreadLabels?: Record<string, string>;
}

/**
 * A restricted pod for a catalog image. Fixed UIDs match the upstream image; with `openshift: true` they are left out
 * so the restricted SCC assigns one from the namespace's range.
 */
export function componentPod(input: PodInput) {
  const openshift = kubernetesOf(input.ctx.platform).openshift;
  const writable = writableVolumes(input.writablePaths ?? ["/tmp"]);
  const spec = securePodSpec({
    serviceAccountName: input.serviceAccount,
    automountServiceAccountToken: input.apiToken ?? false,
    identity: { runAsUser: input.uid, runAsGroup: input.uid, fsGroup: input.uid },
    containers: input.containers.map((c) => ({ ...c, volumeMounts: [...writable.mounts, ...(c.volumeMounts ?? [])] })),
    volumes: [...writable.volumes, ...(input.volumes ?? [])],
    ...(input.spreadLabels ? { topologySpread: input.spreadLabels } : {}),
  });
  if (input.initContainers?.length)
    spec.initContainers = input.initContainers.map((c) => secureContainer({ ...c, volumeMounts: [...writable.mounts, ...(c.volumeMounts ?? [])] }));
  if (openshift) {
    const sc = spec.securityContext!;
    delete sc.runAsUser;
    delete sc.runAsGroup;
    delete sc.fsGroup;
  }
  return spec;
}
