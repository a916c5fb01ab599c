import type { DesiredResource } from "../../resources/kube-object.ts";
import { oncePerInput } from "../check.ts";

/** Where each pod-bearing kind keeps its pod spec: data, so checks never switch on kind. */
export const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

export interface SecurityContextLike {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  readOnlyRootFilesystem?: boolean;
  procMount?: string;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string };
  appArmorProfile?: { type?: string };
  seLinuxOptions?: { type?: string; user?: string; role?: string };
  windowsOptions?: { hostProcess?: boolean };
  sysctls?: { name: string }[];
}

interface ProbeLike {
  httpGet?: { host?: string };
  tcpSocket?: { host?: string };
}

export interface ContainerLike {
  name: string;
  ports?: { hostPort?: number }[];
  securityContext?: SecurityContextLike;
  livenessProbe?: ProbeLike;
  readinessProbe?: ProbeLike;
  startupProbe?: ProbeLike;
  lifecycle?: { postStart?: ProbeLike; preStop?: ProbeLike };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

export interface PodSpecLike {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  hostUsers?: boolean;
  securityContext?: SecurityContextLike;
  volumes?: Record<string, unknown>[];
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  ephemeralContainers?: ContainerLike[];
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
}

export function podSpecOf(object: { kind: string }): { spec: PodSpecLike; field: string } | undefined {
  const path = POD_SPEC_PATHS[object.kind];
  if (!path) return undefined;
  let node: unknown = object;
  for (const seg of path) node = (node as Record<string, unknown> | undefined)?.[seg];
  return node ? { spec: node as PodSpecLike, field: `.${path.join(".")}` } : undefined;
}

/** Every container of a pod with the field path it lives at. */
export function containersOf(pod: PodSpecLike): { container: ContainerLike; field: string }[] {
  return (["initContainers", "containers", "ephemeralContainers"] as const).flatMap((list) =>
    (pod[list] ?? []).map((container, i) => ({ container, field: `.${list}[${i}]` })),
  );
}

/** Every object that carries a pod spec, with the spec and where it sits. */
export const podTemplates = oncePerInput((input): { resource: DesiredResource; pod: { spec: PodSpecLike; field: string } }[] =>
  input.resources.flatMap((resource) => {
    const pod = podSpecOf(resource.object);
    return pod ? [{ resource, pod }] : [];
  }),
);
