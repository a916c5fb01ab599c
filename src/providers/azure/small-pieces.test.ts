import assert from "node:assert/strict";
import { test } from "node:test";
import { armScope, resolveCloud } from "./cloud.ts";
import { azureCredential } from "./credential.ts";
import { generatePassword, meetsAzureComplexity } from "./password.ts";
import { KeyedMutex } from "./serialize.ts";

test("clouds and the ARM token scope", () => {
  assert.equal(armScope(resolveCloud()), "https://management.azure.com/.default");
  assert.equal(armScope(resolveCloud("AzureChinaCloud")), "https://management.chinacloudapi.cn/.default");
  assert.equal(resolveCloud("AzureUSGovernment").authorityHost, "https://login.microsoftonline.us");
  const custom = resolveCloud({ resourceManager: "https://arm.local:8443/", authorityHost: "https://login.local:8443/" });
  assert.deepEqual([custom.resourceManager, custom.custom, armScope(custom)], ["https://arm.local:8443", true, "https://arm.local:8443/.default"]);
  assert.throws(() => resolveCloud("AzureMoon"), /unknown Azure cloud "AzureMoon": one of AzureCloud, AzureChinaCloud, AzureUSGovernment/);
});

test("the credential chain: workload identity or a service principal from the environment, then the Azure CLI — never IMDS", () => {
  const base = { AZURE_CLIENT_ID: "c", AZURE_TENANT_ID: "t" };
  assert.deepEqual(azureCredential(resolveCloud(), {}).sources, ["Azure CLI (az login)"]);
  assert.deepEqual(azureCredential(resolveCloud(), { ...base, AZURE_CLIENT_SECRET: "s" }).sources, ["service principal (AZURE_CLIENT_SECRET)", "Azure CLI (az login)"]);
  assert.deepEqual(azureCredential(resolveCloud(), { ...base, AZURE_FEDERATED_TOKEN_FILE: "/var/run/token" }).sources, ["workload identity (AZURE_FEDERATED_TOKEN_FILE)", "Azure CLI (az login)"]);
  assert.deepEqual(azureCredential(resolveCloud(), { AZURE_CLIENT_SECRET: "s" }).sources, ["Azure CLI (az login)"], "a secret without client and tenant is no service principal");
});

test("generated passwords meet Azure's complexity rules and differ", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const p = generatePassword();
    assert.ok(meetsAzureComplexity(p) && /[A-Z]/.test(p) && /[a-z]/.test(p) && /[0-9]/.test(p) && /[-_.~]/.test(p) && /^[A-Za-z]/.test(p), p.length.toString());
    seen.add(p);
  }
  assert.equal(seen.size, 200);
  assert.ok(!meetsAzureComplexity("password"));
});

test("a keyed mutex runs one holder of a key at a time, other keys beside it, and goes on after a failure", async () => {
  const m = new KeyedMutex();
  const log: string[] = [];
  let release!: () => void;
  const first = m.run("vnet", async () => {
    log.push("a start");
    await new Promise<void>((r) => (release = r));
    log.push("a end");
    throw new Error("a failed");
  });
  const second = m.run("vnet", async () => void log.push("b"));
  const other = m.run("identity", async () => void log.push("c"));
  await other;
  assert.deepEqual(log, ["a start", "c"]);
  release();
  await assert.rejects(first, /a failed/);
  await second;
  assert.deepEqual(log, ["a start", "c", "a end", "b"]);
  assert.equal(m.size, 0);
});
