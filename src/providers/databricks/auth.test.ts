import assert from "node:assert/strict";
import { test } from "node:test";
import type { TokenCredential } from "@azure/core-auth";
import { VirtualClock } from "../../../test/support/clock.ts";
import type { DatabricksWorkspaceRef } from "../../resources/databricks-resource.ts";
import { resolveCloud } from "../azure/cloud.ts";
import { Redactor } from "../kubernetes/redact.ts";
import { createHttpHeaders } from "@azure/core-rest-pipeline";
import { DatabricksRequestError } from "./api.ts";
import { DatabricksClient } from "./client.ts";
import { AZURE_DATABRICKS_SCOPE, DatabricksSignInFailed, HEADER, REFRESH_MARGIN_MS, signInFor } from "./auth.ts";
import type { AzureAccess } from "./azure-access.ts";
import { classifyDatabricksError, DATABRICKS_RETRY_RULES } from "./retry-rules.ts";

const RID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/dbw";

function fakeAzure(clock: VirtualClock, secrets: Record<string, string> = {}) {
  const asked: string[] = [];
  let n = 0;
  const credential: TokenCredential = {
    getToken: async (scopes) => {
      const scope = [scopes].flat().join(" ");
      asked.push(scope);
      return { token: `tok${++n}-${scope}`, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
  const access: AzureAccess = {
    credential,
    cloud: resolveCloud("AzureCloud"),
    authorityHost: "https://login.microsoftonline.com",
    properties: async () => undefined,
    vaultUri: async () => "https://kv.vault.azure.net/",
    vaultSecret: async (ref, redactor) => {
      const value = secrets[ref.secret];
      if (value === undefined) throw new Error(`no secret ${ref.secret}`);
      redactor.add(value);
      return { value };
    },
  };
  return { access, asked, clock };
}

const ref = (auth: DatabricksWorkspaceRef["auth"], resourceId?: string): DatabricksWorkspaceRef => ({ name: "main", url: "https://adb-1.azuredatabricks.net", auth, ...(resourceId ? { resourceId } : {}) });
const options = (workspace: DatabricksWorkspaceRef, access: AzureAccess | undefined, clock: VirtualClock, redactor = new Redactor()) => ({
  workspace,
  host: workspace.url!,
  ...(access ? { azure: access } : {}),
  clock,
  httpClient: { sendRequest: async () => { throw new Error("no network in this test"); } },
  redactor,
  env: {},
});

test("the azure sign-in sends an AzureDatabricks token, plus the management pair when the workspace's ARM id is known", async () => {
  const clock = new VirtualClock({ start: 1_000_000, auto: false });
  const { access, asked } = fakeAzure(clock);
  const withId = await signInFor(options(ref({ type: "azure" }, RID), access, clock)).headers();
  assert.match(withId.Authorization!, new RegExp(`^Bearer tok\\d-${AZURE_DATABRICKS_SCOPE}$`));
  assert.match(withId[HEADER.managementToken]!, /-https:\/\/management\.core\.windows\.net\/\.default$/);
  assert.equal(withId[HEADER.workspaceResourceId], RID);
  assert.deepEqual(asked.sort(), [AZURE_DATABRICKS_SCOPE, "https://management.core.windows.net/.default"].sort());
  const withoutId = await signInFor(options(ref({ type: "azure" }), access, clock)).headers();
  assert.deepEqual(Object.keys(withoutId), ["Authorization"], "no management headers without the workspace's ARM id");
  clock.stop();
});

test("no management token: the request goes without the management pair (a workspace user gets in); the failure is said only when the workspace refuses", async () => {
  const clock = new VirtualClock({ start: 1_000_000, auto: false });
  const { access } = fakeAzure(clock);
  const noManagement: AzureAccess = {
    ...access,
    credential: { getToken: async (scopes) => ([scopes].flat().join(" ").includes("management") ? Promise.reject(new Error("AADSTS65001: no consent for the management API")) : access.credential.getToken(scopes)) },
  };
  const workspace = ref({ type: "azure" }, RID);
  const signIn = signInFor(options(workspace, noManagement, clock));
  const headers = await signIn.headers();
  assert.deepEqual(Object.keys(headers), ["Authorization"], "signed in, without the management pair");
  assert.match(signIn.missing?.() ?? "", /management token could not be had \(AADSTS65001.*\).*only a principal already a workspace user gets in/);
  const answer = (status: number) => ({ sendRequest: async (request: any) => ({ request, status, headers: createHttpHeaders({}), bodyAsText: JSON.stringify(status === 200 ? {} : { error_code: "PERMISSION_DENIED", message: "not a workspace user" }) }) });
  const client = (status: number) => new DatabricksClient({ workspace, host: workspace.url!, signIn, redactor: new Redactor(), clock, httpClient: answer(status) as any });
  assert.deepEqual(await client(200).get({ path: "/api/2.1/clusters/list", operation: "list clusters" }), {});
  await assert.rejects(client(403).get({ path: "/api/2.1/clusters/list", operation: "list clusters" }), (e: unknown) => e instanceof DatabricksRequestError && /not a workspace user \(the Azure management token could not be had/.test(e.serverMessage));
  clock.stop();
});

test("tokens are kept until 40 s before they expire (on berth's clock), and signed in again after a 401", async () => {
  const clock = new VirtualClock({ start: 1_000_000, auto: false });
  const { access, asked } = fakeAzure(clock);
  const signIn = signInFor(options(ref({ type: "azure" }), access, clock));
  const first = (await signIn.headers()).Authorization;
  await clock.advance(3_600_000 - REFRESH_MARGIN_MS - 1_000);
  assert.equal((await signIn.headers()).Authorization, first, "still well before expiry");
  await clock.advance(2_000);
  const second = (await signIn.headers()).Authorization;
  assert.notEqual(second, first, "renewed within 40 s of expiry");
  signIn.invalidate();
  assert.notEqual((await signIn.headers()).Authorization, second);
  assert.equal(asked.length, 3);
  clock.stop();
});

test("a PAT and a service principal's secret are read from the vault and go into the redactor before any message", async () => {
  const clock = new VirtualClock({ start: 1_000_000, auto: false });
  const canary = "canary-pat-7f3e9a2b";
  const { access } = fakeAzure(clock, { "dbx-pat": canary });
  const redactor = new Redactor();
  const signIn = signInFor(options(ref({ type: "pat", token: { vaultId: "/v/kv", secret: "dbx-pat" } }), access, clock, redactor));
  assert.equal((await signIn.headers()).Authorization, `Bearer ${canary}`);
  assert.equal(signIn.entra, false);
  assert.equal(redactor.apply(`refused ${canary}`), "refused (redacted)");
  clock.stop();
});

test("a sign-in that needs Azure without an Azure section fails naming the workspace, the auth type and the fix", async () => {
  const clock = new VirtualClock({ start: 1_000_000, auto: false });
  const signIn = signInFor(options(ref({ type: "servicePrincipal", tenantId: "t", clientId: { vaultId: "/v/kv", secret: "id" }, clientSecret: { vaultId: "/v/kv", secret: "s" } }), undefined, clock));
  assert.equal(signIn.entra, true);
  await assert.rejects(signIn.headers(), (e: unknown) => e instanceof DatabricksSignInFailed && /workspace main \(auth servicePrincipal\).*no Azure section/.test(e.message));
  clock.stop();
});

const err = (status: number | undefined, code?: string, headers: Record<string, string> = {}, lost = false) => new DatabricksRequestError("create cluster etl", status, code, "m", headers, lost);
const ctx = { idempotent: false, now: 0, signedInAgain: false };

test("the retry table: 429 always (Retry-After honoured), 503 with Retry-After always, other 5xx and lost connections only when idempotent", () => {
  assert.deepEqual(classifyDatabricksError(err(429, "REQUEST_LIMIT_EXCEEDED", { "retry-after": "7" }), ctx), { retry: true, afterMs: 7_000, why: "the workspace is throttling requests (429 REQUEST_LIMIT_EXCEEDED, Retry-After 7s)" });
  assert.equal(classifyDatabricksError(err(503, "TEMPORARILY_UNAVAILABLE", { "retry-after": "3" }), ctx).retry, true, "a 503 naming when to come back refused the request");
  assert.equal(classifyDatabricksError(err(503, "TEMPORARILY_UNAVAILABLE"), ctx).retry, false, "a bare 503 may hide a create that happened");
  assert.equal(classifyDatabricksError(err(503, "TEMPORARILY_UNAVAILABLE"), { ...ctx, idempotent: true }).retry, true);
  assert.equal(classifyDatabricksError(err(500, "INTERNAL_ERROR"), ctx).retry, false);
  assert.equal(classifyDatabricksError(err(undefined, undefined, {}, true), ctx).retry, false, "a create is never repeated after a lost connection");
  assert.equal(classifyDatabricksError(err(undefined, undefined, {}, true), { ...ctx, idempotent: true }).retry, true);
  assert.equal(classifyDatabricksError(err(400, "INVALID_STATE"), { ...ctx, idempotent: true }).retry, false, "INVALID_STATE only where the call allows it");
  assert.equal(classifyDatabricksError(err(400, "INVALID_STATE"), { ...ctx, invalidStateUntil: 10 }).retry, true);
  assert.equal(classifyDatabricksError(err(400, "INVALID_STATE"), { ...ctx, now: 10, invalidStateUntil: 10 }).retry, false, "and only within its bound");
  assert.equal(classifyDatabricksError(err(400, "INVALID_PARAMETER_VALUE"), { ...ctx, idempotent: true }).retry, false);
  const once = classifyDatabricksError(err(401, "UNAUTHENTICATED"), ctx);
  assert.equal(once.retry && once.signInAgain, true);
  assert.equal(classifyDatabricksError(err(401, "UNAUTHENTICATED"), { ...ctx, signedInAgain: true }).retry, false, "a second 401 is final");
  assert.ok(DATABRICKS_RETRY_RULES.every((r) => r.why.length > 0));
});
