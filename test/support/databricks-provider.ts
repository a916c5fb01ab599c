/**
 * Helpers for tests of berth's Databricks provider against the Databricks test server, through the engine: a stand-in
 * vault, plan steps as the planner makes them, a deploy through runSteps that keeps its journal and events, and a
 * workspace signed in to with a PAT from that vault. Shared so the provider's tests build the provider and run it the
 * one way berth does. (The HTTP client trusting the test CA is the Azure test server's `trustingHttpClient`.)
 */
import type { EngineEvent } from "../../src/engine/events.ts";
import type { JournalEntry } from "../../src/engine/journal.ts";
import { runSteps } from "../../src/engine/run-steps.ts";
import type { PlanStep } from "../../src/plan/step.ts";
import { resolveCloud } from "../../src/providers/azure/cloud.ts";
import type { AzureAccess } from "../../src/providers/databricks/azure-access.ts";
import { digestOf } from "../../src/providers/databricks/kinds/compare.ts";
import { DATABRICKS_KINDS, databricksKey, databricksPlanning } from "../../src/providers/databricks/planning.ts";
import { DatabricksProvider } from "../../src/providers/databricks/provider.ts";
import type { DatabricksResource, DatabricksWorkspaceRef } from "../../src/resources/databricks-resource.ts";
import { trustingHttpClient } from "./azure-api-server/testing.ts";
import { VirtualClock } from "./clock.ts";
import { type Scenario, startDatabricksApiServer, type WorkspaceSpec } from "./databricks-api-server/index.ts";

/** The instance (`berth.instance` tag) the tests deploy as: seed 001's dev environment. */
export const INSTANCE = "seed.dev";
/** The stand-in vault's ARM id (only its name shows, in messages). */
export const VAULT = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-dev";

export interface VaultEntry {
  readonly value: string;
  /** When the secret was last set (a secret scope copies it again when it is newer than its copy). */
  readonly updatedOn?: number;
}

/** Azure as far as a PAT sign-in and a secret scope need it: one vault, read from `secrets` when asked (a test may set more). */
export const vaultAccess = (secrets: ReadonlyMap<string, VaultEntry>): AzureAccess => ({
  credential: { getToken: async () => null },
  cloud: resolveCloud("AzureCloud"),
  authorityHost: "https://login.microsoftonline.com",
  properties: async () => undefined,
  vaultUri: async () => "https://kv-dev.vault.azure.net/",
  vaultSecret: async (ref, redactor) => {
    const got = secrets.get(ref.secret)!;
    redactor.add(got.value);
    return got;
  },
});

/** The plan step the planner makes for a resource (title, phase, timeout, digest as berth computes them). */
export function planStep(resource: DatabricksResource, needs: string[] = [], type: "deploy" | "undeploy" = "deploy"): PlanStep {
  const action = { type, resource };
  return {
    id: databricksKey(resource),
    title: databricksPlanning.stepFor({ key: databricksKey(resource), provider: "databricks", resource, origin: [] }, INSTANCE).title,
    provider: "databricks",
    phase: DATABRICKS_KINDS[resource.kind].phase,
    group: "databricks",
    needs,
    wave: 0,
    timeoutMs: databricksPlanning.timeoutMs(action),
    action,
    digest: digestOf(action),
  };
}

/** Runs the steps through the engine with this provider, keeping what it journaled and the events it sent. */
export async function deploy(provider: DatabricksProvider, steps: readonly PlanStep[], clock: VirtualClock, run = "r1") {
  const events: EngineEvent[] = [];
  const journal: Omit<JournalEntry, "at">[] = [];
  const result = await runSteps(steps, { providers: { databricks: provider }, journal: { append: (e) => void journal.push(e) }, run, signal: new AbortController().signal, onEvent: (e) => events.push(e), clock });
  return { ...result, events, journal };
}

/**
 * A Databricks test server on a virtual clock with one workspace, a PAT of deployer@example.com in the vault (as
 * `dbx-pat`) and a workspace ref signing in with it; `provider()` builds berth's provider for it. Close when done.
 */
export async function startPatWorkspace(workspace: WorkspaceSpec, scenario: Omit<Scenario, "clock"> = {}) {
  const clock = new VirtualClock();
  const dbx = await startDatabricksApiServer({ ...scenario, clock });
  const ws = dbx.addWorkspace(workspace);
  const pat = dbx.createPat(workspace.id, "deployer@example.com");
  const vault = new Map<string, VaultEntry>([["dbx-pat", { value: pat }]]);
  const ref: DatabricksWorkspaceRef = { name: "main", url: ws.url, auth: { type: "pat", token: { vaultId: VAULT, secret: "dbx-pat" } } };
  const http = trustingHttpClient(dbx);
  const provider = (more: { adopt?: boolean } = {}) => new DatabricksProvider({ instance: INSTANCE, clock, httpClient: http, azureAccess: vaultAccess(vault), ...more });
  return {
    clock,
    dbx,
    ws,
    ref,
    pat,
    vault,
    provider,
    async close() {
      await dbx.close();
      clock.stop();
    },
  };
}
