/**
 * Readiness as data: one entry per kind, keyed by `apiVersion/kind`. `step` decides when a step is done; `settled`
 * (optional) is what the final verification asks on top — a Service's endpoints, a claim that waited for its first
 * consumer being bound. `observe` says what besides the object must be read. Kinds not listed have nothing to wait
 * for: existing is being ready.
 */
import { conditionOf, type LiveObject, type Observed } from "./live.ts";
import { podFailure, podsWaitingOn } from "./pods.ts";
import { failed, ready, type Verdict, waiting } from "./verdict.ts";

export interface ReadinessEntry {
  readonly observe: readonly ("pods" | "endpoints" | "events")[];
  readonly step: (o: Observed) => Verdict;
  readonly settled?: (o: Observed) => Verdict;
}

const generationSeen = (o: LiveObject): Verdict | undefined => {
  const generation = o.metadata?.generation;
  const observed = o.status?.observedGeneration as number | undefined;
  return generation !== undefined && (observed === undefined || observed < generation) ? waiting(`waiting for the controller to see generation ${generation}`) : undefined;
};

const podsNotReady = (o: Observed, readyCount: number, want: number): Verdict =>
  podFailure(o.pods) ?? waiting(`${readyCount}/${want} pods ready${podsWaitingOn(o.pods) ? `; ${podsWaitingOn(o.pods)}` : ""}`);

const deployment = ({ object: d, ...rest }: Observed): Verdict => {
  const progressing = conditionOf(d, "Progressing");
  if (progressing?.status === "False" && progressing.reason === "ProgressDeadlineExceeded") return podFailure(rest.pods) ?? failed("ProgressDeadlineExceeded", progressing.message ?? "the rollout exceeded its progress deadline");
  const unseen = generationSeen(d);
  if (unseen) return unseen;
  const want = (d.spec?.replicas as number | undefined) ?? (d.status?.replicas as number | undefined) ?? 1;
  const s = d.status ?? {};
  if ((s.updatedReplicas ?? 0) >= want && (s.readyReplicas ?? 0) >= want && (s.availableReplicas ?? 0) >= want && (s.replicas ?? 0) <= want) return ready(`${want}/${want} pods ready`);
  return podsNotReady({ object: d, ...rest }, s.readyReplicas ?? 0, want);
};

const statefulSet = ({ object: s, ...rest }: Observed): Verdict => {
  const unseen = generationSeen(s);
  if (unseen) return unseen;
  const want = (s.spec?.replicas as number | undefined) ?? 1;
  const st = s.status ?? {};
  const revisionDone = !st.updateRevision || st.currentRevision === st.updateRevision;
  if ((st.readyReplicas ?? 0) >= want && (st.updatedReplicas ?? want) >= want && revisionDone) return ready(`${want}/${want} pods ready`);
  return podsNotReady({ object: s, ...rest }, st.readyReplicas ?? 0, want);
};

const daemonSet = ({ object: d, ...rest }: Observed): Verdict => {
  const unseen = generationSeen(d);
  if (unseen) return unseen;
  const st = d.status ?? {};
  const want = st.desiredNumberScheduled ?? 0;
  if ((st.numberReady ?? 0) >= want && (st.updatedNumberScheduled ?? 0) >= want) return ready(`${want}/${want} pods ready`);
  return podsNotReady({ object: d, ...rest }, st.numberReady ?? 0, want);
};

const job = ({ object: j, pods }: Observed): Verdict => {
  const complete = conditionOf(j, "Complete");
  if (complete?.status === "True") return ready("completed");
  const fail = conditionOf(j, "Failed");
  if (fail?.status === "True") {
    const pod = (pods ?? []).find((p) => p.status?.phase === "Failed") ?? pods?.[0];
    return failed(fail.reason ?? "JobFailed", `the Job failed: ${fail.message ?? fail.reason ?? ""}`.trim(), pod ? { namespace: pod.metadata?.namespace ?? "", name: pod.metadata?.name ?? "" } : undefined);
  }
  return podFailure(pods) ?? waiting(`running${j.status?.active ? ` (${j.status.active} active)` : ""}`);
};

const claim = (mustBind: boolean) => ({ object: c, events }: Observed): Verdict => {
  const phase = c.status?.phase as string | undefined;
  if (phase === "Bound") return ready("bound");
  if (phase === "Lost") return failed("ClaimLost", "the claim lost its volume");
  // A claim on a WaitForFirstConsumer class binds only once a pod uses it: the pod's step must be allowed to start.
  if (!mustBind && (events ?? []).some((e) => e.reason === "WaitForFirstConsumer")) return ready("waits for its first consumer");
  const problem = (events ?? []).filter((e) => e.type === "Warning").at(-1);
  return waiting(`${phase ?? "Pending"}${problem ? `: ${problem.reason}: ${problem.message}` : ""}`);
};

const service = {
  step: ({ object: s }: Observed): Verdict => ready(s.spec?.clusterIP === "None" ? "headless" : `cluster IP ${s.spec?.clusterIP ?? "assigned"}`),
  settled: ({ object: s, endpoints }: Observed): Verdict => {
    if (!s.spec?.selector || s.spec.type === "ExternalName") return ready("no selector: nothing to wait for");
    const addresses = ((endpoints?.subsets as { addresses?: unknown[] }[] | undefined) ?? []).reduce((n, sub) => n + (sub.addresses?.length ?? 0), 0);
    return addresses > 0 ? ready(`${addresses} ready endpoint${addresses === 1 ? "" : "s"}`) : waiting("no ready endpoints: no ready pod matches its selector");
  },
};

const conditionTrue = (type: string, what: string) => ({ object }: Observed): Verdict =>
  conditionOf(object, type)?.status === "True" ? ready(what) : waiting(`waiting for condition ${type}${conditionOf(object, type)?.message ? `: ${conditionOf(object, type)!.message}` : ""}`);

export const READINESS: Readonly<Record<string, ReadinessEntry>> = {
  "apps/v1/Deployment": { observe: ["pods"], step: deployment },
  "apps/v1/StatefulSet": { observe: ["pods"], step: statefulSet },
  "apps/v1/DaemonSet": { observe: ["pods"], step: daemonSet },
  "batch/v1/Job": { observe: ["pods"], step: job },
  "v1/PersistentVolumeClaim": { observe: ["events"], step: claim(false), settled: claim(true) },
  "v1/Service": { observe: ["endpoints"], ...service },
  "networking.k8s.io/v1/Ingress": {
    observe: [],
    step: ({ object }) => ((object.status?.loadBalancer?.ingress as unknown[] | undefined)?.length ? ready("has an address") : waiting("waiting for the ingress controller to assign an address")),
  },
  "autoscaling/v2/HorizontalPodAutoscaler": { observe: [], step: conditionTrue("AbleToScale", "able to scale") },
  "apiextensions.k8s.io/v1/CustomResourceDefinition": {
    observe: [],
    step: (o) => (conditionOf(o.object, "NamesAccepted")?.status === "False" ? failed("NamesNotAccepted", conditionOf(o.object, "NamesAccepted")!.message ?? "names not accepted") : conditionTrue("Established", "established")(o)),
  },
  "v1/Namespace": { observe: [], step: ({ object }) => (object.status?.phase === "Active" || object.status?.phase === undefined ? ready("active") : waiting(`namespace is ${object.status.phase}`)) },
};

const EXISTS: ReadinessEntry = { observe: [], step: () => ready("exists: nothing to wait for") };

export const readinessOf = (apiVersion: string, kind: string): ReadinessEntry => READINESS[`${apiVersion}/${kind}`] ?? EXISTS;
