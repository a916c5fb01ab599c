/**
 * The shape most catalog types share: one workload (Deployment or StatefulSet) of one role, its Services, and the
 * chart tunables (image, replicas, resources, persistence). A type describes its role as data and gets back objects.
 */
import { createHash } from "node:crypto";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import type { IProbe } from "kubernetes-models/v1/Probe";
import type { IVolume } from "kubernetes-models/v1/Volume";
import type { IVolumeMount } from "kubernetes-models/v1/VolumeMount";
import { desired, type KubeDesired, type Tunable } from "../../resources/kube-object.ts";
import type { GeneratedSecret } from "../../resources/secrets.ts";
import type { ComponentContext, ConnectionInfo } from "./component-type.ts";
import type { ExternalEndpoint } from "../../resources/network-policy.ts";
import { componentNetworkPolicy, componentServiceAccount, headlessService, service } from "./objects.ts";
import { componentLabels, componentPod, componentSelector, serviceHost, type Sizing, sizing } from "./support.ts";
import { kubernetesOf } from "../../spec/kubernetes-of.ts";

export interface NamedPort {
  readonly name: string;
  readonly port: number;
}

export interface ServerRole {
  /** `server`, `coordinator`, `worker`…: the app.kubernetes.io/component label. */
  readonly role: string;
  /** Object name; the component's name for its main role. */
  readonly name: string;
  readonly kind: "Deployment" | "StatefulSet";
  readonly replicas: number;
  readonly image: string;
  readonly uid: number;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: IEnvVar[];
  readonly ports: readonly NamedPort[];
  readonly probes: { readonly liveness: IProbe; readonly readiness: IProbe; readonly startup?: IProbe };
  readonly resources: Sizing;
  readonly writablePaths?: readonly string[];
  /**
   * Folders the image ships files in and also writes to at start (config rendered by its entrypoint): an init
   * container copies them into emptyDirs, so the root filesystem stays read-only and the shipped files stay.
   */
  readonly seededPaths?: readonly string[];
  readonly volumeMounts?: IVolumeMount[];
  readonly volumes?: IVolume[];
  readonly initContainers?: IContainer[];
  readonly sidecars?: IContainer[];
  readonly storage?: { readonly size: string; readonly storageClass: string; readonly mountPath: string };
  /** Services: the ClusterIP Service (default on) and, for StatefulSets, the headless one. */
  readonly service?: boolean;
  /** values.yaml path of this role (`components.trino.worker`); the component's own by default. */
  readonly values?: readonly string[];
  readonly annotations?: Record<string, string>;
  /** The pod's ServiceAccount; the component's own by default. */
  readonly serviceAccount?: string;
  /** Mount the API token (only for roles granted API access). */
  readonly apiToken?: boolean;
  /** Extra pod template labels (e.g. azure.workload.identity/use). */
  readonly podLabels?: Record<string, string>;
  /** Keys of resources that must be done first (a migration Job before the servers). */
  readonly needs?: readonly string[];
  /**
   * Whether values.yaml may change the replica count. Single-instance servers (a database, a KRaft quorum whose
   * voters are listed in its config) must change it in the spec, where everything that depends on it follows.
   */
  readonly scalable?: boolean;
}

const seedVolume = (path: string) => `seed-${path.replace(/^\/+/, "").replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`.slice(0, 63).replace(/-+$/, "");

export function serverObjects(ctx: ComponentContext, r: ServerRole): KubeDesired[] {
  const labels = componentLabels(ctx, r.role);
  const selector = componentSelector(ctx, r.role);
  const values = r.values ?? ["components", ctx.name];
  const seeded = r.seededPaths ?? [];
  const seedMounts = seeded.map((p) => ({ name: seedVolume(p), mountPath: p }));
  const main: IContainer = {
    // `server` roles are named after their type (kubectl logs -c postgresql); other roles after the role.
    name: r.role === "server" ? ctx.options.type : r.role,
    image: r.image,
    imagePullPolicy: "IfNotPresent",
    ...(r.command ? { command: r.command } : {}),
    ...(r.args ? { args: r.args } : {}),
    ...(r.ports.length ? { ports: r.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: "TCP" })) } : {}),
    ...(r.env?.length ? { env: r.env } : {}),
    resources: r.resources,
    ...(r.probes.startup ? { startupProbe: r.probes.startup } : {}),
    livenessProbe: r.probes.liveness,
    readinessProbe: r.probes.readiness,
    volumeMounts: [...seedMounts, ...(r.volumeMounts ?? []), ...(r.storage ? [{ name: "data", mountPath: r.storage.mountPath }] : [])],
  };
  const seedInit: IContainer[] = seeded.length
    ? [
        {
          name: "seed-writable",
          image: r.image,
          command: ["sh", "-c", seeded.map((p, i) => `cp -a ${p}/. /seed/${i}/`).join(" && ")],
          resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
          volumeMounts: seeded.map((p, i) => ({ name: seedVolume(p), mountPath: `/seed/${i}` })),
        },
      ]
    : [];
  const pod = componentPod({
    ctx,
    serviceAccount: r.serviceAccount ?? ctx.name,
    apiToken: r.apiToken ?? false,
    uid: r.uid,
    writablePaths: r.writablePaths ?? ["/tmp"],
    containers: [main, ...(r.sidecars ?? [])],
    initContainers: [...seedInit, ...(r.initContainers ?? [])],
    volumes: [...seeded.map((p) => ({ name: seedVolume(p), emptyDir: {} })), ...(r.volumes ?? [])],
    ...(r.replicas > 1 ? { spreadLabels: selector } : {}),
  });
  const container = ["spec", "template", "spec", "containers", 0];
  const tunables: Tunable[] = [
    { field: [...container, "image"], values: [...values, "image"] },
    { field: [...container, "resources"], values: [...values, "resources"] },
    ...(r.scalable ?? r.kind === "Deployment" ? [{ field: ["spec", "replicas"], values: [...values, "replicas"] }] : []),
    ...seedInit.map((_, i) => ({ field: ["spec", "template", "spec", "initContainers", i, "image"], values: [...values, "image"] })),
  ];
  const spec: Record<string, unknown> = {
    replicas: r.replicas,
    selector: { matchLabels: selector },
    template: { metadata: { labels: { ...labels, ...r.podLabels }, ...(r.annotations ? { annotations: r.annotations } : {}) }, spec: pod },
  };
  if (r.kind === "StatefulSet") {
    spec.serviceName = `${r.name}-headless`;
    spec.podManagementPolicy = "Parallel";
    if (r.storage) {
      spec.volumeClaimTemplates = [
        { metadata: { name: "data", labels }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: r.storage.storageClass, resources: { requests: { storage: r.storage.size } } } },
      ];
      tunables.push(
        { field: ["spec", "volumeClaimTemplates", 0, "spec", "resources", "requests", "storage"], values: [...values, "persistence", "size"] },
        { field: ["spec", "volumeClaimTemplates", 0, "spec", "storageClassName"], values: [...values, "persistence", "storageClass"] },
      );
    }
  } else {
    spec.revisionHistoryLimit = 5;
    spec.strategy = r.storage ? { type: "Recreate" } : { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
  }
  const workload = { apiVersion: "apps/v1", kind: r.kind, metadata: { name: r.name, namespace: ctx.namespace, labels }, spec };
  const out = [desired(workload, ctx.origin, { tunables, ...(r.needs ? { needs: r.needs } : {}) })];
  // Replicated or scalable roles get a budget; with one replica, maxUnavailable 1 never blocks a drain.
  if (r.replicas > 1 || (r.scalable ?? r.kind === "Deployment"))
    out.push(
      desired(
        { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: r.name, namespace: ctx.namespace, labels }, spec: { maxUnavailable: 1, selector: { matchLabels: selector } } },
        ctx.origin,
      ),
    );
  if (r.service !== false) out.push(desired(service(ctx, r.name, selector, r.ports), ctx.origin));
  if (r.kind === "StatefulSet") out.push(desired(headlessService(ctx, `${r.name}-headless`, selector, r.ports), ctx.origin));
  return out;
}

export const storageOf = (ctx: ComponentContext, storage: { size: string; storageClass?: string | undefined }, mountPath: string) => ({
  size: storage.size,
  storageClass: storage.storageClass ?? kubernetesOf(ctx.platform).defaultStorageClass,
  mountPath,
});

export const httpProbe = (path: string, port: string, extra: Partial<IProbe> = {}): IProbe => ({ httpGet: { path, port }, periodSeconds: 10, timeoutSeconds: 3, ...extra });
/**
 * The usual HTTP health trio for a slow-starting server: a patient startup probe (5 min), a relaxed liveness probe
 * and a quick readiness probe; readiness may use its own path.
 */
export const httpHealth = (path: string, port: string, readyPath = path) => ({
  startup: httpProbe(path, port, { periodSeconds: 5, failureThreshold: 60 }),
  liveness: httpProbe(path, port, { periodSeconds: 20 }),
  readiness: httpProbe(readyPath, port),
});

export const tcpProbe = (port: string, extra: Partial<IProbe> = {}): IProbe => ({ tcpSocket: { port }, periodSeconds: 10, timeoutSeconds: 3, ...extra });
export const execProbe = (command: string[], extra: Partial<IProbe> = {}): IProbe => ({ exec: { command }, periodSeconds: 10, timeoutSeconds: 5, ...extra });
export const secretEnv = (name: string, secret: string, key: string): IEnvVar => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

/** A connection's user as an env entry: plain when berth chose it, by reference when it lives in a secret. */
export const userEnv = (name: string, c: { user?: string; userRef?: { name: string; key: string } }): IEnvVar =>
  c.userRef ? secretEnv(name, c.userRef.name, c.userRef.key) : { name, value: c.user ?? "" };

export { sizing };

/**
 * What most providers offer: a Service in the component's namespace, its port, and a URL. Credentials and anything
 * type-specific go in `extra`.
 */
export function serviceOffer(
  ctx: ComponentContext,
  o: { type: string; service?: string; port: number; ports?: readonly number[]; role?: string; url?: string; extra?: Partial<ConnectionInfo> },
): ConnectionInfo {
  const host = serviceHost(o.service ?? ctx.name, ctx.namespace);
  return {
    provider: ctx.name,
    type: o.type,
    host,
    port: o.port,
    url: o.url ?? `http://${host}:${o.port}`,
    ports: o.ports ?? [o.port],
    podLabels: componentSelector(ctx, o.role ?? "server"),
    namespace: ctx.namespace,
    ...o.extra,
  };
}

/** A component's usual objects: its ServiceAccount, anything extra (config), its roles, and its NetworkPolicy. */
export function assemble(
  ctx: ComponentContext,
  parts: { roles: readonly ServerRole[]; extra?: readonly KubeDesired[]; ports: readonly number[]; external?: readonly ExternalEndpoint[]; secrets?: GeneratedSecret[] },
) {
  return {
    resources: [
      desired(componentServiceAccount(ctx), ctx.origin),
      ...(parts.extra ?? []),
      ...parts.roles.flatMap((r) => serverObjects(ctx, r)),
      desired(componentNetworkPolicy(ctx, parts.ports, parts.external), ctx.origin),
    ],
    secrets: parts.secrets ?? [],
  };
}

/** A generated secret owned by the component and copied to every consumer's namespace. */
export const sharedSecret = (ctx: ComponentContext, name: string, keys: string[], length = 32): GeneratedSecret => ({
  name,
  keys,
  namespaces: [ctx.namespace, ...ctx.consumers.map((c) => c.namespace)],
  length,
  origin: ctx.origin,
  group: ["components", ctx.name],
});

export interface OneShot {
  /** `setup`, `init`, `migrate`: the component label and the middle of the Job's name. */
  readonly role: string;
  /** What the Job does, hashed into its name: Jobs are immutable, so a changed Job must be a new one. */
  readonly content: string;
  readonly uid: number;
  readonly serviceAccount?: string;
  readonly container: IContainer;
  readonly initContainers?: IContainer[];
  readonly volumes?: IVolume[];
  readonly writablePaths?: readonly string[];
  /** values.yaml path of the image every container of the Job runs. */
  readonly imageValues: readonly string[];
  readonly needs?: readonly string[];
}

/** A Job a component runs once per change (database setup, migrations), restricted like every other pod. */
export function oneShotJob(ctx: ComponentContext, j: OneShot): KubeDesired {
  const labels = componentLabels(ctx, j.role);
  const hash = createHash("sha256").update(j.content).digest("hex").slice(0, 8);
  const inits = j.initContainers ?? [];
  const job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: `${ctx.name}-${j.role}-${hash}`, namespace: ctx.namespace, labels },
    spec: {
      backoffLimit: 6,
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: { labels },
        spec: {
          ...componentPod({
            ctx,
            serviceAccount: j.serviceAccount ?? ctx.name,
            uid: j.uid,
            ...(j.writablePaths ? { writablePaths: j.writablePaths } : {}),
            ...(inits.length ? { initContainers: inits } : {}),
            containers: [j.container],
            ...(j.volumes ? { volumes: j.volumes } : {}),
          }),
          restartPolicy: "OnFailure",
        },
      },
    },
  };
  return desired(job, ctx.origin, {
    tunables: [
      { field: ["spec", "template", "spec", "containers", 0, "image"], values: j.imageValues },
      ...inits.map((_, i) => ({ field: ["spec", "template", "spec", "initContainers", i, "image"], values: j.imageValues })),
    ],
    ...(j.needs ? { needs: j.needs } : {}),
  });
}
