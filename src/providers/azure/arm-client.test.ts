import assert from "node:assert/strict";
import { test } from "node:test";
import { VirtualClock } from "../../../test/support/clock.ts";
import { ENDPOINT, FakeArm, fakeCredential } from "../../../test/support/fake-arm.ts";
import type { Progress } from "../provider.ts";
import { ArmClient } from "./arm-client.ts";
import { resolveCloud } from "./cloud.ts";
import { AzureRequestError } from "./errors.ts";

const SUB = "00000000-0000-0000-0000-000000000001";
const VAULT = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1`;

function setup() {
  const clock = new VirtualClock({ start: 1_000_000 });
  const arm = new FakeArm();
  const scopes: string[][] = [];
  const client = new ArmClient({ cloud: resolveCloud({ resourceManager: ENDPOINT, authorityHost: "https://login.fake.test" }), credential: fakeCredential(scopes), subscriptionId: SUB, clock, httpClient: arm, pollIntervalMs: 5_000 });
  const notes: string[] = [];
  const progress: Progress = { note: (m) => notes.push(m) };
  return { clock, arm, client, scopes, notes, progress };
}

test("a PUT answered 201 with Azure-AsyncOperation is polled at ARM's Retry-After until Succeeded, then the resource is read", async () => {
  const { clock, arm, client, scopes } = setup();
  const op = `${ENDPOINT}/subscriptions/${SUB}/providers/Microsoft.KeyVault/locations/westeurope/operationResults/op1?api-version=2023-07-01`;
  arm.script((r) => r.method === "PUT", { status: 201, headers: { "azure-asyncoperation": op, "retry-after": "7" }, body: { properties: { provisioningState: "Accepted" } } });
  arm.script((r) => r.url.toString() === op, { status: 200, headers: { "retry-after": "3" }, body: { status: "InProgress" } }, { status: 200, body: { status: "Succeeded" } });
  arm.seed(VAULT, { name: "kv1", properties: { vaultUri: "https://kv1.vault.azure.net/", provisioningState: "Succeeded" } });
  const start = clock.now();
  const result = await client.put(VAULT, "2023-07-01", { location: "westeurope", properties: {} }, "PUT Microsoft.KeyVault/vaults kv1");
  assert.equal(result.properties.vaultUri, "https://kv1.vault.azure.net/");
  assert.equal(clock.now() - start, 10_000, "waited 7 s, then 3 s, as ARM asked");
  assert.deepEqual(arm.requests.map((r) => `${r.method} ${r.url.pathname.split("/").pop()}`), ["PUT kv1", "GET op1", "GET op1", "GET kv1"]);
  assert.equal(arm.requests[0]!.apiVersion, "2023-07-01");
  assert.equal(arm.requests[0]!.authorization, `Bearer token-for-${ENDPOINT}/.default`);
  assert.deepEqual(scopes[0], [`${ENDPOINT}/.default`]);
});

test("a DELETE answered 202 with Location is polled until the Location answers 204", async () => {
  const { clock, arm, client } = setup();
  const loc = `${ENDPOINT}/subscriptions/${SUB}/providers/Microsoft.KeyVault/locations/westeurope/operationResults/del1?api-version=2023-07-01`;
  arm.script((r) => r.method === "DELETE", { status: 202, headers: { location: loc, "retry-after": "15" } });
  arm.script((r) => r.url.toString() === loc, { status: 202, headers: { location: loc } }, { status: 204 });
  const start = clock.now();
  assert.equal(await client.delete(VAULT, "2023-07-01", "DELETE vault kv1"), true);
  assert.equal(clock.now() - start, 15_000 + 5_000, "Retry-After 15 s, then the poll interval");
  assert.deepEqual(arm.requests.map((r) => r.method), ["DELETE", "GET", "GET"]);
});

test("a long-running operation that ends Failed is an error with ARM's code and message, naming the operation", async () => {
  const { arm, client } = setup();
  const op = `${ENDPOINT}/ops/op2`;
  arm.script((r) => r.method === "PUT", { status: 201, headers: { "azure-asyncoperation": op } });
  arm.script((r) => r.url.pathname === "/ops/op2", { status: 200, body: { status: "Failed", error: { code: "SkuNotAvailable", message: "The requested VM size is not available in westeurope." } } });
  await assert.rejects(client.put(VAULT, "2023-07-01", {}, "PUT Microsoft.ContainerService/managedClusters aks1"), (e: unknown) => {
    assert.ok(e instanceof AzureRequestError);
    assert.equal(e.code, "SkuNotAvailable");
    assert.match(e.message, /^PUT Microsoft\.ContainerService\/managedClusters aks1: 200 SkuNotAvailable: The requested VM size is not available in westeurope\.$/);
    return true;
  });
});

test("429 and 5xx wait for Retry-After on the clock and tell the step; 409 AnotherOperationInProgress and 400 PrincipalNotFound back off", async () => {
  const { clock, arm, client, notes, progress } = setup();
  arm.seed(VAULT, { name: "kv1", properties: {} });
  arm.script(
    (r) => r.method === "GET",
    { status: 429, headers: { "retry-after": "20" }, body: { error: { code: "TooManyRequests", message: "slow down" } } },
    { status: 503, headers: { "retry-after": "4" } },
  );
  const start = clock.now();
  assert.ok(await client.get(VAULT, "2023-07-01", "GET vault kv1", progress));
  assert.equal(clock.now() - start, 24_000);
  assert.equal(notes.length, 2);
  assert.match(notes[0]!, /GET vault kv1: ARM is throttling requests \(429 TooManyRequests, Retry-After 20s\); trying again in 20 s/);

  arm.script((r) => r.method === "PUT", { status: 409, body: { error: { code: "AnotherOperationInProgress", message: "busy" } } }, { status: 400, body: { error: { code: "PrincipalNotFound", message: "Principal abc does not exist in the directory." } } });
  await client.put(VAULT, "2023-07-01", { properties: {} }, "PUT vault kv1");
  assert.equal(arm.requests.filter((r) => r.method === "PUT").length, 3, "two retried refusals, then the write");
});

test("other errors fail at once with a message naming the resource, the operation and ARM's words", async () => {
  const { arm, client } = setup();
  arm.script((r) => r.method === "PUT", { status: 409, body: { error: { code: "VaultAlreadyExists", message: "The vault name 'kv1' is already in use.", details: [{ code: "Inner", message: "held by another tenant" }] } } });
  await assert.rejects(client.put(VAULT, "2023-07-01", {}, "PUT Microsoft.KeyVault/vaults kv1"), /^AzureRequestError: PUT Microsoft\.KeyVault\/vaults kv1: 409 VaultAlreadyExists: The vault name 'kv1' is already in use\. \(Inner: held by another tenant\)/);
  assert.equal(arm.requests.length, 1);
});

test("a lost connection is retried for a GET or PUT, never for a POST", async () => {
  const { arm, client } = setup();
  const lost = () => Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
  arm.seed(VAULT, { name: "kv1" });
  arm.script((r) => r.method === "GET", { status: 0, throws: lost() });
  assert.ok(await client.get(VAULT, "2023-07-01", "GET vault"));
  arm.script((r) => r.method === "POST", { status: 0, throws: lost() });
  await assert.rejects(client.post(`${VAULT}/purge`, "2023-07-01", undefined, "purge kv1"), (e: unknown) => e instanceof AzureRequestError && e.connectionLost);
  assert.equal(arm.requests.filter((r) => r.method === "POST").length, 1);
});

test("no poll waits past the step's deadline: the operation is left to Azure with OperationTimedOut", async () => {
  const { clock, arm, client } = setup();
  arm.script((r) => r.method === "PUT", { status: 201, headers: { "azure-asyncoperation": `${ENDPOINT}/ops/slow`, "retry-after": "60" } });
  const progress: Progress = { note: () => {}, deadline: clock.now() + 30_000 };
  await assert.rejects(client.put(VAULT, "2023-07-01", {}, "PUT vault kv1", progress), (e: unknown) => e instanceof AzureRequestError && e.code === "OperationTimedOut");
  assert.equal(arm.requests.length, 1);
});

test("a PUT answered 200 without a polling URL is followed through the resource's provisioningState", async () => {
  const { arm, client } = setup();
  arm.script((r) => r.method === "PUT", { status: 200, body: { id: VAULT, properties: { provisioningState: "Updating" } } });
  arm.script((r) => r.method === "GET", { status: 200, body: { id: VAULT, properties: { provisioningState: "Updating" } } }, { status: 200, body: { id: VAULT, properties: { provisioningState: "Succeeded", done: true } } });
  const result = await client.put(VAULT, "2023-07-01", {}, "PUT vault kv1");
  assert.equal(result.properties.done, true);
});

test("a quota refusal (409 OperationNotAllowed) is final: waiting does not raise a quota", async () => {
  const { arm, client } = setup();
  arm.script((r) => r.method === "PUT", { status: 409, body: { error: { code: "OperationNotAllowed", message: "Operation could not be completed as it results in exceeding approved standardDSv5Family Cores quota." } } });
  await assert.rejects(client.put(VAULT, "2023-07-01", {}, "PUT aks"), /OperationNotAllowed: Operation could not be completed/);
  assert.equal(arm.requests.length, 1);
});

test("an aborted request leaves no timer behind: a failed or interrupted run ends at once, not a minute later", async () => {
  const { createServer } = await import("node:https");
  const { createDefaultHttpClient } = await import("@azure/core-rest-pipeline");
  const { testCertificate } = await import("../../../test/support/azure-api-server/tls.ts");
  const cert = testCertificate();
  let arrived!: () => void;
  const reached = new Promise<void>((r) => (arrived = r));
  const server = createServer({ key: cert.key, cert: cert.cert }, () => arrived()); // never answers
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const inner = createDefaultHttpClient();
  const httpClient = { sendRequest: (req: Parameters<typeof inner.sendRequest>[0]) => ((req.tlsSettings ??= { ca: cert.cert }), inner.sendRequest(req)) };
  const port = (server.address() as { port: number }).port;
  const client = new ArmClient({ cloud: resolveCloud({ resourceManager: `https://127.0.0.1:${port}`, authorityHost: "https://login.fake.test" }), credential: fakeCredential(), subscriptionId: SUB, httpClient });
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
  try {
    const before = timers();
    const stop = new AbortController();
    const sent = client.send("GET", VAULT, { apiVersion: "2023-07-01", operation: "GET vault", progress: { note: () => {}, signal: stop.signal } });
    await reached;
    stop.abort(new Error("run stopped"));
    await assert.rejects(sent, /run stopped/);
    assert.equal(timers(), before, "the request's time limit was cleared with it");
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
