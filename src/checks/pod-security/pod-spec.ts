import type { KubeDesired } from "../../resources/kube-object.ts";
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

/**
 * What Pod Security admission judges: the kinds above and two more that carry a pod template (upstream's
 * DefaultPodSpecExtractor). Kept apart so best-practice rules, written for the kinds above, see nothing new.
 */
export const POD_SECURITY_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  ...POD_SPEC_PATHS,
  ReplicationController: ["spec", "template", "spec"],
  PodTemplate: ["template", "spec"],
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
  appArmorProfile?: { type?: string; localhostProfile?: string };
  seLinuxOptions?: { type?: string; user?: string; role?: string; level?: string };
  windowsOptions?: { hostProcess?: boolean };
  sysctls?: { name: string }[];
}

export interface ProbeLike {
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
  os?: { name?: string };
  securityContext?: SecurityContextLike;
  volumes?: Record<string, unknown>[];
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  ephemeralContainers?: ContainerLike[];
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
}

const walk = (object: unknown, path: readonly string[]): unknown => path.reduce<unknown>((node, seg) => (node as Record<string, unknown> | undefined)?.[seg], object);

export function podSpecOf(object: { kind: string }, paths: Readonly<Record<string, readonly string[]>> = POD_SPEC_PATHS): { spec: PodSpecLike; field: string } | undefined {
  const path = paths[object.kind];
  if (!path) return undefined;
  const node = walk(object, path);
  return node ? { spec: node as PodSpecLike, field: `.${path.join(".")}` } : undefined;
}

/** A pod as Pod Security admission sees it: its spec, and the metadata beside it (AppArmor annotations live there). */
export interface PodView {
  readonly spec: PodSpecLike;
  readonly annotations: Readonly<Record<string, string>>;
  /** Where the spec and the metadata sit in the object: `.spec.template.spec`, `.spec.template.metadata`. */
  readonly specField: string;
  readonly metadataField: string;
}

export function podViewOf(object: { kind: string }): PodView | undefined {
  const path = POD_SECURITY_SPEC_PATHS[object.kind];
  const spec = path && walk(object, path);
  if (!path || !spec) return undefined;
  // The metadata is the sibling of the spec: the template's for a controller, the object's own for a Pod.
  const metaPath = [...path.slice(0, -1), "metadata"];
  const meta = walk(object, metaPath) as { annotations?: Record<string, string> } | undefined;
  return { spec: spec as PodSpecLike, annotations: meta?.annotations ?? {}, specField: `.${path.join(".")}`, metadataField: `.${metaPath.join(".")}` };
}

const CONTAINER_LISTS = ["initContainers", "containers", "ephemeralContainers"] as const;
type PodContainer = { readonly container: ContainerLike; readonly field: string };
const containersSeen = new WeakMap<PodSpecLike, { readonly found: readonly PodContainer[]; readonly counts: readonly number[] }>();

/**
 * Every container of a pod with the field path it lives at. A dozen rules ask for each pod of a lint run, so the
 * list is kept per pod spec and handed out again while the spec still holds exactly those containers.
 */
export function containersOf(pod: PodSpecLike): readonly PodContainer[] {
  const seen = containersSeen.get(pod);
  if (seen && holdsExactly(pod, seen.found, seen.counts)) return seen.found;
  const found = CONTAINER_LISTS.flatMap((list) => (pod[list] ?? []).map((container, i) => ({ container, field: `.${list}[${i}]` })));
  containersSeen.set(pod, { found, counts: CONTAINER_LISTS.map((list) => pod[list]?.length ?? 0) });
  return found;
}

function holdsExactly(pod: PodSpecLike, found: readonly PodContainer[], counts: readonly number[]): boolean {
  let k = 0;
  for (let l = 0; l < CONTAINER_LISTS.length; l++) {
    const list = pod[CONTAINER_LISTS[l]!] ?? [];
    if (list.length !== counts[l]) return false;
    for (const container of list) if (found[k++]!.container !== container) return false;
  }
  return true;
}

/** Every object that carries a pod spec, with the spec and where it sits. */
export const podTemplates = oncePerInput((input): { resource: KubeDesired; pod: { spec: PodSpecLike; field: string } }[] =>
  input.resources.flatMap((resource) => {
    const pod = podSpecOf(resource.object);
    return pod ? [{ resource, pod }] : [];
  }),
);
