/**
 * The Azure provider: `ensure` and `remove` steps over ARM. A resource is read, compared field by field with what
 * berth would PUT (diff.ts), and written only when something differs — an unchanged spec makes no write at all.
 * Ownership is the `berth.instance` tag; resources declared `existing` are read for their outputs and never written.
 */
import type { TokenCredential } from "@azure/core-auth";
import type { HttpClient } from "@azure/core-rest-pipeline";
import type { ObjectRef, PlanStep } from "../../plan/step.ts";
import type { AzureResource } from "../../resources/azure-resource.ts";
import { AZURE_TYPES } from "../../resources/azure-types.ts";
import type { Outputs } from "../../resources/outputs.ts";
import { failed, ready, type Verdict, waiting } from "../../readiness/verdict.ts";
import type { Clock } from "../../util/clock.ts";
import type { RetryPolicy } from "../../util/retry.ts";
import { Redactor } from "../kubernetes/redact.ts";
import { type LiveState, type OwnedObject, type Progress, type Provider, type ProviderProblem, ProviderRequestFailed, ProviderUnavailable, type RunResult } from "../provider.ts";
import { azurePreflightChecks, registerNamespaces } from "./preflight-checks.ts";
import { ArmClient, type Json } from "./arm-client.ts";
import { getPath, withoutPath, withPath } from "./body-paths.ts";
import type { AzureCloud } from "./cloud.ts";
import { armChanges } from "./diff.ts";
import { AzureRequestError, describeArmError } from "./errors.ts";
import { provisioningStateOf } from "./lro.ts";
import { generatePassword } from "./password.ts";
import { freeSecretName, isNameHeldByDeletedSecret, policyOfSecret } from "./secret-soft-delete.ts";
import { generateSecretValue, SECRET_FORMATS } from "./secret-values.ts";
import { KeyedMutex } from "./serialize.ts";
import { deletedVaultHolding, describeNameHeld, policyOf, purgeDeletedVault } from "./soft-delete.ts";
import { AZURE_FAILURE_HINTS, azureTypeRow } from "./types.ts";
import { KeyVaultDataPlane } from "./vault-data-plane.ts";
import { assignedTo, Deployer } from "./deployer.ts";
import { armScope } from "./cloud.ts";
import { isProvided, type MadeOnce, madeOnce, providedSecretMissing, type SecretPlace, secretIn, secretPlace, vaultIdOf } from "./vault-secrets.ts";

export const TAG = { instance: "berth.instance", adopted: "berth.adopted" } as const;

/** The subscriptions API (not a managed type, so not in AZURE_TYPES). */
const SUBSCRIPTIONS_API = "2022-12-01";
const RESOURCES_API = "2021-04-01";
const SECRETS = "Microsoft.KeyVault/vaults/secrets";

export interface AzureProviderOptions {
  readonly cloud: AzureCloud;
  readonly credential: TokenCredential;
  /** Where the credential comes from, for messages ("Azure CLI (az login)"). */
  readonly credentialSources?: readonly string[];
  readonly subscriptionId: string;
  readonly instance: string;
  /** Take over untagged resources of the spec (never another instance's). */
  readonly adopt?: boolean;
  readonly clock?: Clock;
  readonly httpClient?: HttpClient;
  readonly retry?: RetryPolicy;
  readonly pollIntervalMs?: number;
}

const resourceOf = (step: PlanStep): AzureResource | undefined => (step.action.type === "ensure" || step.action.type === "remove" ? step.action.resource : undefined);

/** Writes that must take turns share a key: children of one parent, and the parent itself when it carries them. */
const serialisationKey = (resource: AzureResource): string | undefined => {
  const how = azureTypeRow(resource.type).serialise;
  if (how === "self") return resource.id.toLowerCase();
  return how === "parent" ? resource.id.replace(/\/[^/]+\/[^/]+\/?$/, "").toLowerCase() : undefined;
};

const resourceGroupOf = (id: string): string | undefined => /\/resourceGroups\/([^/]+)/i.exec(id)?.[1];

const describe = (r: Pick<AzureResource, "type" | "name">): string => `${r.type} ${r.name}`;

export class AzureProvider implements Provider {
  readonly name = "azure";
  readonly client: ArmClient;
  /** Key Vault's data plane: deleted secrets only (recover, purge), never a value. */
  readonly data: KeyVaultDataPlane;
  readonly redactor = new Redactor();
  readonly #writes = new KeyedMutex();
  /** The last ARM error per step, for check and explain (the resource itself rarely says why it failed). */
  readonly #errors = new Map<string, AzureRequestError>();
  /** The resource as ARM showed it when this run's write of a step ended (its operation Succeeded): the step's first check reads nothing more. */
  readonly #written = new Map<string, Json>();
  /**
   * The secrets the plan reads that the user provides: when one is missing at its step, the others of its vault are
   * read too, so the run names every secret to set at once rather than one per run.
   */
  readonly #provided = new Map<string, AzureResource>();
  /** The principal berth deploys as, for grants planned to it (AzureResource.assignee). */
  readonly deployer: Deployer;

  constructor(readonly options: AzureProviderOptions) {
    // ARM and the Key Vault data plane share the subscription, credential, transport, retry table and clock.
    const shared = {
      cloud: options.cloud,
      credential: options.credential,
      subscriptionId: options.subscriptionId,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.httpClient ? { httpClient: options.httpClient } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
    };
    this.client = new ArmClient({ ...shared, ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}) });
    this.data = new KeyVaultDataPlane(shared);
    this.deployer = new Deployer(options.credential, armScope(options.cloud));
  }

  /** The step as ARM knows it: a grant planned to the deploying principal names that principal. */
  async #concrete(step: PlanStep): Promise<PlanStep> {
    const r = resourceOf(step);
    if (!r?.assignee) return step;
    const resource = assignedTo(r, await this.deployer.objectId());
    return { ...step, action: step.action.type === "remove" ? { type: "remove", resource } : { type: "ensure", resource } };
  }

  async preflight() {
    const where = `Azure Resource Manager at ${this.client.endpoint}`;
    try {
      const sub = await this.client.request("GET", this.client.subscriptionPath, { apiVersion: SUBSCRIPTIONS_API, operation: `GET subscription ${this.options.subscriptionId}`, readOnly: true, retry: { tries: 2 } });
      const state = sub.body?.state as string | undefined;
      if (state && state !== "Enabled") throw new ProviderUnavailable(`subscription ${this.options.subscriptionId} is ${state}: ARM accepts no writes to it`);
      return { endpoint: `${this.client.endpoint} (subscription ${sub.body?.displayName ?? this.options.subscriptionId})`, version: `ARM, signed in with ${(this.options.credentialSources ?? ["the given credential"]).join(" or ")}` };
    } catch (error) {
      if (error instanceof ProviderUnavailable) throw error;
      const status = error instanceof AzureRequestError ? error.status : undefined;
      const why =
        status === 401 ? "the credential was refused" : status === 403 ? "the signed-in principal may not read the subscription" : status === 404 ? "the subscription does not exist for this tenant" : "cannot reach it or cannot sign in";
      throw new ProviderUnavailable(`${where}: ${why}: ${error instanceof Error ? error.message : String(error)}${status === undefined && this.options.credentialSources ? ` (tried ${this.options.credentialSources.join(", ")})` : ""}`);
    }
  }

  /** The resource as ARM has it; undefined when absent. */
  async read(resource: Pick<AzureResource, "id" | "apiVersion" | "type" | "name">, progress?: Progress): Promise<Json | undefined> {
    try {
      return await this.client.get(resource.id, resource.apiVersion, `GET ${describe(resource)}`, progress);
    } catch (error) {
      throw this.#failure(`read ${describe(resource)}`, error);
    }
  }

  async preflightProblems(steps: readonly PlanStep[]): Promise<ProviderProblem[]> {
    for (const step of steps) {
      const r = resourceOf(step);
      if (r && step.action.type === "ensure" && isProvided(r)) this.#provided.set(r.id.toLowerCase(), r);
    }
    const { problems } = await azurePreflightChecks(this.client, steps, this.data);
    return problems.map((p) => ({ code: p.code, ...(p.step ? { step: p.step } : {}), message: p.message, ...(p.fix ? { hint: p.fix } : {}), blocking: p.blocking }));
  }

  async inspect(planned: PlanStep): Promise<LiveState> {
    const step = await this.#concrete(planned);
    const resource = resourceOf(step);
    if (!resource) return { exists: true, ownership: "ours", changes: [], intentChanged: false };
    if (azureTypeRow(resource.type).registration) return this.#inspectRegistration(resource);
    const live = await this.read(resource);
    if (step.action.type === "remove") {
      if (!live) return { exists: false, ownership: "absent", changes: [], intentChanged: false };
      return { exists: true, ...this.#ownership(resource, live), changes: [{ field: "(resource)", from: "present", to: "deleted" }], intentChanged: true, outputs: outputsOf(resource.type, live) };
    }
    if (!live) {
      const once = madeOnce(resource);
      const to = isProvided(resource) ? `missing: ${providedSecretMissing(resource).fix}` : resource.existing ? "missing (declared existing: berth never creates it)" : once && "generate" in once ? "created (generated)" : "created";
      return { exists: false, ownership: "absent", changes: [{ field: "(resource)", to }], intentChanged: true };
    }
    const ownership = this.#ownership(resource, live);
    // A generated secret is made once: whatever version it has is the credential in use, never compared or rotated.
    if (resource.existing || madeOnce(resource)) return { exists: true, ...ownership, changes: [], intentChanged: false, outputs: outputsOf(resource.type, live) };
    const changes = armChanges(this.#desiredBody(resource, live, ownership.adopted === true), live, { writeOnly: azureTypeRow(resource.type).writeOnly ?? [] });
    return { exists: true, ...ownership, changes, intentChanged: changes.length > 0, outputs: outputsOf(resource.type, live) };
  }

  /** A registration is in sync when the subscription has the namespace Registered; it is never berth's to delete. */
  async #inspectRegistration(resource: AzureResource): Promise<LiveState> {
    const state = String((await this.read(resource))?.registrationState ?? "NotRegistered");
    const registered = state.toLowerCase() === "registered";
    return { exists: registered, ownership: registered ? "adoptable" : "absent", adopted: true, changes: registered ? [] : [{ field: "registrationState", from: state, to: "Registered" }], intentChanged: !registered };
  }

  #ownership(resource: AzureResource, live: Json): Pick<LiveState, "ownership" | "owner" | "adopted"> {
    if (resource.existing) return { ownership: "adoptable", adopted: true };
    const row = azureTypeRow(resource.type);
    if (!row.tagged) return { ownership: "ours" };
    const tags = (live.tags ?? {}) as Record<string, string>;
    const adopted = tags[TAG.adopted] === "true";
    const instance = tags[TAG.instance];
    if (instance === this.options.instance) return { ownership: "ours", adopted };
    if (instance) return { ownership: "foreign", owner: `berth instance ${instance}` };
    if (row.adoptUntagged || this.options.adopt) return { ownership: "adoptable", adopted: true };
    return { ownership: "foreign", owner: "not created by berth (no berth.instance tag)" };
  }

  /** The body berth compares and sends: the spec's, with the ownership tag (and, on an update, what must be kept). */
  #desiredBody(resource: AzureResource, live: Json | undefined, adopted: boolean): Record<string, unknown> {
    const row = azureTypeRow(resource.type);
    let body: Record<string, unknown> = { ...resource.body };
    if (row.tagged) body.tags = { ...(resource.body.tags as object | undefined), [TAG.instance]: this.options.instance, ...(adopted ? { [TAG.adopted]: "true" } : {}) };
    if (!live) return body;
    // A PUT replaces the tags: those others (policies, teams) put on the resource are sent back as they are.
    if (row.tagged && live.tags) body.tags = { ...(live.tags as object), ...(body.tags as object) };
    for (const path of row.keepFromLive ?? []) if (getPath(body, path) === undefined && getPath(live, path) !== undefined) body = withPath(body, path, getPath(live, path));
    return body;
  }

  async run(planned: PlanStep, live: LiveState, given: Progress, signal: AbortSignal): Promise<RunResult> {
    const step = await this.#concrete(planned);
    const resource = resourceOf(step);
    if (!resource) return { did: "nothing to change", mutated: false };
    const progress: Progress = given.signal ? given : { ...given, signal };
    this.#errors.delete(step.id);
    this.#written.delete(step.id);
    try {
      return step.action.type === "remove" ? await this.#remove(resource, live, progress) : await this.#ensure(resource, live, progress, (view) => this.#written.set(step.id, view));
    } catch (error) {
      if (error instanceof AzureRequestError) this.#errors.set(step.id, error);
      throw this.#failure(`${step.action.type === "remove" ? "delete" : "write"} ${describe(resource)}`, error);
    }
  }

  async #ensure(resource: AzureResource, live: LiveState, progress: Progress, wrote: (view: Json) => void): Promise<RunResult> {
    if (resource.existing) {
      // Read when the plan was inspected, maybe before this run made its parent (a vault created here): read again,
      // so a secret set since — by the user, or a pipeline step waiting for the vault — counts.
      if (!live.exists) {
        const now = await this.read(resource);
        if (now) return { did: "verified (existing, never written)", mutated: false };
      }
      if (!live.exists && isProvided(resource)) {
        const missing = providedSecretMissing(resource);
        const also = await this.#missingBeside(resource, progress);
        const more = also.map((r) => providedSecretMissing(r).fix.replace(/^set it: /, "").replace(/, then run berth again$/, ""));
        throw new ProviderRequestFailed(`${missing.message}; ${missing.fix}${more.length ? `. Also not set in that vault: ${more.join("; ")}` : ""}`, 404);
      }
      if (!live.exists) throw new ProviderRequestFailed(`${describe(resource)} is declared existing but does not exist (id ${resource.id}); berth never creates it`, 404);
      return { did: "verified (existing, never written)", mutated: false, ...(live.outputs ? { outputs: live.outputs } : {}) };
    }
    // In sync: not a single write. Ownership is checked by the engine before run (foreign stops the step).
    if (live.exists && live.changes.length === 0) return { did: "unchanged", mutated: false, ...(live.outputs ? { outputs: live.outputs } : {}) };
    const row = azureTypeRow(resource.type);
    if (row.registration) {
      await registerNamespaces(this.client, [resource.name], progress);
      return { did: "registered", mutated: true };
    }
    const once = madeOnce(resource);
    if (once) return this.#writeOnce(resource, once, progress);
    // Read, build and write under the key: a VNet PUT carries its subnets as read, so no subnet write may come between.
    const write = async (): Promise<RunResult> => {
      const current = await this.client.get(resource.id, resource.apiVersion, `GET ${describe(resource)}`, progress);
      const adopted = current ? this.#ownership(resource, current).adopted === true : false;
      let body = this.#desiredBody(resource, current, adopted);
      if (current) {
        for (const path of row.writeOnly ?? []) body = withoutPath(body, path);
      } else {
        body = await this.#prepareCreate(resource, body, progress);
      }
      const result = await this.client.put(resource.id, resource.apiVersion, body, `PUT ${describe(resource)}`, progress);
      if (Object.keys(result).length) wrote(result);
      return { did: current ? "updated" : "created", mutated: true, outputs: outputsOf(resource.type, result) };
    };
    const key = serialisationKey(resource);
    return key ? this.#writes.run(key, write) : write();
  }

  /** The other provided secrets of the vault `resource` is in that are not set either. */
  async #missingBeside(resource: AzureResource, progress: Progress): Promise<AzureResource[]> {
    const vault = resource.id.replace(/\/secrets\/[^/]+$/i, "").toLowerCase();
    const siblings = [...this.#provided.values()].filter((r) => r.id.toLowerCase() !== resource.id.toLowerCase() && r.id.toLowerCase().startsWith(`${vault}/secrets/`));
    const found = await Promise.all(siblings.map(async (r) => ((await this.client.get(r.id, r.apiVersion, `GET ${describe(r)}`, progress)) ? undefined : r)));
    return found.filter((r): r is AzureResource => r !== undefined);
  }

  /**
   * Before a create: a name held by a soft-deleted vault is recovered or purged as the resource's policy says, and
   * generated secrets are made and stored in their vault first (doc 0010): if the create then fails, the next run
   * makes a new one, since nothing can hold the old one yet.
   */
  async #prepareCreate(resource: AzureResource, body: Record<string, unknown>, progress: Progress): Promise<Record<string, unknown>> {
    let out = body;
    if (azureTypeRow(resource.type).softDelete) {
      const deleted = await deletedVaultHolding(this.client, resource);
      if (deleted) {
        const policy = policyOf(resource).onNameHeld;
        if (policy === "fail") throw new ProviderRequestFailed(`${describeNameHeld(resource, deleted)}; set onNameHeld: recover or purge on the vault (spec.azure.keyVaults)`, 409);
        // Azure refuses the purge (409 InvalidOperation) without saying what to do instead.
        if (policy === "purge" && deleted.properties?.purgeProtectionEnabled === true) throw new ProviderRequestFailed(`${describeNameHeld(resource, deleted)}; set onNameHeld: recover on the vault (spec.azure.keyVaults) to let berth recover it, or choose another name`, 409);
        if (policy === "recover") {
          progress.note(`${describeNameHeld(resource, deleted)}: recovering it`);
          out = withPath(out, "properties.createMode", "recover");
        } else {
          progress.note(`${describeNameHeld(resource, deleted)}: purging it`);
          await purgeDeletedVault(this.client, resource.name, String(resource.body.location), progress);
        }
      }
    }
    for (const [path, keep] of Object.entries(resource.generatedSecrets ?? {})) {
      const value = generatePassword();
      this.redactor.add(value);
      const vault = vaultIdOf(this.client.subscriptionPath, keep.keepIn, resource);
      // Recovered or not, the new password is written: the server does not exist yet, so nothing holds an old one.
      const write = (place: SecretPlace, properties: Record<string, unknown>, what: string) =>
        this.#writeSecret(place, properties, keep.softDelete, progress, `PUT ${SECRETS} ${place.name} (${what} of ${resource.name})`, false);
      await write(secretIn(vault, keep.secretName), { value, contentType: "password" }, "admin password");
      const json = keep.alsoJson;
      if (json) {
        const composed = JSON.stringify({ [json.fields.user]: json.login, [json.fields.password]: value });
        this.redactor.add(composed);
        await write(secretIn(vault, json.secretName), { value: composed, contentType: "application/json" }, "admin credentials");
      }
      progress.note(`generated the admin password of ${resource.name} and stored it as secret ${keep.secretName}${json ? ` (and as JSON in ${json.secretName})` : ""} of ${vault.split("/").pop()}`);
      out = withPath(out, path, value);
    }
    return out;
  }

  /**
   * A vault secret written once: a generated value of its format (or a fixed one that is not secret), PUT through ARM
   * (the value in the body only). A name held by a deleted secret is recovered — the secret comes back with the
   * value servers and pods already have, so nothing is written — or purged and written, as the vault's policy says.
   */
  async #writeOnce(resource: AzureResource, once: MadeOnce, progress: Progress): Promise<RunResult> {
    const place = secretPlace(resource.id);
    // Made by another run meanwhile: the secret is what it is (created once).
    const current = await this.client.get(resource.id, resource.apiVersion, `GET ${describe(resource)}`, progress);
    if (current) return { did: "unchanged (written once)", mutated: false, outputs: outputsOf(resource.type, current) };
    const generated = "generate" in once;
    const value = generated ? generateSecretValue(once.generate) : once.fixed;
    if (generated) this.redactor.add(value);
    const given = (resource.body.properties ?? {}) as { contentType?: string };
    const properties = { ...given, value, contentType: given.contentType ?? (generated ? SECRET_FORMATS[once.generate.format ?? "alnum"].contentType : "text/plain") };
    const { result, recovered } = await this.#writeSecret(place, properties, resource.softDelete, progress, `PUT ${describe(resource)}`, true, resource.body);
    const did = recovered ? "recovered the deleted secret (it keeps its value: the credential already in use)" : generated ? "created (generated)" : "created";
    return { did, mutated: true, outputs: outputsOf(resource.type, result) };
  }

  /**
   * PUT a secret's value through ARM. A name held by a deleted secret is freed as the policy says; a recovered secret is
   * kept as it came back when `keepRecovered` (then `recovered`), otherwise written over with the new value.
   */
  async #writeSecret(place: SecretPlace, properties: Record<string, unknown>, policy: AzureResource["softDelete"], progress: Progress, operation: string, keepRecovered: boolean, body: Readonly<Record<string, unknown>> = {}): Promise<{ result: Json; recovered: boolean }> {
    const apiVersion = AZURE_TYPES[SECRETS]!.apiVersion;
    const put = async () => withoutValue(await this.client.put(place.id, apiVersion, { ...body, properties }, operation, progress));
    try {
      return { result: await put(), recovered: false };
    } catch (error) {
      if (!isNameHeldByDeletedSecret(error)) throw error;
      const outcome = await freeSecretName(place, policyOfSecret(policy), { arm: this.client, data: this.data, intervalMs: this.client.options.pollIntervalMs ?? 5_000, progress });
      if (outcome === "recovered" && keepRecovered) return { result: withoutValue((await this.client.get(place.id, apiVersion, `GET ${SECRETS} ${place.vault}/${place.name}`, progress)) ?? {}), recovered: true };
      return { result: await put(), recovered: false };
    }
  }

  async #remove(resource: AzureResource, live: LiveState, progress: Progress): Promise<RunResult> {
    if (resource.existing || azureTypeRow(resource.type).registration) return { did: "kept (existing, never deleted)", mutated: false };
    if (!live.exists) return { did: "already gone", mutated: false };
    if (live.adopted || live.ownership === "adoptable") return { did: "kept (adopted: berth never deletes it)", mutated: false };
    const row = azureTypeRow(resource.type);
    const current = row.softDelete ? await this.client.get(resource.id, resource.apiVersion, `GET ${describe(resource)}`, progress) : undefined;
    const del = () => this.client.delete(resource.id, resource.apiVersion, `DELETE ${describe(resource)}`, progress);
    const key = serialisationKey(resource);
    const existed = key ? await this.#writes.run(key, del) : await del();
    if (!existed) return { did: "already gone", mutated: false };
    const location = (current?.location ?? resource.body.location) as string | undefined;
    if (row.softDelete && policyOf(resource).purgeOnRemove && location) {
      await purgeDeletedVault(this.client, resource.name, location, progress);
      return { did: "deleted and purged", mutated: true };
    }
    return { did: row.softDelete ? "deleted (soft-deleted: recoverable until purged)" : "deleted", mutated: true };
  }

  async check(planned: PlanStep, stage: "step" | "settled"): Promise<Verdict> {
    const step = await this.#concrete(planned);
    const resource = resourceOf(step);
    if (!resource) return ready("verified");
    // Right after its write the step has the view ARM gave at the operation's end; later checks (settled) read again.
    const written = stage === "step" ? this.#written.get(step.id) : undefined;
    this.#written.delete(step.id);
    const live = written ?? (await this.read(resource));
    if (azureTypeRow(resource.type).registration) {
      const state = String(live?.registrationState ?? "NotRegistered");
      return state.toLowerCase() === "registered" ? ready("Registered") : waiting(`registrationState ${state}`);
    }
    if (step.action.type === "remove") return live ? waiting("being deleted") : ready("deleted");
    if (!live && isProvided(resource)) return failed("VaultSecretMissing", providedSecretMissing(resource).message);
    if (!live) return resource.existing ? failed("ExistingMissing", `${describe(resource)} is declared existing but does not exist`) : { ...waiting("not found"), reason: "NotFound" };
    const state = provisioningStateOf(live);
    if (state === undefined || state.toLowerCase() === "succeeded") return ready(state ? "provisioningState Succeeded" : "present");
    if (/^(failed|canceled|cancelled)$/i.test(state)) {
      const error = this.#errors.get(step.id);
      return failed(error?.code ?? `Provisioning${state}`, `provisioningState ${state}${error ? `: ${this.redactor.apply(describeArmError(error.status, error.error))}` : ""}`);
    }
    return waiting(`provisioningState ${state}`);
  }

  async explain(step: PlanStep, verdict: Verdict): Promise<string[]> {
    const resource = resourceOf(step);
    if (!resource) return [];
    const lines: string[] = [];
    const error = this.#errors.get(step.id);
    if (error) {
      lines.push(`ARM error ${error.code ?? "(no code)"}: ${error.error.message ?? ""}`);
      for (const d of error.error.details ?? []) lines.push(`  ${d.code ?? ""}${d.code ? ": " : ""}${d.message ?? ""}`);
    }
    const hint = AZURE_FAILURE_HINTS[error?.code ?? verdict.reason ?? ""] ?? azureTypeRow(resource.type).hint;
    lines.push(`hint: ${hint}`);
    return lines.map((l) => this.redactor.apply(l));
  }

  async owned(instance: string, _alsoKinds: readonly ObjectRef[]): Promise<OwnedObject[]> {
    const filter = `tagName eq '${TAG.instance}' and tagValue eq '${instance.replace(/'/g, "''")}'`;
    let listed: Json[];
    try {
      const [groups, resources] = await Promise.all([
        this.client.list(`${this.client.subscriptionPath}/resourcegroups`, RESOURCES_API, "list resource groups by tag", { $filter: filter }),
        this.client.list(`${this.client.subscriptionPath}/resources`, RESOURCES_API, "list resources by tag", { $filter: filter }),
      ]);
      // ARM lists in creation order, which varies between runs of one spec: by id, what down shows is stable.
      listed = [...groups.map((g): Json => ({ ...g, type: g.type ?? "Microsoft.Resources/resourceGroups" })), ...resources].sort((a, b) => compareIds(String(a.id), String(b.id)));
    } catch (error) {
      throw this.#failure(`list resources tagged ${TAG.instance}=${instance}`, error);
    }
    return listed.map((r) => {
      const type = String(r.type);
      const group = resourceGroupOf(String(r.id));
      return {
        ref: { apiVersion: AZURE_TYPES[type]?.apiVersion ?? AZURE_TYPES[Object.keys(AZURE_TYPES).find((k) => k.toLowerCase() === type.toLowerCase()) ?? ""]?.apiVersion ?? "", kind: type, ...(group && type !== "Microsoft.Resources/resourceGroups" ? { namespace: group } : {}), name: String(r.name) },
        id: String(r.id),
        holdsData: azureTypeRow(type).holdsData,
        adopted: (r.tags as Record<string, string> | undefined)?.[TAG.adopted] === "true",
        labelled: true,
      };
    });
  }

  #failure(operation: string, error: unknown): Error {
    if (error instanceof ProviderRequestFailed || error instanceof ProviderUnavailable) return error;
    if (error instanceof AzureRequestError) {
      const unknown = error.connectionLost || error.code === "OperationTimedOut";
      // Its message already names the operation and the resource.
      return new ProviderRequestFailed(this.redactor.apply(error.message), unknown ? undefined : error.status, unknown);
    }
    return error instanceof Error && error.name === "AbortError" ? error : new ProviderRequestFailed(this.redactor.apply(`${operation}: ${error instanceof Error ? error.message : String(error)}`), undefined, true);
  }
}

/** ARM ids are case-insensitive; a group's id is a prefix of its resources', so the group comes first. */
const compareIds = (a: string, b: string): number => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);

/** ARM never returns a secret's value; should an answer carry one, it is dropped before anything keeps the answer. */
const withoutValue = (resource: Json): Json => (resource.properties && "value" in resource.properties ? { ...resource, properties: withoutPath(resource.properties, "value") } : resource);

/** `id` and the type's outputs (resources/azure-types.ts), read from the resource as ARM returns it. */
export function outputsOf(type: string, live: Json | undefined): Outputs {
  if (!live) return {};
  const out: Record<string, string> = {};
  if (typeof live.id === "string") out.id = live.id;
  for (const [name, path] of Object.entries(AZURE_TYPES[type]?.outputs ?? {})) {
    const value = getPath(live, path);
    if (typeof value === "string" || typeof value === "number") out[name] = String(value);
  }
  return out;
}
