/** Defaulting as the API server (and its admission plugins) applies it on writes, per kind. */
import type { Obj } from "./types.ts";
import { hex, isObject } from "./util.ts";

const fill = (o: Obj, defaults: Obj): void => {
  for (const [k, v] of Object.entries(defaults)) if (o[k] === undefined) o[k] = v;
};

function container(c: Obj): void {
  const image = String(c.image ?? "");
  const tagged = /:[^/]+$/.test(image) || image.includes("@");
  fill(c, {
    imagePullPolicy: !tagged || image.endsWith(":latest") ? "Always" : "IfNotPresent",
    terminationMessagePath: "/dev/termination-log",
    terminationMessagePolicy: "File",
    resources: {},
  });
  if (Array.isArray(c.ports)) for (const p of c.ports) if (isObject(p)) fill(p, { protocol: "TCP" });
}

export function podSpec(spec: Obj | undefined): void {
  if (!isObject(spec)) return;
  fill(spec, { restartPolicy: "Always", dnsPolicy: "ClusterFirst", schedulerName: "default-scheduler", terminationGracePeriodSeconds: 30, securityContext: {} });
  for (const list of ["containers", "initContainers"]) if (Array.isArray(spec[list])) for (const c of spec[list]) if (isObject(c)) container(c);
}

const template = (spec: Obj | undefined): void => podSpec(spec?.template?.spec);

/** Deterministic per namespace/name, so two servers given the same objects assign the same addresses. */
const hashNumber = (seed: string, mod: number): number => parseInt(hex(seed, 8), 16) % mod;

const DEFAULTS: Record<string, (o: Obj) => void> = {
  Namespace: (o) => {
    o.spec ??= {};
    o.spec.finalizers ??= ["kubernetes"];
    o.metadata.labels = { ...(o.metadata.labels ?? {}), "kubernetes.io/metadata.name": o.metadata.name };
  },
  Pod: (o) => podSpec(o.spec),
  Deployment: (o) => {
    fill((o.spec ??= {}), { replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 });
    o.spec.strategy ??= { type: "RollingUpdate" };
    if (o.spec.strategy.type === "RollingUpdate") o.spec.strategy.rollingUpdate ??= { maxUnavailable: "25%", maxSurge: "25%" };
    template(o.spec);
  },
  ReplicaSet: (o) => {
    fill((o.spec ??= {}), { replicas: 1 });
    template(o.spec);
  },
  StatefulSet: (o) => {
    fill((o.spec ??= {}), {
      replicas: 1,
      podManagementPolicy: "OrderedReady",
      revisionHistoryLimit: 10,
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
    });
    template(o.spec);
  },
  DaemonSet: (o) => {
    fill((o.spec ??= {}), { revisionHistoryLimit: 10, updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } } });
    template(o.spec);
  },
  Job: (o) => {
    const spec = (o.spec ??= {});
    fill(spec, { parallelism: 1, completions: 1, backoffLimit: 6, completionMode: "NonIndexed", suspend: false, podReplacementPolicy: "TerminatingOrFailed" });
    const uid = o.metadata.uid;
    if (!spec.selector && uid) spec.selector = { matchLabels: { "batch.kubernetes.io/controller-uid": uid } };
    const md = ((spec.template ??= {}).metadata ??= {});
    if (uid) md.labels = { "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": o.metadata.name, "controller-uid": uid, "job-name": o.metadata.name, ...(md.labels ?? {}) };
    template(spec);
  },
  CronJob: (o) => {
    fill((o.spec ??= {}), { concurrencyPolicy: "Allow", suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    template(o.spec.jobTemplate?.spec);
  },
  Service: (o) => {
    const spec = (o.spec ??= {});
    fill(spec, { type: "ClusterIP", sessionAffinity: "None", internalTrafficPolicy: "Cluster", ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack" });
    if (spec.type !== "ExternalName" && spec.clusterIP === undefined) {
      const n = 10 + hashNumber(`${o.metadata.namespace}/${o.metadata.name}`, 62000);
      spec.clusterIP = `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
    }
    if (spec.clusterIP !== undefined) spec.clusterIPs ??= [spec.clusterIP];
    if (Array.isArray(spec.ports))
      for (const p of spec.ports) {
        if (!isObject(p)) continue;
        fill(p, { protocol: "TCP", targetPort: p.port });
        if ((spec.type === "NodePort" || spec.type === "LoadBalancer") && p.nodePort === undefined) p.nodePort = 30000 + hashNumber(`${o.metadata.namespace}/${o.metadata.name}/${p.port}`, 2767);
      }
  },
  Secret: (o) => {
    o.type ??= "Opaque";
    // the API server stores stringData as base64 data and never returns stringData
    if (isObject(o.stringData)) {
      o.data = { ...(o.data ?? {}) };
      for (const [k, v] of Object.entries(o.stringData)) o.data[k] = Buffer.from(String(v)).toString("base64");
    }
    delete o.stringData;
  },
  PersistentVolumeClaim: (o) => {
    fill((o.spec ??= {}), { volumeMode: "Filesystem", storageClassName: "standard" });
  },
};

export function applyDefaults(o: Obj): void {
  o.metadata ??= {};
  DEFAULTS[o.kind]?.(o);
}

/** Status a freshly created object starts with (status sent on create is discarded for status-subresource kinds). */
const INITIAL_STATUS: Record<string, () => Obj> = {
  Namespace: () => ({ phase: "Active" }),
  PersistentVolumeClaim: () => ({ phase: "Pending" }),
  Service: () => ({ loadBalancer: {} }),
  Pod: () => ({ phase: "Pending", qosClass: "BestEffort" }),
};

export const initialStatus = (kind: string): Obj | undefined => INITIAL_STATUS[kind]?.();
