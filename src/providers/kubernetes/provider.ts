/** The Kubernetes provider: server-side apply as field manager `berth`, readiness from the registry, explanations from events and logs. */
import { secretsReadBy } from "../../plan/secret-uses.ts";
import { describeRef, type ObjectRef, type PlanStep, refOf as refOfObject } from "../../plan/step.ts";
import type { KubeObject } from "../../resources/kube-object.ts";
import { ANNOTATION, LABEL } from "../../resources/labels.ts";
import type { EventLike, LiveObject, Observed } from "../../readiness/live.ts";
import { readinessOf } from "../../readiness/registry.ts";
import { failed, ready, type Verdict, waiting } from "../../readiness/verdict.ts";
import { type LiveState, type OwnedObject, type Progress, type Provider, ProviderRequestFailed, ProviderUnavailable, type RunResult } from "../provider.ts";
import type { KubeConfig } from "@kubernetes/client-node";
import { type ConnectOptions, isNotFound, KubeClient } from "./client.ts";
import { kubeConfigFromText } from "./kubeconfig.ts";
import { fieldChanges } from "./diff.ts";
import { isConnectionError, serverMessage, statusOf } from "./errors.ts";
import { OWNED_KINDS } from "./kinds.ts";
import { prerequisiteProblems } from "./prerequisites.ts";
import { Redactor } from "./redact.ts";
import { generateValue } from "./secret-values.ts";
import { type Scope, WatchCache } from "./watch-cache.ts";
import { refKey } from "../../plan/step.ts";

/**
 * Where the connection comes from when it is not a kubeconfig file: asked at first use (and again until it answers),
 * so a plan can create the cluster its Kubernetes steps deploy to. `undefined`: the cluster does not exist yet.
 */
export type KubeConnectionSource = () => Promise<string | KubeConfig | undefined>;

export interface KubernetesProviderOptions extends ConnectOptions {
  readonly platform: string;
  readonly instance: string;
  /** Take over existing objects that carry no berth label (never another platform's). */
  readonly adopt?: boolean;
  /** A deferred connection (the AKS cluster this plan creates); without it, the kubeconfig as kubectl reads it. */
  readonly connection?: KubeConnectionSource;
}

/** What a step's object is while its cluster does not exist yet: to be created. */
const NOT_YET: LiveState = { exists: false, ownership: "absent", changes: [{ field: "(object)", to: "created" }], intentChanged: true };

/** How long a live watch may take to show berth's own write before the object is read directly. */
const BEHIND_MS = 5_000;
const BEHIND = Symbol("behind");
const OBSERVED_KIND = { pods: "Pod", events: "Event", endpoints: "Endpoints" } as const;

type Live = LiveObject & { metadata?: LiveObject["metadata"] & { annotations?: Record<string, string>; uid?: string } };

const header = (ref: ObjectRef) => ({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } });

const decode = (data: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));

export class KubernetesProvider implements Provider {
  readonly name = "kubernetes";
  readonly redactor = new Redactor();
  #client: KubeClient | undefined;
  #cache!: WatchCache;
  /** The resourceVersion (and time) of berth's own last write to each object: a watch has to have seen it to be believed. */
  readonly #written = new Map<string, { readonly rv: string; readonly at: number }>();
  /** Lists read once per kind and namespace while inspecting a plan, instead of one read per object; dropped at the first write. */
  #snapshot = new Map<string, Promise<Map<string, Live> | undefined>>();
  /** The steps of the run being followed, kept to start watching them when a deferred connection comes. */
  #following: readonly PlanStep[] | undefined;
  #connecting: Promise<boolean> | undefined;

  constructor(private readonly options: KubernetesProviderOptions) {
    if (!options.connection) this.#attach(new KubeClient(options));
  }

  get client(): KubeClient {
    if (!this.#client) throw new ProviderUnavailable("the cluster is not connected yet (it does not exist, or has not been asked for)");
    return this.#client;
  }

  #attach(client: KubeClient): void {
    this.#client = client;
    this.#cache = new WatchCache(client.rest, client.clock);
  }

  /** Connected, asking the deferred source if there is one; false while the source says the cluster does not exist. */
  async connected(): Promise<boolean> {
    if (this.#client) return true;
    // Steps that find the cluster at the same moment share one answer: one client, one set of watches.
    this.#connecting ??= this.#connect().finally(() => (this.#connecting = undefined));
    return this.#connecting;
  }

  async #connect(): Promise<boolean> {
    const got = await this.options.connection!();
    if (this.#client) return true;
    if (got === undefined) return false;
    const config = typeof got === "string" ? kubeConfigFromText(got, this.options.context) : got;
    this.#attach(new KubeClient({ ...this.options, config }));
    // A run asked to follow its steps before the cluster existed: watch them now, or every check would poll.
    if (this.#following) this.follow(this.#following);
    return true;
  }

  /** Watches every kind and namespace the steps touch, and the pods, events and endpoints their readiness reads. */
  follow(steps: readonly PlanStep[]): void {
    this.#following = steps;
    // Before the cluster exists there is nothing to watch: following starts when the connection comes.
    if (!this.#client) return;
    this.#snapshot.clear();
    for (const step of steps) for (const scope of this.#scopesOf(step)) this.#cache.follow(scope);
  }

  changed(step: PlanStep, signal: AbortSignal): Promise<void> | undefined {
    if (!this.#client) return undefined;
    return this.#cache.changed(this.#scopesOf(step), signal);
  }

  unfollow(): void {
    this.#following = undefined;
    if (this.#client) this.#cache.stop();
  }

  #scopesOf(step: PlanStep): Scope[] {
    const a = step.action;
    if (a.type === "verify" || a.type === "ensure" || a.type === "remove" || a.type === "verify-identity" || a.type === "deploy" || a.type === "undeploy") return [];
    const ref = a.type === "apply" ? refOfObject(a.object) : a.ref;
    const own: Scope = { apiVersion: ref.apiVersion, kind: ref.kind, ...(ref.namespace ? { namespace: ref.namespace } : {}) };
    if (a.type !== "apply" || !ref.namespace) return [own];
    const observe = readinessOf(ref.apiVersion, ref.kind).observe;
    return [own, ...observe.map((o) => ({ apiVersion: "v1", kind: OBSERVED_KIND[o], namespace: ref.namespace }))];
  }

  #wrote(ref: ObjectRef, response: unknown): void {
    const rv = (response as { metadata?: { resourceVersion?: string } } | undefined)?.metadata?.resourceVersion;
    if (rv) this.#written.set(refKey(ref), { rv, at: this.client.clock.now() });
    this.#snapshot.clear();
  }

  /**
   * What a check reads: the watched copy when the watch is live and current; BEHIND while a live watch has yet to
   * deliver berth's own write (for a few seconds; then the object is read); else the object itself.
   */
  async #look(ref: ObjectRef): Promise<Live | undefined | typeof BEHIND> {
    const scope: Scope = { apiVersion: ref.apiVersion, kind: ref.kind, ...(ref.namespace ? { namespace: ref.namespace } : {}) };
    const written = this.#written.get(refKey(ref));
    const known = this.#cache.get(scope, ref.name, written?.rv);
    if (known.known) return known.object as Live | undefined;
    if (known.behind && written && this.client.clock.now() - written.at < BEHIND_MS) return BEHIND;
    return this.read(ref);
  }

  /** The object as a list of its kind and namespace read during this inspection shows it (or read alone). */
  async #inspectRead(ref: ObjectRef): Promise<Live | undefined> {
    const key = `${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ""}`;
    let listed = this.#snapshot.get(key);
    if (!listed) {
      listed = this.client
        .call(() => this.client.rest.list(ref.apiVersion, ref.kind, ref.namespace ? { namespace: ref.namespace } : {}))
        .then((items) => new Map(items.map((o) => [String(o.metadata?.name), o as Live])), () => undefined);
      this.#snapshot.set(key, listed);
    }
    const map = await listed;
    return map ? map.get(ref.name) : this.read(ref);
  }

  async preflight() {
    if (!this.#client && !(await this.connected())) return { endpoint: "(the cluster this plan creates)", version: "(not created yet)" };
    try {
      return { endpoint: `${this.client.server} (context ${this.client.context})`, version: await this.client.version() };
    } catch (error) {
      throw new ProviderUnavailable(`cannot reach the cluster at ${this.client.server} (context ${this.client.context}): ${serverMessage(error)}`);
    }
  }

  /** What the steps' objects need installed in the cluster and is not (a CSI driver, an operator's CRDs). */
  async preflightProblems(steps: readonly PlanStep[]) {
    // A cluster this plan creates has nothing installed yet, and whatever installs it is a step of the plan.
    if (!this.#client && !(await this.connected())) return [];
    return prerequisiteProblems({ read: (ref) => this.read(ref), served: async (apiVersion, kind) => (await this.client.call(() => this.client.rest.resource(apiVersion, kind))) !== undefined }, steps);
  }

  async read(ref: ObjectRef): Promise<Live | undefined> {
    try {
      return (await this.client.call(() => this.client.rest.read(ref))) as Live;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw this.#failure(`read ${describeRef(ref)}`, error);
    }
  }

  async inspect(step: PlanStep): Promise<LiveState> {
    const a = step.action;
    if (a.type === "verify" || a.type === "ensure" || a.type === "remove" || a.type === "verify-identity" || a.type === "deploy" || a.type === "undeploy") return { exists: true, ownership: "ours", changes: [], intentChanged: false };
    if (!this.#client && !(await this.connected())) return a.type === "apply" || a.type === "generate-secret" ? NOT_YET : { ...NOT_YET, changes: [] };
    const ref = a.type === "apply" ? refOfObject(a.object) : a.ref;
    const live = await this.#inspectRead(ref);
    if (!live) return { exists: false, ownership: "absent", changes: a.type === "apply" || a.type === "generate-secret" ? [{ field: "(object)", to: "created" }] : [], intentChanged: true };
    const ownership = this.#ownership(live, ref);
    if (a.type === "apply") {
      return {
        exists: true,
        ...ownership,
        adopted: live.metadata?.annotations?.[ANNOTATION.adopted] === "true",
        changes: fieldChanges(a.object, live, ref.kind === "Secret"),
        intentChanged: live.metadata?.annotations?.[ANNOTATION.appliedDigest] !== step.digest,
      };
    }
    if (a.type === "generate-secret") {
      const missing = a.keys.filter((k) => !(k in ((live as { data?: object }).data ?? {})));
      return { exists: true, ...ownership, ownership: ownership.ownership === "foreign" ? "adoptable" : ownership.ownership, changes: missing.map((k) => ({ field: `.data.${k}`, to: "(generated)" })), intentChanged: missing.length > 0 };
    }
    if (a.type === "delete") return { exists: true, ...ownership, changes: [{ field: "(object)", from: "present", to: "deleted" }], intentChanged: true };
    return { exists: true, ownership: "adoptable", changes: [], intentChanged: false };
  }

  #ownership(live: Live, ref: ObjectRef): Pick<LiveState, "ownership" | "owner"> {
    const instance = live.metadata?.labels?.[LABEL.instance];
    if (instance === this.options.instance) return { ownership: "ours" };
    if (instance) return { ownership: "foreign", owner: `berth instance ${instance}` };
    // A namespace made beforehand (often to hold the secrets berth is told to expect) is taken over but never deleted.
    if (ref.kind === "Namespace" || this.options.adopt) return { ownership: "adoptable" };
    const manager = live.metadata?.labels?.[LABEL.managedBy];
    return { ownership: "foreign", owner: manager ? `managed by ${manager}` : "not created by berth" };
  }

  async run(step: PlanStep, live: LiveState, progress: Progress, signal: AbortSignal): Promise<RunResult> {
    if (!this.#client && !(await this.connected())) throw new ProviderUnavailable(`${step.title}: the cluster does not exist yet (the step that creates it has to come first)`);
    const a = step.action;
    switch (a.type) {
      case "apply":
        return this.#apply(step, a.object, live, progress, signal);
      case "generate-secret":
        return this.#generateSecret(a.ref, a.keys, a.length, a.formats, a.copyFrom, progress);
      case "delete":
        return this.#delete(a.ref, signal, progress);
      default:
        return { did: "nothing to change", mutated: false };
    }
  }

  async #apply(step: PlanStep, desired: KubeObject, live: LiveState, progress: Progress, signal: AbortSignal): Promise<RunResult> {
    if (live.exists && live.ownership === "ours" && live.changes.length === 0 && !live.intentChanged) return { did: "unchanged", mutated: false };
    const ref = refOfObject(desired);
    let did = live.exists ? "updated" : "created";
    // A Job's pod template cannot change: a changed Job is deleted (with its pods) and created again.
    if (live.exists && desired.kind === "Job") {
      progress.note(`${describeRef(ref)} changed: Jobs are immutable, deleting it to create it again`);
      await this.#delete(ref, signal, progress);
      did = "re-created (Jobs are immutable)";
    }
    const annotations: Record<string, string> = { ...desired.metadata.annotations, [ANNOTATION.appliedDigest]: step.digest };
    // Applied by berth's field manager, the mark must be sent every time or server-side apply would drop it.
    if (live.ownership === "adoptable" || live.adopted) annotations[ANNOTATION.adopted] = "true";
    const body = { ...desired, metadata: { ...desired.metadata, annotations } };
    try {
      this.#wrote(ref, await this.client.call(() => this.client.rest.apply(body, "berth"), {}, progress));
      if (desired.kind === "CustomResourceDefinition") this.client.rest.forgetDiscovery();
    } catch (error) {
      throw this.#failure(`apply ${describeRef(ref)}`, error);
    }
    return { did, mutated: true };
  }

  async #generateSecret(ref: ObjectRef, keys: readonly string[], length: number, formats: Readonly<Record<string, string>> | undefined, copyFrom: string | undefined, progress: Progress): Promise<RunResult> {
    const source = copyFrom ? decode(((await this.read({ ...ref, namespace: copyFrom })) as { data?: Record<string, string> } | undefined)?.data) : {};
    const valueFor = (key: string) => {
      const value = source[key] ?? generateValue(length, formats?.[key]);
      this.redactor.add(value);
      return Buffer.from(value, "utf8").toString("base64");
    };
    let live = await this.read(ref);
    if (!live) {
      const body = {
        ...header(ref),
        metadata: { ...header(ref).metadata, labels: { [LABEL.managedBy]: "berth", [LABEL.partOf]: this.options.platform, [LABEL.instance]: this.options.instance, [LABEL.generated]: "true" } },
        type: "Opaque",
        data: Object.fromEntries(keys.map((k) => [k, valueFor(k)])),
      };
      try {
        this.#wrote(ref, await this.client.call(() => this.client.rest.create(body), { tries: 1 }, progress));
        return { did: copyFrom ? `copied from ${copyFrom}` : "generated", mutated: true };
      } catch (error) {
        // Created meanwhile (or our own create whose answer was lost): what is there is kept.
        if (statusOf(error) !== 409 && !isConnectionError(error)) throw this.#failure(`create ${describeRef(ref)}`, error);
        live = await this.read(ref);
        if (!live) throw this.#failure(`create ${describeRef(ref)}`, error);
      }
    }
    const have = (live as { data?: Record<string, string> }).data ?? {};
    const missing = keys.filter((k) => !(k in have));
    if (!missing.length) return { did: "kept (existing values are never overwritten)", mutated: false };
    const patch = { data: Object.fromEntries(missing.map((k) => [k, valueFor(k)])) };
    try {
      this.#wrote(ref, await this.client.call(() => this.client.rest.mergePatch(ref, patch, "berth"), {}, progress));
    } catch (error) {
      throw this.#failure(`add keys to ${describeRef(ref)}`, error);
    }
    return { did: `added ${missing.join(", ")}; existing values kept`, mutated: true };
  }

  async #delete(ref: ObjectRef, signal: AbortSignal, progress: Progress): Promise<RunResult> {
    try {
      await this.client.call(() => this.client.rest.delete(ref, "Background"), {}, progress);
    } catch (error) {
      if (isNotFound(error)) return { did: "already gone", mutated: false };
      throw this.#failure(`delete ${describeRef(ref)}`, error);
    }
    for (let wait = 20; (await this.read(ref)) !== undefined; wait = Math.min(wait * 2, 1_000)) await this.client.clock.sleep(wait, signal);
    return { did: "deleted", mutated: true };
  }

  async check(step: PlanStep, stage: "step" | "settled"): Promise<Verdict> {
    const a = step.action;
    if (a.type === "verify" || a.type === "ensure" || a.type === "remove" || a.type === "verify-identity" || a.type === "deploy" || a.type === "undeploy") return ready("verified");
    if (!this.#client && !(await this.connected())) return { ...waiting("the cluster does not exist yet"), reason: "NotFound" };
    const ref = a.type === "apply" ? refOfObject(a.object) : a.ref;
    const live = await this.#look(ref);
    if (live === BEHIND) return waiting("waiting for the watch to show the change");
    if (a.type === "delete") return live ? waiting("being deleted") : ready("deleted");
    if (a.type === "require-secret" || a.type === "generate-secret") {
      if (!live) return failed("SecretMissing", `Secret ${ref.namespace}/${ref.name} is missing (keys: ${a.keys.join(", ")})`);
      const missing = a.keys.filter((k) => !(k in ((live as { data?: object }).data ?? {})));
      return missing.length ? failed("SecretMissing", `Secret ${ref.namespace}/${ref.name} has no key ${missing.join(", ")}`) : ready(`has ${a.keys.join(", ")}`);
    }
    if (!live) return { ...waiting("not found"), reason: "NotFound" };
    const entry = readinessOf(ref.apiVersion, ref.kind);
    const judge = stage === "settled" ? (entry.settled ?? entry.step) : entry.step;
    const observed: Observed = { object: live };
    const first = judge(observed);
    if (first.done && first.ok) return first;
    // Related objects are read only when the object alone is not ready: they explain why, and cost requests.
    const more = await this.#observe(live, ref, entry.observe);
    return more ? judge({ ...observed, ...more }) : first;
  }

  async #observe(live: Live, ref: ObjectRef, what: readonly string[]): Promise<Partial<Observed> | undefined> {
    if (!what.length || !ref.namespace) return undefined;
    const out: { pods?: LiveObject[]; events?: EventLike[]; endpoints?: LiveObject } = {};
    if (what.includes("pods")) out.pods = await this.#podsOf(live, ref.namespace);
    if (what.includes("events")) out.events = await this.#events(ref.namespace, ref.kind, ref.name);
    if (what.includes("endpoints")) {
      const endpoints = await this.#look({ apiVersion: "v1", kind: "Endpoints", namespace: ref.namespace, name: ref.name });
      if (endpoints !== BEHIND) out.endpoints = endpoints;
    }
    return out;
  }

  async #podsOf(live: Live, namespace: string): Promise<LiveObject[]> {
    const match = live.spec?.selector?.matchLabels as Record<string, string> | undefined;
    const selector = match ? Object.entries(match).map(([k, v]) => `${k}=${v}`).join(",") : undefined;
    const watched = this.#cache.list({ apiVersion: "v1", kind: "Pod", namespace }) as LiveObject[] | undefined;
    if (watched) return watched.filter((p) => (match ? Object.entries(match).every(([k, v]) => p.metadata?.labels?.[k] === v) : ((p.metadata as { ownerReferences?: { uid?: string }[] })?.ownerReferences ?? []).some((o) => o.uid === live.metadata?.uid)));
    const pods = (await this.client.call(() => this.client.rest.list("v1", "Pod", { namespace, ...(selector ? { labelSelector: selector } : {}) }))) as LiveObject[];
    return selector ? pods : pods.filter((p) => ((p.metadata as { ownerReferences?: { uid?: string }[] })?.ownerReferences ?? []).some((o) => o.uid === live.metadata?.uid));
  }

  async #events(namespace: string, kind: string, name: string): Promise<EventLike[]> {
    const watched = this.#cache.list({ apiVersion: "v1", kind: "Event", namespace }) as (EventLike & { involvedObject?: { kind?: string; name?: string } })[] | undefined;
    if (watched) return watched.filter((e) => e.involvedObject?.kind === kind && e.involvedObject?.name === name);
    return (await this.client.call(() => this.client.rest.list("v1", "Event", { namespace, fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}` }))) as EventLike[];
  }

  async explain(step: PlanStep, verdict: Verdict): Promise<string[]> {
    const a = step.action;
    if (a.type !== "apply" || !this.#client) return [];
    const ref = refOfObject(a.object);
    const lines: string[] = [];
    try {
      const events = verdict.pod ? await this.#events(verdict.pod.namespace, "Pod", verdict.pod.name) : ref.namespace ? await this.#events(ref.namespace, ref.kind, ref.name) : [];
      for (const e of events.filter((e) => e.type === "Warning").slice(-5)) lines.push(`event ${e.reason}: ${e.message}`);
      if (verdict.pod) {
        await this.#learnSecretsOf(a.object);
        const pod = verdict.pod;
        const log = await this.client.call(() => this.client.rest.podLog(pod.namespace, pod.name, { ...(pod.container ? { container: pod.container } : {}), tailLines: 10, ...(pod.previous ? { previous: true } : {}) }));
        const tail = String(log ?? "").trimEnd();
        if (tail) lines.push(`log of ${verdict.pod.name}${verdict.pod.container ? `/${verdict.pod.container}` : ""}${verdict.pod.previous ? " (previous run)" : ""}:`, ...tail.split("\n").map((l) => `  | ${l}`));
      }
    } catch (error) {
      lines.push(`(could not read events or logs: ${serverMessage(error)})`);
    }
    return lines.map((l) => this.redactor.apply(l));
  }

  /** The values of the Secrets a workload reads, so its log tail can be shown without them. */
  async #learnSecretsOf(object: KubeObject): Promise<void> {
    if (!object.metadata.namespace) return;
    for (const name of secretsReadBy(object)) {
      const secret = (await this.read({ apiVersion: "v1", kind: "Secret", namespace: object.metadata.namespace, name })) as { data?: Record<string, string> } | undefined;
      for (const value of Object.values(decode(secret?.data))) this.redactor.add(value);
    }
  }

  async owned(instance: string, alsoKinds: readonly ObjectRef[]): Promise<OwnedObject[]> {
    // A cluster that does not exist yet holds nothing of ours.
    if (!this.#client && !(await this.connected())) return [];
    const kinds = new Map(OWNED_KINDS.map(([apiVersion, kind]) => [`${apiVersion}/${kind}`, { apiVersion, kind }]));
    for (const r of alsoKinds) kinds.set(`${r.apiVersion}/${r.kind}`, { apiVersion: r.apiVersion, kind: r.kind });
    const out: OwnedObject[] = [];
    for (const { apiVersion, kind } of kinds.values()) {
      let items: Live[];
      try {
        if (!(await this.client.call(() => this.client.rest.resource(apiVersion, kind)))) continue; // not served: its CRD is not installed
        items = (await this.client.call(() => this.client.rest.list(apiVersion, kind, { labelSelector: `${LABEL.instance}=${instance}` }))) as Live[];
      } catch (error) {
        throw this.#failure(`list ${kind}`, error);
      }
      for (const item of items)
        out.push({
          ref: { apiVersion, kind, ...(item.metadata?.namespace ? { namespace: item.metadata.namespace } : {}), name: item.metadata!.name! },
          holdsData: kind === "PersistentVolumeClaim" || item.metadata?.labels?.[LABEL.generated] === "true",
          adopted: item.metadata?.annotations?.[ANNOTATION.adopted] === "true",
          labelled: true,
        });
    }
    // Claims a StatefulSet made from its templates carry no label of ours, yet they are this platform's data.
    const namespaces = out.filter((o) => o.ref.kind === "Namespace").map((o) => o.ref.name);
    for (const namespace of namespaces) {
      const claims = (await this.client.call(() => this.client.rest.list("v1", "PersistentVolumeClaim", { namespace }))) as Live[];
      for (const c of claims)
        if (c.metadata?.labels?.[LABEL.instance] !== instance)
          out.push({ ref: { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace, name: c.metadata!.name! }, holdsData: true, adopted: false, labelled: false });
    }
    return out;
  }

  #failure(operation: string, error: unknown): Error {
    if (error instanceof ProviderRequestFailed || error instanceof ProviderUnavailable) return error;
    const lost = isConnectionError(error);
    return new ProviderRequestFailed(this.redactor.apply(`${operation}: ${lost ? "the connection to the API server was lost" : serverMessage(error)}`), statusOf(error), lost);
  }
}
