import assert from "node:assert/strict";
import { test } from "node:test";
import { VirtualClock } from "../../../test/support/clock.ts";
import { ENDPOINT, FakeArm, fakeCredential } from "../../../test/support/fake-arm.ts";
import type { PlanStep } from "../../plan/step.ts";
import type { AzureResource } from "../../resources/azure-resource.ts";
import { ArmClient } from "./arm-client.ts";
import { resolveCloud } from "./cloud.ts";
import { actionMatches, azurePreflightChecks, permits, registerNamespaces } from "./preflight-checks.ts";

const SUB = "00000000-0000-0000-0000-000000000001";
const RG = `/subscriptions/${SUB}/resourceGroups/rg`;

const step = (r: AzureResource): PlanStep => ({ id: `azure:${r.type}:rg:${r.name}`, title: r.name, provider: "azure", phase: "config", group: "azure", needs: [], wave: 0, timeoutMs: 1, action: { type: "ensure", resource: r }, digest: "d" });

function setup() {
  const arm = new FakeArm();
  const client = new ArmClient({ cloud: resolveCloud({ resourceManager: ENDPOINT, authorityHost: "https://login.fake.test" }), credential: fakeCredential(), subscriptionId: SUB, clock: new VirtualClock(), httpClient: arm });
  return { arm, client };
}

test("permission patterns: wildcards match, notActions exclude", () => {
  assert.ok(actionMatches("*", "Microsoft.Authorization/roleAssignments/write"));
  assert.ok(actionMatches("Microsoft.Authorization/*/write", "Microsoft.Authorization/roleAssignments/write"));
  assert.ok(!actionMatches("Microsoft.Authorization/*/read", "Microsoft.Authorization/roleAssignments/write"));
  // Contributor: everything but writing authorization.
  assert.ok(!permits([{ actions: ["*"], notActions: ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write"] }], "Microsoft.Authorization/roleAssignments/write"));
  assert.ok(permits([{ actions: ["*"], notActions: [] }], "Microsoft.Authorization/roleAssignments/write"));
});

test("before any write: missing role-assignment rights, a vault name held by a deleted vault, a missing existing resource", async () => {
  const { arm, client } = setup();
  const kv: AzureResource = { type: "Microsoft.KeyVault/vaults", apiVersion: "2023-07-01", id: `${RG}/providers/Microsoft.KeyVault/vaults/kv`, resourceGroup: "rg", name: "kv", body: { location: "West Europe" } };
  const role: AzureResource = { type: "Microsoft.Authorization/roleAssignments", apiVersion: "2022-04-01", id: `${RG}/providers/Microsoft.KeyVault/vaults/kv/providers/Microsoft.Authorization/roleAssignments/1111`, name: "1111", body: {} };
  const acr: AzureResource = { type: "Microsoft.ContainerRegistry/registries", apiVersion: "2023-07-01", id: `${RG}/providers/Microsoft.ContainerRegistry/registries/shared`, resourceGroup: "rg", name: "shared", body: {}, existing: true };
  arm.seed(`/subscriptions/${SUB}/providers/Microsoft.KeyVault`, { namespace: "Microsoft.KeyVault", registrationState: "NotRegistered" });
  arm.seed(`/subscriptions/${SUB}/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv`, { name: "kv", properties: { deletionDate: "2026-11-01" } });
  arm.script((r) => r.path.endsWith("/providers/microsoft.authorization/permissions"), (r) => (r.path.startsWith(`${RG}/providers/microsoft.keyvault`.toLowerCase()) ? { status: 404, body: { error: { code: "ResourceNotFound", message: "no vault" } } } : { status: 200, body: { value: [{ actions: ["*"], notActions: ["Microsoft.Authorization/*/Write"] }] } }));
  const { problems } = await azurePreflightChecks(client, [step(kv), step(role), step(acr)]);
  assert.deepEqual(problems.map((p) => [p.code, p.blocking]).sort(), [["ExistingMissing", true], ["RoleAssignmentNotAllowed", true], ["VaultNameHeld", true]]);
  assert.ok(arm.requests.some((r) => r.path === `${RG}/providers/Microsoft.Authorization/permissions`.toLowerCase()), "the vault does not exist yet: its resource group is asked");
  assert.equal(arm.writes().length, 0);
});

test("registering a namespace posts register and waits until ARM says Registered", async () => {
  const { arm, client } = setup();
  const path = `/subscriptions/${SUB}/providers/Microsoft.Databricks`;
  arm.script((r) => r.method === "POST", { status: 200, body: { registrationState: "Registering" } });
  arm.script((r) => r.method === "GET" && r.path === path.toLowerCase(), { status: 200, body: { registrationState: "Registering" } }, { status: 200, body: { registrationState: "Registered" } });
  const notes: string[] = [];
  await registerNamespaces(client, ["Microsoft.Databricks"], { note: (m) => notes.push(m) }, 1_000);
  assert.deepEqual(arm.requests.map((r) => r.method), ["POST", "GET", "GET"]);
  assert.equal(arm.requests[0]!.path, `${path}/register`.toLowerCase());
  assert.deepEqual(notes, ["resource provider Microsoft.Databricks is Registering; waiting"]);
});
