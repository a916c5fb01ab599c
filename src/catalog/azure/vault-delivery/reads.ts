/**
 * Which vault-backed Secret keys a pod spec reads, and the same pod spec with those references pointing elsewhere.
 * Only what a container reads counts: `secretKeyRef`, `envFrom[].secretRef` and `secret` volumes. imagePullSecrets are
 * read by the kubelet before any volume is mounted, so they stay Kubernetes Secrets (docs/design/0011).
 */
import type { KubeObject } from "../../../resources/kube-object.ts";
import type { VaultBacked } from "../../../resources/vault-secrets.ts";

// Pod specs are free-form JSON here: the objects are berth's own renderings of kubernetes-models types.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const CONTAINER_LISTS = ["initContainers", "containers"] as const;
export type ContainerList = (typeof CONTAINER_LISTS)[number];

export interface VaultReads {
  /** Secret name → the backed keys read from it (every backed key for a whole-Secret read), in first-read order. */
  readonly secrets: ReadonlyMap<string, ReadonlySet<string>>;
  /** The containers that read one, by list and index. */
  readonly readers: ReadonlySet<`${ContainerList}/${number}`>;
}

/** Where each workload kind keeps its pod spec (the workloads of docs/design/0011; bare Pods berth never writes). */
const POD_SPECS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** The path of a workload object's pod spec, or undefined for kinds that carry none. */
export const podSpecPath = (object: KubeObject): readonly string[] | undefined => POD_SPECS[object.kind];

export const getPath = (o: unknown, path: readonly string[]): Json | undefined =>
  path.reduce<unknown>((at, k) => (at && typeof at === "object" ? (at as Json)[k] : undefined), o) as Json | undefined;

/** A copy of `o` with the value at `path` replaced. */
export function setPath<T>(o: T, path: readonly string[], value: unknown): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path as [string, ...string[]];
  const node = o as Json;
  return { ...node, [head]: setPath(node[head], rest, value) } as T;
}

export function vaultReadsOf(pod: Json, backed: VaultBacked): VaultReads {
  const secrets = new Map<string, Set<string>>();
  const readers = new Set<`${ContainerList}/${number}`>();
  const read = (secret: string, keys: Iterable<string>) => {
    const set = secrets.get(secret) ?? new Set<string>();
    for (const k of keys) if (backed.get(secret)?.has(k)) set.add(k);
    secrets.set(secret, set);
  };
  const allKeys = (secret: string) => backed.get(secret)!.keys();
  // A secret volume is read by the containers that mount it; its keys are its items, or all of them.
  const volumes = new Map<string, string>();
  for (const v of (pod.volumes ?? []) as Json[]) {
    const name = v.secret?.secretName;
    if (typeof name !== "string" || !backed.has(name)) continue;
    volumes.set(v.name, name);
    read(name, Array.isArray(v.secret.items) ? v.secret.items.map((i: Json) => String(i.key)) : allKeys(name));
  }
  for (const list of CONTAINER_LISTS) {
    ((pod[list] ?? []) as Json[]).forEach((c, i) => {
      let reads = false;
      for (const e of (c.env ?? []) as Json[]) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && backed.has(ref.name)) (read(ref.name, [ref.key]), (reads = true));
      }
      for (const f of (c.envFrom ?? []) as Json[]) {
        const ref = f.secretRef;
        if (ref && backed.has(ref.name)) (read(ref.name, allKeys(ref.name)), (reads = true));
      }
      for (const m of (c.volumeMounts ?? []) as Json[]) if (volumes.has(m.name)) reads = true;
      if (reads) readers.add(`${list}/${i}`);
    });
  }
  return { secrets, readers };
}

/** The pod spec with every read of a Secret `rename` answers for pointing at the name it answers. */
export function renameSecretReads(pod: Json, rename: (secret: string) => string | undefined): Json {
  const to = (name: unknown) => (typeof name === "string" ? rename(name) : undefined);
  const container = (c: Json): Json => ({
    ...c,
    ...(c.env
      ? {
          env: (c.env as Json[]).map((e) => {
            const ref = e.valueFrom?.secretKeyRef;
            const name = to(ref?.name);
            return name ? { ...e, valueFrom: { ...e.valueFrom, secretKeyRef: { ...ref, name } } } : e;
          }),
        }
      : {}),
    ...(c.envFrom
      ? {
          envFrom: (c.envFrom as Json[]).map((f) => {
            const name = to(f.secretRef?.name);
            return name ? { ...f, secretRef: { ...f.secretRef, name } } : f;
          }),
        }
      : {}),
  });
  const out: Json = { ...pod };
  for (const list of CONTAINER_LISTS) if (Array.isArray(pod[list])) out[list] = (pod[list] as Json[]).map(container);
  if (Array.isArray(pod.volumes))
    out.volumes = (pod.volumes as Json[]).map((v) => {
      const name = to(v.secret?.secretName);
      return name ? { ...v, secret: { ...v.secret, secretName: name } } : v;
    });
  return out;
}
