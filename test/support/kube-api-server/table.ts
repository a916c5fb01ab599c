/** meta.k8s.io/v1 Table responses for `kubectl get` (Accept: application/json;as=Table). */
import type { Obj } from "./types.ts";
import { humanAge } from "./util.ts";

type Column = [name: string, type: string, cell: (o: Obj, now: number) => string | number];

const ready = (o: Obj): string => {
  const cs: Obj[] = o.status?.containerStatuses ?? [];
  return `${cs.filter((c) => c.ready).length}/${(o.spec?.containers ?? []).length}`;
};
const podStatus = (o: Obj): string => {
  if (o.metadata?.deletionTimestamp) return "Terminating";
  const cs: Obj[] = o.status?.containerStatuses ?? [];
  const waiting = cs.find((c) => c.state?.waiting)?.state?.waiting?.reason;
  const terminated = cs.find((c) => c.state?.terminated)?.state?.terminated?.reason;
  return waiting ?? terminated ?? o.status?.phase ?? "Pending";
};
const restarts = (o: Obj): number => (o.status?.containerStatuses ?? []).reduce((n: number, c: Obj) => n + (c.restartCount ?? 0), 0);
const jobDone = (o: Obj): string => {
  const c = (o.status?.conditions ?? []).find((x: Obj) => x.status === "True" && (x.type === "Complete" || x.type === "Failed"));
  return c ? (c.type === "Complete" ? "Complete" : "Failed") : "Running";
};

/** Extra columns per kind (NAME first and AGE last are added for every kind). */
const COLUMNS: Record<string, Column[]> = {
  Pod: [
    ["Ready", "string", ready],
    ["Status", "string", podStatus],
    ["Restarts", "string", (o) => String(restarts(o))],
  ],
  Deployment: [
    ["Ready", "string", (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`],
    ["Up-to-date", "integer", (o) => o.status?.updatedReplicas ?? 0],
    ["Available", "integer", (o) => o.status?.availableReplicas ?? 0],
  ],
  ReplicaSet: [
    ["Desired", "integer", (o) => o.spec?.replicas ?? 0],
    ["Current", "integer", (o) => o.status?.replicas ?? 0],
    ["Ready", "integer", (o) => o.status?.readyReplicas ?? 0],
  ],
  StatefulSet: [["Ready", "string", (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`]],
  DaemonSet: [
    ["Desired", "integer", (o) => o.status?.desiredNumberScheduled ?? 0],
    ["Ready", "integer", (o) => o.status?.numberReady ?? 0],
  ],
  Job: [
    ["Status", "string", jobDone],
    ["Completions", "string", (o) => `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}`],
  ],
  Namespace: [["Status", "string", (o) => o.status?.phase ?? ""]],
  Service: [
    ["Type", "string", (o) => o.spec?.type ?? ""],
    ["Cluster-IP", "string", (o) => o.spec?.clusterIP ?? "<none>"],
  ],
  PersistentVolumeClaim: [
    ["Status", "string", (o) => o.status?.phase ?? ""],
    ["Volume", "string", (o) => o.spec?.volumeName ?? ""],
  ],
  Lease: [["Holder", "string", (o) => o.spec?.holderIdentity ?? ""]],
  ConfigMap: [["Data", "integer", (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length]],
  Secret: [
    ["Type", "string", (o) => o.type ?? "Opaque"],
    ["Data", "integer", (o) => Object.keys(o.data ?? {}).length],
  ],
  Event: [
    ["Type", "string", (o) => o.type ?? ""],
    ["Reason", "string", (o) => o.reason ?? ""],
    ["Object", "string", (o) => `${String(o.involvedObject?.kind ?? "").toLowerCase()}/${o.involvedObject?.name ?? ""}`],
    ["Message", "string", (o) => o.message ?? ""],
  ],
};

export function toTable(items: Obj[], kind: string, resourceVersion: string, includeObject: string | null, now = Date.now()): Obj {
  const columns: Column[] = [
    ["Name", "string", (o) => o.metadata?.name ?? ""],
    ...(COLUMNS[kind] ?? []),
    ["Age", "string", (o, t) => humanAge(t - Date.parse(o.metadata?.creationTimestamp ?? new Date(t).toISOString()))],
  ];
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion },
    columnDefinitions: columns.map(([name, type], i) => ({ name, type, format: i === 0 ? "name" : "", description: name, priority: 0 })),
    rows: items.map((o) => ({
      cells: columns.map(([, , cell]) => cell(o, now)),
      object:
        includeObject === "None"
          ? null
          : includeObject === "Object"
            ? o
            : { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata },
    })),
  };
}
