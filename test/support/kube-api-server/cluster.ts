/** Non-workload controllers: namespaces, CRDs, endpoints, volumes, ingress, autoscalers, disruption budgets, garbage collection. */
import { fromLabelSelector, matches } from "./selectors.ts";
import { BUILTIN_RESOURCES, groupOf } from "./resources.ts";
import type { Obj } from "./types.ts";
import { clone, isoSeconds } from "./util.ts";
import { isPodReady, isTerminating, type World } from "./world.ts";

/** How long a deleted Namespace stays Terminating before it and everything in it are gone
 * (long enough for `kubectl delete -f` to delete the rest of a file after the Namespace). */
export const NAMESPACE_FINALIZE_MS = 100;
const ROOT_CA = "-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAjMSEwHwYDVQQDDBhrM3Mtc2Vy\n-----END CERTIFICATE-----\n";

const elapsed = (w: World, o: Obj): number => w.now - w.store.createdAt(o);

export function namespaces(w: World): void {
  for (const ns of w.store.list("", "Namespace")) {
    const name = ns.metadata.name;
    if (!isTerminating(ns)) {
      if (ns.status?.phase !== "Active") w.setStatus(ns, { ...(ns.status ?? {}), phase: "Active" });
      const m = w.mem(ns);
      // the ServiceAccount and root-CA controllers fill a new namespace shortly after it is created
      if (!m.populated && elapsed(w, ns) >= w.readyAfter("Namespace")) {
        m.populated = true;
        if (!w.store.get("", "ServiceAccount", name, "default")) w.create({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: name } });
        if (!w.store.get("", "ConfigMap", name, "kube-root-ca.crt"))
          w.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kube-root-ca.crt", namespace: name, annotations: { "kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clients." } }, data: { "ca.crt": ROOT_CA } });
      }
      continue;
    }
    const m = w.mem(ns);
    m.terminatingSince ??= w.now;
    if (ns.status?.phase !== "Terminating") w.setStatus(ns, { ...(ns.status ?? {}), phase: "Terminating" });
    if (w.now - m.terminatingSince < NAMESPACE_FINALIZE_MS) continue;
    for (const o of w.store.list().filter((x) => x.metadata?.namespace === name)) w.remove(o);
    w.remove(ns);
  }
}

export function crds(w: World): void {
  for (const crd of w.store.list("apiextensions.k8s.io", "CustomResourceDefinition")) {
    if (elapsed(w, crd) < w.readyAfter("CustomResourceDefinition") && !crd.status?.conditions) continue;
    const prev: Obj[] | undefined = crd.status?.conditions;
    w.setStatus(crd, {
      conditions: [
        w.condition(prev, "NamesAccepted", true, "NoConflicts", "no conflicts found"),
        w.condition(prev, "Established", true, "InitialNamesAccepted", "the initial names have been accepted"),
      ],
      acceptedNames: clone(crd.spec?.names ?? {}),
      storedVersions: (crd.spec?.versions ?? []).filter((v: Obj) => v.storage).map((v: Obj) => v.name),
    });
  }
  // custom objects whose definition is gone go with it
  const builtin = new Set(BUILTIN_RESOURCES.map((r) => `${r.group}|${r.kind}`));
  for (const o of w.store.list()) {
    const key = `${groupOf(o.apiVersion)}|${o.kind}`;
    if (!builtin.has(key) && !w.registry.known(groupOf(o.apiVersion), o.kind)) w.remove(o);
  }
}

function targetPort(port: Obj, pod: Obj | undefined): number {
  const t = port.targetPort ?? port.port;
  if (typeof t === "number") return t;
  for (const c of pod?.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === t) return p.containerPort;
  return port.port;
}

export function services(w: World): void {
  // the endpoints controller's own memory: which Endpoints it made (deleted with their Service)
  const managed = (w.mem({ metadata: { uid: "controller:endpoints" } }).names ??= new Set<string>()) as Set<string>;
  for (const svc of w.store.list("", "Service")) {
    const ns = svc.metadata.namespace;
    const key = `${ns}/${svc.metadata.name}`;
    if (svc.spec?.type === "LoadBalancer" && elapsed(w, svc) >= w.readyAfter("Service"))
      w.setStatus(svc, { loadBalancer: { ingress: [{ ip: "203.0.113.20", ipMode: "VIP" }] } });
    const sel: Record<string, string> | undefined = svc.spec?.selector;
    if (!sel || Object.keys(sel).length === 0) continue;
    const reqs = fromLabelSelector({ matchLabels: sel });
    const pods = w.store.list("", "Pod", ns).filter((p) => !isTerminating(p) && p.status?.podIP && matches(reqs, p.metadata.labels));
    const address = (p: Obj): Obj => ({ ip: p.status.podIP, nodeName: p.spec?.nodeName, targetRef: { kind: "Pod", namespace: ns, name: p.metadata.name, uid: p.metadata.uid } });
    const ready = pods.filter(isPodReady).map(address);
    const notReady = pods.filter((p) => !isPodReady(p)).map(address);
    const ports = (svc.spec?.ports ?? []).map((p: Obj) => ({ ...(p.name ? { name: p.name } : {}), port: targetPort(p, pods[0]), protocol: p.protocol ?? "TCP" }));
    const subsets = pods.length > 0 ? [{ ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ports }] : undefined;
    const existing = w.store.get("", "Endpoints", ns, svc.metadata.name);
    const labels = { ...(svc.metadata.labels ?? {}), ...(svc.spec?.clusterIP === "None" ? { "service.kubernetes.io/headless": "" } : {}) };
    if (!existing) {
      w.create({ apiVersion: "v1", kind: "Endpoints", metadata: { name: svc.metadata.name, namespace: ns, labels }, ...(subsets ? { subsets } : {}) });
      managed.add(key);
    } else
      w.update(existing, (x) => {
        x.metadata.labels = labels;
        if (subsets) x.subsets = subsets;
        else delete x.subsets;
      });
  }
  for (const key of [...managed]) {
    const [ns, name] = key.split("/") as [string, string];
    if (w.store.get("", "Service", ns, name)) continue;
    const ep = w.store.get("", "Endpoints", ns, name);
    if (ep) w.remove(ep);
    managed.delete(key);
  }
}

export function volumes(w: World): void {
  for (const pvc of w.store.list("", "PersistentVolumeClaim")) {
    if (pvc.status?.phase === "Bound" || isTerminating(pvc)) continue;
    const slow = w.faults.forChain([pvc], ["slow-pvc"]);
    const delay = slow?.type === "slow-pvc" ? slow.delayMs : w.readyAfter("PersistentVolumeClaim");
    const storageClass = pvc.spec?.storageClassName ?? "standard";
    if (elapsed(w, pvc) < delay) {
      if (slow) w.event(pvc, "persistentvolume-controller", { type: "Normal", reason: "WaitForFirstConsumer", message: "waiting for first consumer to be created before binding" });
      continue;
    }
    const volumeName = `pvc-${pvc.metadata.uid}`;
    const storage = pvc.spec?.resources?.requests?.storage ?? "1Gi";
    const accessModes = pvc.spec?.accessModes ?? ["ReadWriteOnce"];
    if (!w.store.get("", "PersistentVolume", undefined, volumeName))
      w.create({
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name: volumeName, annotations: { "pv.kubernetes.io/provisioned-by": "rancher.io/local-path" } },
        spec: {
          capacity: { storage },
          accessModes,
          persistentVolumeReclaimPolicy: "Delete",
          storageClassName: storageClass,
          volumeMode: pvc.spec?.volumeMode ?? "Filesystem",
          claimRef: { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid },
          hostPath: { path: `/var/local-path-provisioner/${volumeName}_${pvc.metadata.namespace}_${pvc.metadata.name}`, type: "DirectoryOrCreate" },
        },
        status: { phase: "Bound" },
      });
    const bound = w.update(pvc, (x) => {
      x.spec.volumeName = volumeName;
      x.metadata.annotations = {
        ...(x.metadata.annotations ?? {}),
        "pv.kubernetes.io/bind-completed": "yes",
        "pv.kubernetes.io/bound-by-controller": "yes",
        "volume.beta.kubernetes.io/storage-provisioner": "rancher.io/local-path",
        "volume.kubernetes.io/storage-provisioner": "rancher.io/local-path",
      };
    });
    w.setStatus(bound, { phase: "Bound", accessModes, capacity: { storage } });
    w.event(bound, "persistentvolume-controller", { type: "Normal", reason: "ProvisioningSucceeded", message: `Successfully provisioned volume ${volumeName}` });
  }
  // reclaim policy Delete: volumes whose claim is gone are deleted
  for (const pv of w.store.list("", "PersistentVolume")) {
    const ref = pv.spec?.claimRef;
    if (ref?.uid && !w.store.byUid(ref.uid) && pv.spec?.persistentVolumeReclaimPolicy === "Delete") w.remove(pv);
  }
}

export function ingresses(w: World): void {
  for (const ing of w.store.list("networking.k8s.io", "Ingress"))
    if (elapsed(w, ing) >= w.readyAfter("Ingress")) w.setStatus(ing, { loadBalancer: { ingress: [{ ip: "203.0.113.10" }] } });
}

export function autoscalers(w: World): void {
  for (const hpa of w.store.list("autoscaling", "HorizontalPodAutoscaler")) {
    if (elapsed(w, hpa) < w.readyAfter("HorizontalPodAutoscaler")) continue;
    const ref: Obj = hpa.spec?.scaleTargetRef ?? {};
    const target = w.store.get(groupOf(String(ref.apiVersion ?? "apps/v1")), String(ref.kind), hpa.metadata.namespace, String(ref.name));
    const prev: Obj[] | undefined = hpa.status?.conditions;
    if (!target) {
      const plural = `${String(ref.kind).toLowerCase()}s`;
      w.setStatus(hpa, {
        currentReplicas: 0,
        desiredReplicas: 0,
        conditions: [w.condition(prev, "AbleToScale", false, "FailedGetScale", `the HPA controller was unable to get the target's current scale: ${plural}.${groupOf(String(ref.apiVersion ?? "apps/v1"))} "${ref.name}" not found`)],
      });
      continue;
    }
    const current = target.status?.replicas ?? target.spec?.replicas ?? 0;
    const desired = Math.min(hpa.spec?.maxReplicas ?? current, Math.max(hpa.spec?.minReplicas ?? 1, current));
    w.setStatus(hpa, {
      currentReplicas: current,
      desiredReplicas: desired,
      currentMetrics: null,
      conditions: [
        w.condition(prev, "AbleToScale", true, "ReadyForNewScale", "recommended size matches current size"),
        w.condition(prev, "ScalingActive", true, "ValidMetricFound", "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)"),
        w.condition(prev, "ScalingLimited", false, "DesiredWithinRange", "the desired count is within the acceptable range"),
      ],
    });
  }
}

export function disruptionBudgets(w: World): void {
  for (const pdb of w.store.list("policy", "PodDisruptionBudget")) {
    const reqs = fromLabelSelector(pdb.spec?.selector);
    const pods = reqs.length === 0 ? [] : w.store.list("", "Pod", pdb.metadata.namespace).filter((p) => !isTerminating(p) && matches(reqs, p.metadata.labels));
    const healthy = pods.filter(isPodReady).length;
    const resolve = (v: unknown): number => (typeof v === "string" && v.endsWith("%") ? Math.ceil((Number(v.slice(0, -1)) * pods.length) / 100) : Number(v ?? 0));
    const desired = pdb.spec?.minAvailable !== undefined ? resolve(pdb.spec.minAvailable) : Math.max(0, pods.length - resolve(pdb.spec?.maxUnavailable));
    const allowed = Math.max(0, healthy - desired);
    const prev: Obj[] | undefined = pdb.status?.conditions;
    w.setStatus(pdb, {
      observedGeneration: pdb.metadata.generation,
      disruptionsAllowed: allowed,
      currentHealthy: healthy,
      desiredHealthy: desired,
      expectedPods: pods.length,
      conditions: [allowed > 0 ? w.condition(prev, "DisruptionAllowed", true, "SufficientPods", "") : w.condition(prev, "DisruptionAllowed", false, "InsufficientPods", "")],
    });
  }
}

/** Owner-reference garbage collection: dependents of deleted owners go (background); foreground deletions wait for dependents. */
export function garbageCollect(w: World): void {
  const all = w.store.list();
  const dependents = new Map<string, Obj[]>();
  for (const o of all)
    for (const ref of o.metadata?.ownerReferences ?? []) {
      const list = dependents.get(ref.uid) ?? [];
      list.push(o);
      dependents.set(ref.uid, list);
    }
  for (const o of all) {
    const refs: Obj[] = o.metadata?.ownerReferences ?? [];
    if (refs.length > 0 && refs.every((r) => !w.store.byUid(r.uid)) && w.store.byUid(o.metadata.uid)) {
      w.remove(o);
      continue;
    }
    if (!isTerminating(o)) continue;
    const finalizers: string[] = o.metadata.finalizers ?? [];
    if (!finalizers.includes("foregroundDeletion")) continue;
    const deps = (dependents.get(o.metadata.uid) ?? []).filter((d) => w.store.byUid(d.metadata.uid));
    for (const d of deps) {
      if (isTerminating(d)) continue;
      const hasOwn = (dependents.get(d.metadata.uid) ?? []).length > 0;
      if (hasOwn)
        w.update(d, (x) => {
          x.metadata.deletionTimestamp = isoSeconds(w.now);
          x.metadata.finalizers = [...(x.metadata.finalizers ?? []), "foregroundDeletion"];
        });
      else w.remove(d);
    }
    if (deps.length === 0) {
      const rest = finalizers.filter((f) => f !== "foregroundDeletion");
      if (rest.length === 0) w.remove(o);
      else w.update(o, (x) => (x.metadata.finalizers = rest));
    }
  }
}
