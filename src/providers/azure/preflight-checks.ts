/**
 * What can be known to fail before anything is written: a caller that may not create the role assignments the plan
 * holds, a Key Vault name held by a soft-deleted vault, a resource declared existing that is not there, and the vault
 * secrets' own (vault-secret-checks.ts: a provided secret not set, a secret name held by a deleted one). Each is a
 * problem with a stable code; `blocking` ones stop `up` before its first write, the others say what berth will do
 * about them (recover a vault). Unregistered resource providers are not a problem: registering is a plan step
 * (catalog/azure/registration.ts).
 */
import type { PlanStep } from "../../plan/step.ts";
import { AZURE_API } from "../../resources/azure-types.ts";
import type { AzureResource } from "../../resources/azure-resource.ts";
import type { Progress } from "../provider.ts";
import type { ArmClient, Json } from "./arm-client.ts";
import { AzureRequestError } from "./errors.ts";
import { deletedVaultHolding, describeNameHeld, policyOf } from "./soft-delete.ts";
import { azureTypeRow } from "./types.ts";
import type { KeyVaultDataPlane } from "./vault-data-plane.ts";
import { vaultSecretChecks } from "./vault-secret-checks.ts";
import { isProvided } from "./vault-secrets.ts";

export interface AzureProblem {
  readonly code: "ProviderNotRegistered" | "RoleAssignmentNotAllowed" | "VaultNameHeld" | "ExistingMissing" | "CheckFailed" | "VaultSecretMissing" | "VaultSecretNameHeld";
  /** The step (resource key) it is about, when it is about one. */
  readonly step?: string;
  readonly message: string;
  readonly fix?: string;
  /** Stops the run before any write; otherwise it says what berth does about it. */
  readonly blocking: boolean;
}

export interface AzurePreflight {
  readonly problems: readonly AzureProblem[];
}

const ROLE_ASSIGNMENT_WRITE = "Microsoft.Authorization/roleAssignments/write";
const ROLE_ASSIGNMENTS = "Microsoft.Authorization/roleAssignments";

const ensured = (steps: readonly PlanStep[]): { step: PlanStep; resource: AzureResource }[] =>
  steps.flatMap((step) => (step.action.type === "ensure" ? [{ step, resource: step.action.resource }] : []));

/** Whether an Azure permission pattern (a literal action, with `*` standing for any run of characters) covers an action. */
export const actionMatches = (pattern: string, action: string): boolean =>
  new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join(".*")}$`, "i").test(action);

/** What `GET {scope}/providers/Microsoft.Authorization/permissions` says about one action. */
export const permits = (permissions: readonly Json[], action: string): boolean =>
  permissions.some((p) => ((p.actions ?? []) as string[]).some((a) => actionMatches(a, action)) && !((p.notActions ?? []) as string[]).some((a) => actionMatches(a, action)));

/** `data` (the Key Vault data plane) lets the vault secrets be checked too. */
export async function azurePreflightChecks(client: ArmClient, steps: readonly PlanStep[], data?: KeyVaultDataPlane): Promise<AzurePreflight> {
  const problems: AzureProblem[] = [];
  const all = ensured(steps);
  const guard = async (step: string | undefined, what: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      problems.push({ code: "CheckFailed", ...(step ? { step } : {}), message: `could not check ${what}: ${error instanceof Error ? error.message : String(error)}`, blocking: false });
    }
  };

  // One check per scope (ARM ids are case-insensitive); messages name the scope as the spec spells it.
  const scopes = new Map<string, { scope: string; step: string }>();
  for (const { step, resource } of all.filter((x) => x.resource.type === ROLE_ASSIGNMENTS && !x.resource.existing)) {
    const scope = resource.id.split(`/providers/${ROLE_ASSIGNMENTS}/`)[0]!;
    if (!scopes.has(scope.toLowerCase())) scopes.set(scope.toLowerCase(), { scope, step: step.id });
  }
  await Promise.all(
    [...scopes.values()].map(({ scope, step }) =>
      guard(step, `permissions on ${scope}`, async () => {
        const permissions = await permissionsAt(client, scope);
        if (permits(permissions, ROLE_ASSIGNMENT_WRITE)) return;
        problems.push({
          code: "RoleAssignmentNotAllowed",
          step,
          message: `the signed-in principal may not create role assignments on ${scope} (${ROLE_ASSIGNMENT_WRITE})`,
          fix: "grant it Owner, User Access Administrator or Role Based Access Control Administrator on that scope, or have someone with that right run berth",
          blocking: true,
        });
      }),
    ),
  );

  await Promise.all(
    all
      .filter((x) => azureTypeRow(x.resource.type).softDelete && !x.resource.existing)
      .map(({ step, resource }) =>
        guard(step.id, `whether a deleted vault holds ${resource.name}`, async () => {
          if (await client.get(resource.id, resource.apiVersion, `GET ${resource.type} ${resource.name}`)) return;
          const deleted = await deletedVaultHolding(client, resource);
          if (!deleted) return;
          const policy = policyOf(resource).onNameHeld;
          const purgeProtected = deleted.properties?.purgeProtectionEnabled === true;
          if (policy === "fail" || (policy === "purge" && purgeProtected))
            problems.push({ code: "VaultNameHeld", step: step.id, message: describeNameHeld(resource, deleted), fix: purgeProtected ? "set onNameHeld: recover on the vault (spec.azure.keyVaults) to let berth recover it, or choose another name" : "set onNameHeld: recover or purge on the vault (spec.azure.keyVaults), or choose another name", blocking: true });
          else problems.push({ code: "VaultNameHeld", step: step.id, message: `${describeNameHeld(resource, deleted)}: berth will ${policy} it`, blocking: false });
        }),
      ),
  );

  await Promise.all(
    all
      .filter((x) => x.resource.existing && !isProvided(x.resource))
      .map(({ step, resource }) =>
        guard(step.id, `${resource.type} ${resource.name}`, async () => {
          if (!(await client.get(resource.id, resource.apiVersion, `GET ${resource.type} ${resource.name}`)))
            problems.push({ code: "ExistingMissing", step: step.id, message: `${resource.type} ${resource.name} is declared existing but does not exist (${resource.id})`, fix: "create it first, or let berth create it (remove `existing`)", blocking: true });
        }),
      ),
  );
  if (data) problems.push(...(await vaultSecretChecks(client, data, all, guard)));
  // The checks run concurrently; the report must not depend on which answer came first.
  const order = new Map(steps.map((s, i) => [s.id, i]));
  const rank = (p: AzureProblem) => (p.step === undefined ? -1 : (order.get(p.step) ?? steps.length));
  problems.sort((a, b) => rank(a) - rank(b) || a.message.localeCompare(b.message));
  return { problems };
}

/** The caller's permissions at a scope, or at the nearest one that exists yet (resource group, then subscription). */
async function permissionsAt(client: ArmClient, scope: string): Promise<Json[]> {
  const group = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+/i.exec(scope)?.[0];
  for (const at of [...new Set([scope, group, client.subscriptionPath.toLowerCase()])].filter((s): s is string => !!s)) {
    try {
      return await client.list(`${at}/providers/Microsoft.Authorization/permissions`, AZURE_API.permissions, `GET permissions on ${at}`);
    } catch (error) {
      if (!(error instanceof AzureRequestError && error.status === 404)) throw error;
    }
  }
  return [];
}

/** Registers resource provider namespaces and waits until ARM says Registered. */
export async function registerNamespaces(client: ArmClient, namespaces: readonly string[], progress: Progress, intervalMs = 5_000): Promise<void> {
  for (const ns of namespaces) {
    const path = `${client.subscriptionPath}/providers/${ns}`;
    await client.post(`${path}/register`, AZURE_API.providers, undefined, `register resource provider ${ns}`, progress, true);
    for (;;) {
      const p = await client.get(path, AZURE_API.providers, `GET resource provider ${ns}`, progress);
      if (String(p?.registrationState).toLowerCase() === "registered") break;
      if (progress.deadline !== undefined && client.clock.now() + intervalMs > progress.deadline) throw new AzureRequestError(`register resource provider ${ns}`, undefined, { code: "OperationTimedOut", message: `still ${p?.registrationState} when the time ran out` });
      progress.note(`resource provider ${ns} is ${p?.registrationState}; waiting`);
      await client.clock.sleep(intervalMs, progress.signal);
    }
  }
}
