/** Workload controllers: Deployment → ReplicaSet → Pods, StatefulSet, DaemonSet, Job; each reconciles children, then reports status. */
import { ownerRef, podFromTemplate } from "./pods.ts";
import type { Obj } from "./types.ts";
import { safeSuffix } from "./util.ts";
import { isPodReady, isTerminating, omitZero, type World } from "./world.ts";

export interface Controller {
  group: string;
  kind: string;
  reconcile(w: World, o: Obj): void;
  status(w: World, o: Obj): void;
}

const templateHash = (template: Obj | undefined): string => safeSuffix(JSON.stringify(template ?? {}), 10);
const livePods = (w: World, owner: Obj): Obj[] => w.owned(owner, "", "Pod").filter((p) => !isTerminating(p));

/** A fresh, unused pod name `${base}-xxxxx`. */
function podName(w: World, owner: Obj, base: string): string {
  const m = w.mem(owner);
  for (;;) {
    m.podCounter = (m.podCounter ?? 0) + 1;
    const name = `${base}-${safeSuffix(`${owner.metadata.uid}/${m.podCounter}`, 5)}`;
    if (!w.store.get("", "Pod", owner.metadata.namespace, name)) return name;
  }
}

const resolveIntOrPercent = (v: unknown, total: number, roundUp: boolean): number => {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.endsWith("%")) {
    const x = (Number(v.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  return 0;
};

// ---------------------------------------------------------------- ReplicaSet

const replicaSet: Controller = {
  group: "apps",
  kind: "ReplicaSet",
  reconcile(w, rs) {
    if (isTerminating(rs)) return;
    const pods = livePods(w, rs);
    const want = rs.spec?.replicas ?? 1;
    for (let i = pods.length; i < want; i++) {
      const name = podName(w, rs, rs.metadata.name);
      w.create(podFromTemplate(rs.spec.template, { name, namespace: rs.metadata.namespace, owner: rs }));
      w.event(rs, "replicaset-controller", { type: "Normal", reason: "SuccessfulCreate", message: `Created pod: ${name}` });
    }
    const excess = [...pods].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || w.store.createdAt(b) - w.store.createdAt(a)).slice(0, Math.max(0, pods.length - want));
    for (const p of excess) {
      w.remove(p);
      w.event(rs, "replicaset-controller", { type: "Normal", reason: "SuccessfulDelete", message: `Deleted pod: ${p.metadata.name}` });
    }
  },
  status(w, rs) {
    const pods = livePods(w, rs);
    const ready = pods.filter(isPodReady).length;
    w.setStatus(rs, { replicas: pods.length, ...omitZero({ fullyLabeledReplicas: pods.length, readyReplicas: ready, availableReplicas: ready }), observedGeneration: rs.metadata.generation });
  },
};

// ---------------------------------------------------------------- Deployment

function deploymentReplicaSets(w: World, d: Obj): { current: Obj | undefined; old: Obj[]; hash: string } {
  const hash = templateHash(d.spec?.template);
  const all = w.owned(d, "apps", "ReplicaSet");
  const current = all.find((rs) => rs.metadata.labels?.["pod-template-hash"] === hash);
  return { current, old: all.filter((rs) => rs !== current), hash };
}

const revisionOf = (o: Obj | undefined): number => Number(o?.metadata?.annotations?.["deployment.kubernetes.io/revision"] ?? 0);

function scaleReplicaSet(w: World, d: Obj, rs: Obj, to: number): void {
  const from = rs.spec?.replicas ?? 0;
  if (from === to) return;
  w.update(rs, (x) => {
    x.spec.replicas = to;
    x.metadata.annotations = { ...(x.metadata.annotations ?? {}), "deployment.kubernetes.io/desired-replicas": String(d.spec.replicas ?? 1) };
  });
  w.event(d, "deployment-controller", { type: "Normal", reason: "ScalingReplicaSet", message: `Scaled ${to > from ? "up" : "down"} replica set ${rs.metadata.name} from ${from} to ${to}` });
}

const deployment: Controller = {
  group: "apps",
  kind: "Deployment",
  reconcile(w, d) {
    if (isTerminating(d)) return;
    const desired = d.spec?.replicas ?? 1;
    const recreate = d.spec?.strategy?.type === "Recreate";
    let { current, old, hash } = deploymentReplicaSets(w, d);
    const oldHavePods = old.some((rs) => livePods(w, rs).length > 0);
    if (!current) {
      const revision = Math.max(0, ...old.map(revisionOf)) + 1;
      const tpl = structuredClone(d.spec.template);
      tpl.metadata = { ...(tpl.metadata ?? {}), labels: { ...(tpl.metadata?.labels ?? {}), "pod-template-hash": hash } };
      const name = `${d.metadata.name}-${hash}`;
      const start = recreate && oldHavePods ? 0 : desired;
      current = w.create({
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: {
          name,
          namespace: d.metadata.namespace,
          labels: tpl.metadata.labels,
          annotations: {
            "deployment.kubernetes.io/desired-replicas": String(desired),
            "deployment.kubernetes.io/max-replicas": String(desired + resolveIntOrPercent(d.spec?.strategy?.rollingUpdate?.maxSurge ?? "25%", desired, true)),
            "deployment.kubernetes.io/revision": String(revision),
          },
          ownerReferences: [ownerRef(d)],
        },
        spec: {
          replicas: start,
          selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector?.matchLabels ?? {}), "pod-template-hash": hash } },
          template: tpl,
        },
      });
      w.mem(d).rolloutStart = w.now;
      if (start > 0) w.event(d, "deployment-controller", { type: "Normal", reason: "ScalingReplicaSet", message: `Scaled up replica set ${name} from 0 to ${start}` });
    }
    if (w.mem(d).rolloutStart === undefined) w.mem(d).rolloutStart = w.now;
    if (revisionOf(d) !== revisionOf(current))
      w.update(d, (x) => {
        x.metadata.annotations = { ...(x.metadata.annotations ?? {}), "deployment.kubernetes.io/revision": String(revisionOf(current)) };
      });
    if (recreate) {
      for (const rs of old) scaleReplicaSet(w, d, rs, 0);
      if (!oldHavePods) scaleReplicaSet(w, d, current, desired);
      return;
    }
    scaleReplicaSet(w, d, current, desired);
    const available = livePods(w, current).filter(isPodReady).length;
    if (available >= desired) for (const rs of old) scaleReplicaSet(w, d, rs, 0);
  },
  status(w, d) {
    const desired = d.spec?.replicas ?? 1;
    const { current, old } = deploymentReplicaSets(w, d);
    const all = current ? [current, ...old] : old;
    const pods = all.flatMap((rs) => livePods(w, rs));
    const updated = current ? livePods(w, current) : [];
    const available = pods.filter(isPodReady).length;
    const maxUnavailable = d.spec?.strategy?.type === "RollingUpdate" ? resolveIntOrPercent(d.spec?.strategy?.rollingUpdate?.maxUnavailable ?? "25%", desired, false) : 0;
    const prev: Obj[] | undefined = d.status?.conditions;
    const availableCond =
      available >= desired - maxUnavailable
        ? w.condition(prev, "Available", true, "MinimumReplicasAvailable", "Deployment has minimum availability.", true)
        : w.condition(prev, "Available", false, "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", true);
    const rsName = current?.metadata.name ?? d.metadata.name;
    const complete = updated.length === desired && pods.length === desired && updated.filter(isPodReady).length === desired;
    const deadline = w.faults.forChain([d], ["progress-deadline"]) && w.now >= (w.mem(d).rolloutStart ?? w.now) + w.readyAfter("Deployment");
    const progressing = complete
      ? w.condition(prev, "Progressing", true, "NewReplicaSetAvailable", `ReplicaSet "${rsName}" has successfully progressed.`, true)
      : deadline
        ? w.condition(prev, "Progressing", false, "ProgressDeadlineExceeded", `ReplicaSet "${rsName}" has timed out progressing.`, true)
        : w.condition(prev, "Progressing", true, "ReplicaSetUpdated", `ReplicaSet "${rsName}" is progressing.`, true);
    if (deadline && !complete && prev?.find((c) => c.type === "Progressing")?.reason !== "ProgressDeadlineExceeded")
      w.event(d, "deployment-controller", { type: "Warning", reason: "ProgressDeadlineExceeded", message: `Deployment "${d.metadata.name}" has timed out progressing.` });
    w.setStatus(d, {
      observedGeneration: d.metadata.generation,
      ...omitZero({ replicas: pods.length, updatedReplicas: updated.length, readyReplicas: available, availableReplicas: available, unavailableReplicas: Math.max(0, desired - available) }),
      conditions: [availableCond, progressing],
    });
  },
};

// ---------------------------------------------------------------- StatefulSet

const ordinal = (sts: Obj, p: Obj): number => Number(String(p.metadata.name).slice(String(sts.metadata.name).length + 1));
const revisionLabel = "controller-revision-hash";

function ensureClaims(w: World, sts: Obj, i: number): Obj[] {
  const templates: Obj[] = sts.spec?.volumeClaimTemplates ?? [];
  return templates.map((t) => {
    const claimName = `${t.metadata?.name}-${sts.metadata.name}-${i}`;
    if (!w.store.get("", "PersistentVolumeClaim", sts.metadata.namespace, claimName)) {
      w.create({
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: claimName, namespace: sts.metadata.namespace, labels: { ...(sts.spec.selector?.matchLabels ?? {}), ...(t.metadata?.labels ?? {}) } },
        spec: structuredClone(t.spec ?? {}),
      });
    }
    return { name: t.metadata?.name, persistentVolumeClaim: { claimName } };
  });
}

const statefulSet: Controller = {
  group: "apps",
  kind: "StatefulSet",
  reconcile(w, sts) {
    if (isTerminating(sts)) return;
    const revision = `${sts.metadata.name}-${templateHash(sts.spec?.template)}`;
    const want = sts.spec?.replicas ?? 1;
    const ordered = sts.spec?.podManagementPolicy !== "Parallel";
    const pods = livePods(w, sts).sort((a, b) => ordinal(sts, a) - ordinal(sts, b));
    for (const p of pods.filter((p) => ordinal(sts, p) >= want).reverse()) {
      w.remove(p);
      w.event(sts, "statefulset-controller", { type: "Normal", reason: "SuccessfulDelete", message: `delete Pod ${p.metadata.name} in StatefulSet ${sts.metadata.name} successful` });
      if (ordered) return;
    }
    const outdated = pods.filter((p) => ordinal(sts, p) < want && p.metadata.labels?.[revisionLabel] !== revision).reverse();
    const allReady = pods.length >= want && pods.every(isPodReady);
    for (const p of outdated) {
      if (ordered && !allReady) break;
      w.remove(p);
      w.event(sts, "statefulset-controller", { type: "Normal", reason: "SuccessfulDelete", message: `delete Pod ${p.metadata.name} in StatefulSet ${sts.metadata.name} successful` });
      if (ordered) return;
    }
    for (let i = 0; i < want; i++) {
      const name = `${sts.metadata.name}-${i}`;
      const existing = w.store.get("", "Pod", sts.metadata.namespace, name);
      if (existing) {
        if (ordered && !isPodReady(existing)) return;
        continue;
      }
      const claims = ensureClaims(w, sts, i);
      const tpl = structuredClone(sts.spec.template);
      tpl.spec.volumes = [...(tpl.spec.volumes ?? []), ...claims];
      w.create(
        podFromTemplate(tpl, {
          name,
          namespace: sts.metadata.namespace,
          owner: sts,
          labels: { [revisionLabel]: revision, "statefulset.kubernetes.io/pod-name": name, "apps.kubernetes.io/pod-index": String(i) },
          extraSpec: { hostname: name, ...(sts.spec.serviceName ? { subdomain: sts.spec.serviceName } : {}) },
        }),
      );
      w.event(sts, "statefulset-controller", { type: "Normal", reason: "SuccessfulCreate", message: `create Pod ${name} in StatefulSet ${sts.metadata.name} successful` });
      if (ordered) return;
    }
  },
  status(w, sts) {
    const want = sts.spec?.replicas ?? 1;
    const updateRevision = `${sts.metadata.name}-${templateHash(sts.spec?.template)}`;
    const pods = livePods(w, sts);
    const ready = pods.filter(isPodReady).length;
    const updated = pods.filter((p) => p.metadata.labels?.[revisionLabel] === updateRevision).length;
    const rolledOut = updated === want && ready === want && pods.length === want;
    const currentRevision = rolledOut || !sts.status?.currentRevision ? updateRevision : sts.status.currentRevision;
    const current = pods.filter((p) => p.metadata.labels?.[revisionLabel] === currentRevision).length;
    w.setStatus(sts, {
      observedGeneration: sts.metadata.generation,
      replicas: pods.length,
      ...omitZero({ readyReplicas: ready, currentReplicas: current, updatedReplicas: updated }),
      availableReplicas: ready,
      currentRevision,
      updateRevision,
      collisionCount: 0,
    });
  },
};

// ---------------------------------------------------------------- DaemonSet (one node)

const daemonSet: Controller = {
  group: "apps",
  kind: "DaemonSet",
  reconcile(w, ds) {
    if (isTerminating(ds)) return;
    const hash = templateHash(ds.spec?.template);
    const pods = livePods(w, ds);
    for (const p of pods.filter((p) => p.metadata.labels?.[revisionLabel] !== hash)) w.remove(p);
    if (pods.some((p) => p.metadata.labels?.[revisionLabel] === hash)) return;
    const name = podName(w, ds, ds.metadata.name);
    w.create(
      podFromTemplate(ds.spec.template, {
        name,
        namespace: ds.metadata.namespace,
        owner: ds,
        labels: { [revisionLabel]: hash, "pod-template-generation": String(ds.metadata.generation ?? 1) },
      }),
    );
    w.event(ds, "daemonset-controller", { type: "Normal", reason: "SuccessfulCreate", message: `Created pod: ${name}` });
  },
  status(w, ds) {
    const hash = templateHash(ds.spec?.template);
    const pods = livePods(w, ds);
    const ready = pods.filter(isPodReady).length;
    const updated = pods.filter((p) => p.metadata.labels?.[revisionLabel] === hash).length;
    w.setStatus(ds, {
      currentNumberScheduled: Math.min(1, pods.length),
      desiredNumberScheduled: 1,
      numberMisscheduled: 0,
      numberReady: ready,
      observedGeneration: ds.metadata.generation,
      ...omitZero({ updatedNumberScheduled: updated, numberAvailable: ready, numberUnavailable: 1 - ready }),
    });
  },
};

// ---------------------------------------------------------------- Job

const finishedCondition = (j: Obj): Obj | undefined =>
  (j.status?.conditions ?? []).find((c: Obj) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");

const job: Controller = {
  group: "batch",
  kind: "Job",
  reconcile(w, j) {
    if (isTerminating(j) || finishedCondition(j) || j.spec?.suspend) return;
    const pods = livePods(w, j);
    const succeeded = pods.filter((p) => p.status?.phase === "Succeeded").length;
    const failed = pods.filter((p) => p.status?.phase === "Failed").length;
    const active = pods.length - succeeded - failed;
    const completions = j.spec?.completions ?? 1;
    const parallelism = j.spec?.parallelism ?? 1;
    if (failed > 0 && (w.faults.forChain([j], ["job-failure"]) || failed > (j.spec?.backoffLimit ?? 6))) return;
    for (let n = active; n < parallelism && succeeded + n < completions; n++) {
      const name = podName(w, j, j.metadata.name);
      w.create(podFromTemplate(j.spec.template, { name, namespace: j.metadata.namespace, owner: j }));
      w.event(j, "job-controller", { type: "Normal", reason: "SuccessfulCreate", message: `Created pod: ${name}` });
    }
  },
  status(w, j) {
    const pods = livePods(w, j);
    const succeeded = pods.filter((p) => p.status?.phase === "Succeeded").length;
    const failed = pods.filter((p) => p.status?.phase === "Failed").length;
    const active = pods.length - succeeded - failed;
    const prev: Obj[] | undefined = j.status?.conditions;
    const done = finishedCondition(j);
    const failedOut = !done && failed > 0 && (w.faults.forChain([j], ["job-failure"]) || failed > (j.spec?.backoffLimit ?? 6));
    const completeNow = !done && succeeded >= (j.spec?.completions ?? 1);
    let conditions = prev;
    let completionTime = j.status?.completionTime;
    if (failedOut) {
      const msg = "Job has reached the specified backoff limit";
      conditions = [w.condition(prev, "FailureTarget", true, "BackoffLimitExceeded", msg), w.condition(prev, "Failed", true, "BackoffLimitExceeded", msg)];
      w.event(j, "job-controller", { type: "Warning", reason: "BackoffLimitExceeded", message: msg });
    } else if (completeNow) {
      const msg = "Reached expected number of succeeded pods";
      conditions = [w.condition(prev, "SuccessCriteriaMet", true, "CompletionsReached", msg), w.condition(prev, "Complete", true, "CompletionsReached", msg)];
      completionTime = w.nowIso();
      w.event(j, "job-controller", { type: "Normal", reason: "Completed", message: "Job completed" });
    }
    const startTime = j.status?.startTime ?? (pods.length > 0 ? w.nowIso() : undefined);
    w.setStatus(j, {
      ...(conditions ? { conditions } : {}),
      ...(startTime ? { startTime } : {}),
      ...(completionTime ? { completionTime } : {}),
      ...omitZero({ active: finishedCondition(j) || failedOut || completeNow ? 0 : active, succeeded, failed }),
      ready: pods.filter(isPodReady).length,
      terminating: 0,
      uncountedTerminatedPods: {},
    });
  },
};

/** Run order: owners before the objects they create. */
export const WORKLOAD_CONTROLLERS: readonly Controller[] = [deployment, replicaSet, statefulSet, daemonSet, job];
