/**
 * The Databricks provider: `deploy` and `undeploy` steps of workspace artifacts, dispatched to one module per kind
 * (kinds/index.ts) with the workspace's client (client.ts, signed in as auth.ts says). It waits for nothing itself:
 * kinds answer inspect/run/check/explain, the engine polls check on its clock. A workspace created in the same run
 * (its URL an output of the Azure step, or ARM answering 404 for it) is not asked anything until it exists: its
 * steps plan as creations. What berth made is found by tag (clusters, jobs) in every workspace the provider has seen,
 * and for untagged kinds from the steps of earlier plans (remember) that still exist.
 */
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";
import type { ObjectRef, PlanStep } from "../../plan/step.ts";
import type { DatabricksResource, DatabricksWorkspaceRef } from "../../resources/databricks-resource.ts";
import type { Outputs } from "../../resources/outputs.ts";
import { ready, type Verdict, waiting } from "../../readiness/verdict.ts";
import { type Clock, systemClock } from "../../util/clock.ts";
import type { RetryPolicy } from "../../util/retry.ts";
import type { Env } from "../azure/credential.ts";
import type { AzureProvider } from "../azure/provider.ts";
import { Redactor } from "../kubernetes/redact.ts";
import { type LiveState, type OwnedObject, type Progress, type Provider, type ProviderProblem, ProviderRequestFailed, ProviderUnavailable, type RunResult } from "../provider.ts";
import { DatabricksRequestError } from "./api.ts";
import { VaultReadForbidden } from "./azure-access.ts";
import { DatabricksSignInFailed, SIGN_IN_FIXES } from "./auth.ts";
import { type AzureAccess, azureAccess } from "./azure-access.ts";
import type { DatabricksClient } from "./client.ts";
import type { KindContext } from "./kind.ts";
import { DATABRICKS_KIND_MODULES, kindModule } from "./kinds/index.ts";
import { databricksKey, describeDatabricks, refOfDatabricks } from "./planning.ts";
import { Workspaces, workspaceKey } from "./workspaces.ts";

export interface DatabricksProviderOptions {
  /** The platform/env owner mark: the `berth.instance` tag value. */
  readonly instance: string;
  /** The Azure provider of the same plan: its credential, ARM reads (workspace URL, vault URI) and vault secrets. */
  readonly azure?: AzureProvider;
  /** What is asked of Azure, when not through an AzureProvider (tests). */
  readonly azureAccess?: AzureAccess;
  /** Take over untagged clusters and jobs of the spec's names (--adopt). */
  readonly adopt?: boolean;
  readonly clock?: Clock;
  /** The transport to the workspaces (tests pass one trusting the test server); default Node's https. */
  readonly httpClient?: HttpClient;
  readonly retry?: RetryPolicy;
  /** AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST. */
  readonly env?: Env;
}

const resourceOf = (step: PlanStep): DatabricksResource | undefined => (step.action.type === "deploy" || step.action.type === "undeploy" ? step.action.resource : undefined);

const WORKSPACE_PENDING = "created (the workspace is created in this run)";

/** A preflight that must not linger: a sign-in gives up after this long. */
const PREFLIGHT_MS = 30_000;

export class DatabricksProvider implements Provider {
  readonly name = "databricks";
  readonly redactor = new Redactor();
  readonly clock: Clock;
  readonly workspaces: Workspaces;
  /** Workspaces named by the steps seen (inspected or remembered): where owned() looks. */
  readonly #seen = new Map<string, DatabricksWorkspaceRef>();
  /** Earlier plans' resources by step id, the latest last: what untagged kinds may have left behind. */
  readonly #remembered = new Map<string, DatabricksResource>();
  /** Outputs per step (inspect, run): the ids a check needs. */
  readonly #outputs = new Map<string, Outputs>();
  /** What an undeploy did, for its check: a kept resource is done without being gone. */
  readonly #removed = new Map<string, RunResult>();

  constructor(readonly options: DatabricksProviderOptions) {
    this.clock = options.clock ?? systemClock;
    const azure = options.azureAccess ?? (options.azure ? azureAccess(options.azure, options.env) : undefined);
    this.workspaces = new Workspaces({
      ...(azure ? { azure } : {}),
      clock: this.clock,
      httpClient: options.httpClient ?? createDefaultHttpClient(),
      ...(options.retry ? { retry: options.retry } : {}),
      redactor: this.redactor,
      env: options.env ?? process.env,
    });
  }

  /** Nothing is asked here: the workspaces may not exist before the Azure steps run (preflightProblems signs in). */
  async preflight() {
    return { endpoint: "Databricks workspaces (signed in at each workspace's first step)", version: "REST API 2.0–2.2" };
  }

  #see(ref: DatabricksWorkspaceRef): void {
    this.#seen.set(workspaceKey(ref), ref);
  }

  #context(client: DatabricksClient, ref: DatabricksWorkspaceRef, step?: PlanStep, adopt = this.options.adopt === true, instance = this.options.instance): KindContext {
    return { api: client, instance, adopt, now: () => this.clock.now(), workspace: ref, ...(step ? { digest: step.digest } : {}) };
  }

  #learn(step: PlanStep, outputs: Outputs | undefined): void {
    if (outputs && Object.keys(outputs).length) this.#outputs.set(step.id, { ...this.#outputs.get(step.id), ...outputs });
  }

  async inspect(step: PlanStep): Promise<LiveState> {
    const resource = resourceOf(step);
    if (!resource) return { exists: true, ownership: "ours", changes: [], intentChanged: false };
    this.#see(resource.workspace);
    const removing = step.action.type === "undeploy";
    try {
      const client = await this.workspaces.client(resource.workspace);
      if (!client) return removing ? { exists: false, ownership: "absent", changes: [], intentChanged: false } : { exists: false, ownership: "absent", changes: [{ field: "(resource)", to: WORKSPACE_PENDING }], intentChanged: true };
      if (removing) return await this.#inspectRemoval(resource, client);
      const live = await kindModule(resource.kind).inspect(resource, this.#context(client, resource.workspace, step));
      this.#learn(step, live.outputs);
      return live;
    } catch (error) {
      throw this.#failure(`inspect ${describeDatabricks(resource)}`, error);
    }
  }

  /** What deleting finds: berth's own resource (never an untagged one of the same name), or nothing. */
  async #inspectRemoval(resource: DatabricksResource, client: DatabricksClient): Promise<LiveState> {
    const live = await kindModule(resource.kind).inspect(resource, this.#context(client, resource.workspace, undefined, false));
    if (!live.exists || live.ownership === "foreign") return { exists: false, ownership: "absent", changes: [], intentChanged: false };
    const to = resource.retain ? "kept (retain: true) and forgotten" : live.adopted ? "kept (adopted: berth never deletes it)" : "deleted";
    return { exists: true, ownership: live.ownership, ...(live.adopted ? { adopted: true } : {}), changes: [{ field: "(resource)", from: "present", to }], intentChanged: true, ...(live.outputs ? { outputs: live.outputs } : {}) };
  }

  async run(step: PlanStep, live: LiveState, given: Progress, signal: AbortSignal): Promise<RunResult> {
    const resource = resourceOf(step);
    if (!resource) return { did: "nothing to change", mutated: false };
    const progress: Progress = given.signal ? given : { ...given, signal };
    const removing = step.action.type === "undeploy";
    this.#removed.delete(step.id);
    // What an earlier run of this step in this process left (a smoke run's id) is not this run's to check.
    this.#outputs.delete(step.id);
    this.#learn(step, live.outputs);
    try {
      const client = await this.workspaces.client(resource.workspace, progress);
      if (!client) {
        if (removing) return { did: "already gone (no workspace)", mutated: false };
        throw new ProviderRequestFailed(`${describeDatabricks(resource)}: the workspace's URL is not known (${resource.workspace.resourceId ?? "no url or resourceId"}): it does not exist, or its Azure step has not run`, 404);
      }
      const module = kindModule(resource.kind);
      const ctx = this.#context(client, resource.workspace, step, removing ? false : undefined);
      const result = removing ? await module.remove(resource, ctx, progress) : await module.run(resource, live, ctx, progress);
      if (removing) this.#removed.set(step.id, result);
      this.#learn(step, result.outputs);
      return result;
    } catch (error) {
      throw this.#failure(`${removing ? "delete" : "deploy"} ${describeDatabricks(resource)}`, error);
    }
  }

  async check(step: PlanStep, stage: "step" | "settled"): Promise<Verdict> {
    const resource = resourceOf(step);
    if (!resource) return ready("verified");
    try {
      const client = await this.workspaces.client(resource.workspace);
      if (step.action.type === "undeploy") {
        const removed = this.#removed.get(step.id);
        if (removed && !removed.mutated) return ready(removed.did);
        if (!client) return ready("gone (no workspace)");
        return (await this.#inspectRemoval(resource, client)).exists ? waiting("being deleted") : ready("deleted");
      }
      if (!client) return { ...waiting("the workspace does not exist yet"), reason: "NotFound" };
      const verdict = await kindModule(resource.kind).check(resource, this.#context(client, resource.workspace, step), stage, this.#outputs.get(step.id) ?? {});
      return { ...verdict, message: this.redactor.apply(verdict.message) };
    } catch (error) {
      throw this.#failure(`check ${describeDatabricks(resource)}`, error);
    }
  }

  async explain(step: PlanStep, verdict: Verdict): Promise<string[]> {
    const resource = resourceOf(step);
    if (!resource || step.action.type !== "deploy") return [];
    const module = kindModule(resource.kind);
    try {
      const client = await this.workspaces.client(resource.workspace);
      if (!client || !module.explain) return [];
      const lines = await module.explain(resource, this.#context(client, resource.workspace, step), verdict, this.#outputs.get(step.id) ?? {});
      return lines.map((l) => this.redactor.apply(l));
    } catch (error) {
      return [`(could not explain: ${this.redactor.apply(error instanceof Error ? error.message : String(error))})`];
    }
  }

  /** Signs in once to each workspace whose URL is known: a credential that cannot get in stops the run before any write. */
  async preflightProblems(steps: readonly PlanStep[]): Promise<ProviderProblem[]> {
    const refs = new Map<string, { ref: DatabricksWorkspaceRef; step: string }>();
    for (const step of steps) {
      const r = resourceOf(step);
      if (r && !refs.has(workspaceKey(r.workspace))) refs.set(workspaceKey(r.workspace), { ref: r.workspace, step: step.id });
    }
    const problems: ProviderProblem[] = [];
    for (const { ref, step } of refs.values()) {
      this.#see(ref);
      const progress: Progress = { note: () => {}, deadline: this.clock.now() + PREFLIGHT_MS };
      let client: DatabricksClient | undefined;
      try {
        client = await this.workspaces.client(ref, progress);
      } catch (error) {
        problems.push({ code: "CheckFailed", step, message: `could not find Databricks workspace ${ref.name}: ${this.redactor.apply(error instanceof Error ? error.message : String(error))}`, blocking: false });
        continue;
      }
      if (!client) continue;
      try {
        await client.get({ path: "/api/2.1/clusters/list", query: { page_size: "1" }, operation: "sign in (list one cluster)", readOnly: true, progress });
      } catch (error) {
        const problem = signInProblem(ref, client.host, error, this.redactor);
        problems.push({ ...problem, step });
      }
    }
    return problems;
  }

  remember(steps: readonly PlanStep[]): void {
    for (const step of steps) {
      const r = resourceOf(step);
      if (!r) continue;
      this.#see(r.workspace);
      const key = databricksKey(r);
      this.#remembered.delete(key); // the latest plan's copy goes last
      this.#remembered.set(key, r);
    }
  }

  async owned(instance: string, _alsoKinds: readonly ObjectRef[]): Promise<OwnedObject[]> {
    const found = new Map<string, OwnedObject>();
    const add = (o: OwnedObject) => {
      const detail = o.detail as DatabricksResource;
      // Retained: kept and forgotten, so never offered for deletion.
      if (detail.retain) return;
      found.set(databricksKey(detail), o);
    };
    for (const ref of this.#seen.values()) {
      let client: DatabricksClient | undefined;
      try {
        client = await this.workspaces.client(ref);
        if (!client) continue;
        const ctx = this.#context(client, ref, undefined, false, instance);
        for (const row of Object.values(DATABRICKS_KIND_MODULES)) if (row.listedForPrune === "tagged" && row.module.owned) for (const o of await row.module.owned(ctx)) add(o);
        for (const r of this.#remembered.values()) {
          if (workspaceKey(r.workspace) !== workspaceKey(ref) || DATABRICKS_KIND_MODULES[r.kind].listedForPrune !== "remembered" || found.has(databricksKey(r))) continue;
          const live = await kindModule(r.kind).inspect(r, this.#context(client, ref, undefined, false, instance));
          if (!live.exists || live.ownership === "foreign") continue;
          const id = live.outputs?.object_id;
          add({ ref: refOfDatabricks(r), ...(id ? { id } : {}), holdsData: false, adopted: live.adopted === true, labelled: true, detail: r });
        }
      } catch (error) {
        throw this.#failure(`list what berth made in Databricks workspace ${ref.name}`, error);
      }
    }
    return [...found.values()].sort((a, b) => databricksKey(a.detail as DatabricksResource).localeCompare(databricksKey(b.detail as DatabricksResource)));
  }

  #failure(operation: string, error: unknown): Error {
    if (error instanceof ProviderRequestFailed || error instanceof ProviderUnavailable) return new ProviderRequestFailed(this.redactor.apply(error.message), error instanceof ProviderRequestFailed ? error.status : undefined, error instanceof ProviderRequestFailed && error.outcomeUnknown);
    if (error instanceof DatabricksSignInFailed) return new ProviderRequestFailed(this.redactor.apply(error.message), 401);
    if (error instanceof VaultReadForbidden) return new ProviderRequestFailed(this.redactor.apply(`${operation}: ${error.message}; ${error.fix}`), 403);
    if (error instanceof DatabricksRequestError) {
      // Its message names the operation, the request and the workspace; a lost connection, or a 5xx to a create,
      // leaves the outcome unknown.
      const unknown = error.outcomeUnknown;
      return new ProviderRequestFailed(this.redactor.apply(`${error.message}${unknown ? " (whether it happened is unknown: the next run looks for it by tag before doing anything)" : ""}`), unknown ? undefined : error.status, unknown);
    }
    if (error instanceof Error && error.name === "AbortError") return error;
    return new Error(this.redactor.apply(`${operation}: ${error instanceof Error ? error.message : String(error)}`));
  }
}

/** A failed sign-in request as a preflight problem: who, how, and what to do. */
export function signInProblem(ref: DatabricksWorkspaceRef, host: string, error: unknown, redactor: Redactor): Omit<ProviderProblem, "step"> {
  const type = ref.auth.type;
  const where = `Databricks workspace ${ref.name} (${host})`;
  if (error instanceof DatabricksSignInFailed) return { code: "DatabricksSignInFailed", message: redactor.apply(`${where}: cannot sign in with auth ${type}: ${error.why}`), hint: error.fix, blocking: true };
  if (error instanceof DatabricksRequestError && (error.status === 401 || error.status === 403))
    return { code: "DatabricksSignInFailed", message: redactor.apply(`${where} refused auth ${type}: ${error.status}${error.errorCode ? ` ${error.errorCode}` : ""}: ${error.serverMessage}`), hint: SIGN_IN_FIXES[type], blocking: true };
  if (error instanceof DatabricksRequestError && (error.connectionLost || error.status === undefined))
    return { code: "DatabricksUnreachable", message: redactor.apply(`${where} cannot be reached: ${error.serverMessage}`), hint: "check the workspace URL, the network path to it (proxy, private link, firewall) and that the workspace exists", blocking: true };
  return { code: "CheckFailed", message: redactor.apply(`could not sign in to ${where}: ${error instanceof Error ? error.message : String(error)}`), blocking: false };
}
