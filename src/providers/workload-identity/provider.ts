/**
 * The workload identity checks (docs/design/0011, "Workload identity verified"): a step applies the checker's
 * ConfigMap and NetworkPolicy, runs the check Job under the ServiceAccount, waits for it with the Job's readiness
 * (src/readiness), reads the verdict from the pod's termination message and turns it into the step's result — the cause
 * it proves, with a stable code (causes.ts). A refusal that propagation explains (a federated credential ARM has but
 * Entra does not accept yet, a role this plan assigned that the vault does not honour yet) is run again after a
 * backoff on berth's clock, up to a bound. The Job, ConfigMap and NetworkPolicy are deleted once read.
 *
 * It acts through the Kubernetes provider's client, and reads the identity's federated credentials through the Azure
 * provider's: a check is a provider of its own only so that neither of them learns about the other.
 */
import { type ObjectRef, type PlanStep, describeRef, refOf } from "../../plan/step.ts";
import { type IdentityCheck, IDENTITY_CHECK_PROVIDER } from "../../resources/identity-check.ts";
import type { KubeObject } from "../../resources/kube-object.ts";
import { ANNOTATION } from "../../resources/labels.ts";
import type { LiveObject } from "../../readiness/live.ts";
import { readinessOf } from "../../readiness/registry.ts";
import { failed, ready, type Verdict } from "../../readiness/verdict.ts";
import type { Clock } from "../../util/clock.ts";
import type { AzureProvider } from "../azure/provider.ts";
import { isNotFound } from "../kubernetes/client.ts";
import { serverMessage, statusOf } from "../kubernetes/errors.ts";
import type { KubernetesProvider } from "../kubernetes/provider.ts";
import { type LiveState, type OwnedObject, type Progress, type Provider, ProviderRequestFailed, ProviderUnavailable, type RunResult } from "../provider.ts";
import { type Backoff, CHECK_CODES, causeOf, type CheckerVerdict, nextWait, parseVerdict, PROPAGATION } from "./causes.ts";
import { type Credential, federationFindings } from "./federation.ts";
import { controllerOf, lacksIdentity, type Owner, restartCommand } from "./stale-pods.ts";

export interface WorkloadIdentityProviderOptions {
  readonly kubernetes: KubernetesProvider;
  /** Reads an identity's federated credentials when Entra refuses a token; without it they are not shown. */
  readonly azure?: AzureProvider;
  /** How long propagation may take (tests and impatient users narrow it). */
  readonly propagation?: Partial<typeof PROPAGATION>;
}

/** One run of the check Job: the verdict it wrote, or why there is none. */
type JobRun = { readonly verdict: CheckerVerdict; readonly pod: string } | { readonly problem: Verdict; readonly pod?: string };

/** What a verdict leads to: the step's result, or another run after a wait. */
type Judged = { readonly verdict: Verdict; readonly lines: readonly string[] } | { readonly retryAfterMs: number; readonly note: string };

const POLL_FIRST_MS = 50;
const POLL_MAX_MS = 500;
const JOB = { apiVersion: "batch/v1", kind: "Job" } as const;

const seconds = (ms: number): string => `${Math.round(ms / 1000)}s`;

export class WorkloadIdentityProvider implements Provider {
  readonly name = IDENTITY_CHECK_PROVIDER;
  readonly #results = new Map<string, { readonly verdict: Verdict; readonly lines: readonly string[] }>();
  readonly #propagation: typeof PROPAGATION;

  constructor(private readonly options: WorkloadIdentityProviderOptions) {
    this.#propagation = { ...PROPAGATION, ...options.propagation };
  }

  get #kube() {
    return this.options.kubernetes.client;
  }

  get #clock(): Clock {
    return this.#kube.clock;
  }

  // It reaches nothing of its own: the Kubernetes and Azure providers are checked by their own preflight.
  async preflight() {
    return { endpoint: "", version: "" };
  }

  // A check changes nothing that lasts: there is never a difference to show, and it runs on every up.
  async inspect(): Promise<LiveState> {
    return { exists: true, ownership: "ours", changes: [], intentChanged: false };
  }

  async owned(): Promise<OwnedObject[]> {
    return [];
  }

  async check(step: PlanStep): Promise<Verdict> {
    return this.#results.get(step.id)?.verdict ?? ready("checked in an earlier run");
  }

  async explain(step: PlanStep): Promise<string[]> {
    return [...(this.#results.get(step.id)?.lines ?? [])];
  }

  async run(step: PlanStep, _live: LiveState, progress: Progress, signal: AbortSignal): Promise<RunResult> {
    if (step.action.type !== "verify-identity") return { did: "nothing to check", mutated: false };
    const check = step.action.check;
    if (!(await this.options.kubernetes.connected())) throw new ProviderUnavailable(`${step.title}: the cluster does not exist yet`);
    const { configMap, networkPolicy, job } = check.objects;
    this.#results.delete(step.id);
    try {
      await this.#apply(configMap, progress);
      await this.#apply(networkPolicy, progress);
      let waited = 0;
      let judged: Judged;
      for (let attempt = 1; ; attempt++) {
        const ran = await this.#runJob(job, progress, signal);
        judged = await this.#judge(check, ran, attempt, waited, (ms) => progress.deadline === undefined || this.#clock.now() + ms < progress.deadline);
        if (!("retryAfterMs" in judged)) break;
        progress.note(judged.note);
        await this.#clock.sleep(judged.retryAfterMs, signal);
        waited += judged.retryAfterMs;
      }
      this.#results.set(step.id, await this.#withStalePods(check, judged));
      return { did: judged.verdict.ok ? "checked" : "checked (it failed)", mutated: true };
    } finally {
      await this.#cleanUp([job, configMap, networkPolicy], progress);
    }
  }

  async #apply(object: KubeObject, progress: Progress): Promise<string | undefined> {
    try {
      const answer = await this.#kube.call(() => this.#kube.rest.apply(object, "berth"), {}, progress);
      return (answer as { metadata?: { uid?: string } }).metadata?.uid;
    } catch (error) {
      throw this.#failure(`apply ${describeRef(refOf(object))}`, error);
    }
  }

  async #delete(ref: ObjectRef, progress: Progress, signal?: AbortSignal, tries?: number): Promise<void> {
    try {
      await this.#kube.call(() => this.#kube.rest.delete(ref, "Background"), tries ? { tries } : {}, progress);
    } catch (error) {
      if (isNotFound(error)) return;
      throw this.#failure(`delete ${describeRef(ref)}`, error);
    }
    if (signal) for (let wait = 20; (await this.options.kubernetes.read(ref)) !== undefined; wait = Math.min(wait * 2, 1_000)) await this.#clock.sleep(wait, signal);
  }

  /**
   * Best effort: what is left (a lost connection, an interrupted run, a lost lock — another run may hold these names
   * now, so nothing is deleted without the lock) carries the instance label and is pruned by the next up; the Job
   * has a TTL.
   */
  async #cleanUp(objects: readonly KubeObject[], progress: Progress): Promise<void> {
    const quick = { note: progress.note, ...(progress.beforeAttempt ? { beforeAttempt: progress.beforeAttempt } : {}) };
    for (const o of objects) await this.#delete(refOf(o), quick, undefined, 2).catch(() => undefined);
  }

  /** Runs the Job once (a Job of the same name from an earlier attempt is deleted first) and reads its verdict. */
  async #runJob(job: KubeObject, progress: Progress, signal: AbortSignal): Promise<JobRun> {
    const ref = refOf(job);
    await this.#delete(ref, progress, signal);
    const uid = await this.#apply(job, progress);
    const entry = readinessOf(JOB.apiVersion, JOB.kind);
    let pods: LiveObject[] = [];
    for (let wait = POLL_FIRST_MS; ; wait = Math.min(wait * 2, POLL_MAX_MS)) {
      const live = await this.options.kubernetes.read(ref);
      if (live) {
        pods = ((await this.#kube.call(() => this.#kube.rest.list("v1", "Pod", { namespace: ref.namespace!, labelSelector: `job-name=${ref.name}` }))) as LiveObject[]).filter((p) =>
          ((p.metadata as { ownerReferences?: { uid?: string }[] } | undefined)?.ownerReferences ?? []).some((o) => o.uid === uid),
        );
        // The verdict is the pod's to give: once its container has ended, the Job's own status adds nothing.
        const ended = pods.some((p) => (p.status?.containerStatuses as { state?: { terminated?: unknown } }[] | undefined)?.[0]?.state?.terminated);
        if (ended || entry.step({ object: live, pods }).done) break;
      }
      if (progress.deadline !== undefined && this.#clock.now() + wait > progress.deadline) return { problem: failed("Timeout", `the check Job ${ref.namespace}/${ref.name} did not finish in time`) };
      await this.#clock.sleep(wait, signal);
    }
    const pod = pods[0];
    const status = (pod?.status?.containerStatuses as { state?: { terminated?: { message?: string; exitCode?: number } } }[] | undefined)?.[0];
    const verdict = parseVerdict(status?.state?.terminated?.message);
    if (verdict) return { verdict, pod: pod!.metadata!.name! };
    const why = entry.step({ object: (await this.options.kubernetes.read(ref)) ?? {}, pods });
    const exit = status?.state?.terminated?.exitCode;
    return {
      problem: failed(CHECK_CODES.noVerdict, `the check pod${pod ? ` ${pod.metadata?.name}` : ""} ended without a verdict${exit !== undefined ? ` (exit code ${exit})` : ""}: ${why.message}`),
      ...(pod?.metadata?.name ? { pod: pod.metadata.name } : {}),
    };
  }

  /** The cause a run proves, or another run after a wait when propagation may explain it. */
  async #judge(check: IdentityCheck, ran: JobRun, attempt: number, waited: number, inTime: (ms: number) => boolean): Promise<Judged> {
    const who = `identity ${check.identity.name} of ServiceAccount ${check.namespace}/${check.serviceAccount}`;
    if ("problem" in ran) return { verdict: ran.problem, lines: [`hint: the check runs image ${imageOf(check)}; with an air-gapped registry set spec.azure.verify.image to a copy of it`] };
    const v = ran.verdict;
    const retry = (b: Backoff, what: string): Judged | undefined => {
      const ms = nextWait(b, attempt, waited);
      // The step's own deadline bounds the waits too: a last run must still fit before it.
      return ms === undefined || !inTime(ms) ? undefined : { retryAfterMs: ms, note: `${what}; checking again in ${seconds(ms)} (attempt ${attempt + 1})` };
    };
    switch (causeOf(v)) {
      case "ok":
        return { verdict: ready(`${who} works: ${v.message}${check.vault ? "" : ` (${check.reading})`}`), lines: [] };
      case "not-injected":
        return this.#notInjected(check, v);
      case "federation": {
        const credentials = await this.#credentials(check);
        const expected = { ...(check.issuer ? { issuer: check.issuer } : {}), subject: `system:serviceaccount:${check.namespace}:${check.serviceAccount}` };
        const found = federationFindings(check.identity.name, expected, v.claims, credentials);
        // A credential ARM has that matches the token, or none readable: Entra may not have caught up yet (F17).
        if (found.matching.length || credentials === undefined) {
          const again = retry(this.#propagation.federation, `${v.code}: ${found.matching.length ? `federated credential ${found.matching[0]!.name} matches, but Entra does not accept it yet` : "Entra found no federated credential"} (propagating)`);
          if (again) return again;
          if (found.matching.length)
            return { verdict: failed(CHECK_CODES.federationPropagating, `${who}: federated credential ${found.matching[0]!.name} matches the pod's token, yet Entra still refused it after ${seconds(waited)} (${v.code})`), lines: found.lines };
        }
        return { verdict: failed(CHECK_CODES.federationMismatch, `${who}: ${found.summary} (${v.code})`), lines: [...found.lines, "hint: the credential's issuer must be the cluster's OIDC issuer and its subject system:serviceaccount:<namespace>:<name>, exactly; berth up writes them so unless they were changed outside berth"] };
      }
      case "role": {
        const vault = check.vault!;
        const granted = vault.grants.length > 0;
        if (granted) {
          const again = retry(this.#propagation.rbac, `the vault refused the identity though this plan gives it ${vault.grants.join(", ")} (role assignments take minutes to propagate)`);
          if (again) return again;
        }
        const message = granted
          ? `${who} is given ${vault.grants.join(", ")} on ${vault.id} by this plan, yet the vault still refuses it after ${seconds(waited)}`
          : `identity ${check.identity.name} lacks Key Vault Secrets User on ${vault.id} (ServiceAccount ${check.namespace}/${check.serviceAccount} could not read secret ${vault.secret})`;
        return {
          verdict: failed(CHECK_CODES.roleMissing, message),
          lines: [`vault: ${oneLine(v.message)}`, `hint: add { role: Key Vault Secrets User, on: { keyVault: <vault> } } to spec.azure.identities.${check.identity.name}.roles (scope ${vault.id})`],
        };
      }
      case "secret-missing":
        return { verdict: failed(CHECK_CODES.secretMissing, `${who}: secret ${check.vault?.secret} is not in vault ${check.vault?.name} (${v.code})`), lines: [`vault: ${oneLine(v.message)}`] };
      case "unreachable":
        return {
          verdict: failed(CHECK_CODES.unreachable, `${who}: the check pod could not reach ${v.stage === "token" ? "Entra" : `vault ${check.vault?.name}`}: ${v.message}`),
          lines: [`hint: egress from namespace ${check.namespace} to port 443 of ${v.stage === "token" ? "the Entra authority" : "the vault"} (NetworkPolicy ${check.objects.networkPolicy.metadata.name}, a firewall, private DNS)`],
        };
      case "token":
        return { verdict: failed(CHECK_CODES.token, `${who}: Entra refused the token exchange: ${oneLine(v.message)} (${v.code})`), lines: [] };
      default:
        return { verdict: failed(CHECK_CODES.vault, `${who}: vault ${check.vault?.name} answered ${v.code}: ${oneLine(v.message)}`), lines: [] };
    }
  }

  async #notInjected(check: IdentityCheck, v: CheckerVerdict): Promise<Judged> {
    const sa = await this.options.kubernetes.read({ apiVersion: "v1", kind: "ServiceAccount", namespace: check.namespace, name: check.serviceAccount });
    const annotated = Boolean((sa?.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.[ANNOTATION.clientId]);
    const what = (v.missing ?? []).join(", ") || "the workload identity variables";
    const message = annotated
      ? `the workload identity webhook did not inject ${what} into the check pod of ServiceAccount ${check.namespace}/${check.serviceAccount}: is workload identity enabled on the cluster (AKS securityProfile.workloadIdentity, the azure-wi-webhook in kube-system)?`
      : `ServiceAccount ${check.namespace}/${check.serviceAccount} has no ${ANNOTATION.clientId} annotation, so its pods get no AZURE_CLIENT_ID`;
    return { verdict: failed(CHECK_CODES.notInjected, message), lines: [] };
  }

  /**
   * Pods of the ServiceAccount's workloads started before it was annotated run without the identity whatever the
   * check found: a passing check becomes VERIFY-NOT-INJECTED naming them and what restarts them.
   */
  async #withStalePods(check: IdentityCheck, judged: { readonly verdict: Verdict; readonly lines: readonly string[] }): Promise<{ verdict: Verdict; lines: readonly string[] }> {
    const pods = ((await this.#kube.call(() => this.#kube.rest.list("v1", "Pod", { namespace: check.namespace }))) as LiveObject[]).filter((p) => !p.metadata?.labels?.["berth.dev/verify"] && lacksIdentity(p, check.serviceAccount));
    if (!pods.length) return judged;
    const sa = await this.options.kubernetes.read({ apiVersion: "v1", kind: "ServiceAccount", namespace: check.namespace, name: check.serviceAccount });
    if (!(sa?.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.[ANNOTATION.clientId]) return judged;
    const found = await Promise.all(pods.map(async (p) => ({ name: p.metadata!.name!, owner: await this.#workloadOf(p, check.namespace) })));
    const restarts = [...new Set(found.map((p) => restartCommand(check.namespace, p.name, p.owner)))];
    const named = found.map((p) => `${p.name}${p.owner ? ` (${p.owner.kind} ${p.owner.name})` : ""}`).join(", ");
    const message = `pods started before ServiceAccount ${check.namespace}/${check.serviceAccount} carried identity ${check.identity.name} run without it (no AZURE_CLIENT_ID): ${named}; restart: ${restarts.join("; ")}`;
    const lines = [...judged.lines, ...restarts.map((r) => `restart: ${r}`), "hint: the workload identity webhook mutates pods only when they are created"];
    return judged.verdict.ok ? { verdict: failed(CHECK_CODES.notInjected, message), lines } : { verdict: { ...judged.verdict, message: `${judged.verdict.message}; also ${message}` }, lines };
  }

  /** The workload a pod belongs to: its controller, and a ReplicaSet's Deployment. */
  async #workloadOf(pod: LiveObject, namespace: string): Promise<Owner | undefined> {
    const owner = controllerOf(pod as never);
    if (owner?.kind !== "ReplicaSet") return owner;
    const rs = await this.options.kubernetes.read({ apiVersion: "apps/v1", kind: "ReplicaSet", namespace, name: owner.name });
    return (rs && controllerOf(rs as never)) ?? owner;
  }

  /** The identity's federated credentials as ARM has them; undefined when they cannot be read here. */
  async #credentials(check: IdentityCheck): Promise<Credential[] | undefined> {
    const azure = this.options.azure;
    if (!azure || !check.identity.id) return undefined;
    try {
      const listed = await azure.client.list(`${check.identity.id}/federatedIdentityCredentials`, check.identity.apiVersion ?? "2023-01-31", `list federated credentials of ${check.identity.name}`);
      return listed.map((c) => ({
        name: String(c.name).split("/").pop()!,
        issuer: String(c.properties?.issuer ?? ""),
        subject: String(c.properties?.subject ?? ""),
        audiences: ((c.properties?.audiences ?? []) as unknown[]).map(String),
      }));
    } catch {
      return undefined;
    }
  }

  #failure(operation: string, error: unknown): Error {
    if (error instanceof ProviderRequestFailed || error instanceof ProviderUnavailable) return error;
    return new ProviderRequestFailed(`${operation}: ${serverMessage(error)}`, statusOf(error));
  }
}

const imageOf = (check: IdentityCheck): string => String(((check.objects.job.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined)?.template?.spec?.containers?.[0]?.image) ?? "");

/** Key Vault's messages hold CR LF between their parts. */
const oneLine = (s: string): string => s.replace(/\s*\r?\n\s*/g, " | ").trim();
