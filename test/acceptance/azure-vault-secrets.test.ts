/**
 * Vault mode through the CLI (issue 11 item 1): `berth` as its own process against the Azure and Kubernetes test
 * servers, zero latencies on real time. A provided secret in a vault this run creates stops the run at that secret;
 * once the vault exists, a missing one blocks in preflight; set, the run goes through, with the generated secret,
 * the admin password and its JSON copy made once — the next run writes no secret. A generated secret someone deleted
 * is recovered with its value, purged and made anew, reported (fail), or — under purge protection — stops with the
 * fix. No value (generated, composed, or the one the user provided) appears on stdout or stderr (text or --json), in
 * the state folder, or in the revisions kept in the cluster.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { planFor } from "../../src/index.ts";
import { AZURE_TYPES } from "../../src/resources/azure-types.ts";
import { startAzureApiServer } from "../support/azure-api-server/index.ts";
import { armToken, claimsOf, raw } from "../support/azure-api-server/testing.ts";
import type { AzureApiServer } from "../support/azure-api-server/types.ts";
import { type CliRun, runCliProcess, tempDir } from "../support/cli.ts";
import { azureSets, seedExisting } from "../support/deploy.ts";
import { type KubeApiServer, startKubeApiServer } from "../support/kube-api-server/index.ts";
import { SECRETS_STORE_CSI } from "../support/kube-api-server/cluster-seed.ts";
import { vaultCsiProvider } from "../support/vault-csi.ts";
import { linkWorkloadIdentity } from "../support/workload-identity.ts";

const SPEC = "test/fixtures/azure-vault";
const SECRETS = "Microsoft.KeyVault/vaults/secrets";
const SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
const PROVIDED = "provided-canary-5e1f0a";

describe("vault secrets through the CLI: provided, generated once, composed, and names held by deleted secrets", () => {
  let azure: AzureApiServer;
  let kube: KubeApiServer;
  let stateDir: string;
  let arm: string;
  const runs: CliRun[] = [];
  const values = new Set<string>([PROVIDED]);
  const rg = () => `/subscriptions/${azure.subscriptionId}/resourceGroups/vaulted-dev-main`;
  const vault = () => `${rg()}/providers/Microsoft.KeyVault/vaults/vaulted-dev-main`;
  const secretId = (name: string) => `${vault()}/secrets/${name}`;
  const REDIS = "vaulted--dev--redis-auth--password";
  const valueOf = (name: string) => azure.writeOnly(secretId(name), "properties.value") as string | undefined;
  const secretPuts = () => azure.requests.filter((r) => r.method === "PUT" && r.path.includes("/secrets/")).length;

  /** `berth <command>` with `--set`s; a `--flag` among them is passed as it is. */
  const berth = async (command: string, ...more: string[]): Promise<CliRun> => {
    const flags = more.filter((m) => m.startsWith("--"));
    const set = more.filter((m) => !m.startsWith("--"));
    const run = await runCliProcess([command, SPEC, "--env", "dev", ...(command === "up" ? ["--yes"] : []), ...flags, "--state-dir", stateDir, ...[...azureSets(azure), ...set].flatMap((s) => ["--set", s])], {
      NODE_EXTRA_CA_CERTS: azure.caPath,
      AZURE_CLIENT_ID: azure.clientId,
      AZURE_TENANT_ID: azure.tenantId,
      AZURE_CLIENT_SECRET: azure.clientSecret,
      HOME: tempDir("berth-vault-home-"), // no az CLI sign-in to fall back on
      NO_COLOR: "1",
    });
    runs.push(run);
    return run;
  };
  const deleteRedisSecret = async () => assert.equal((await raw(azure, "DELETE", `${secretId(REDIS)}?api-version=${AZURE_TYPES[SECRETS]!.apiVersion}`, { token: arm })).status, 200);
  const said = (run: CliRun) => `${run.stdout}${run.stderr}`;

  before(async () => {
    // The existing cluster has the Secrets Store CSI driver (its pods read the vault through it), and is AKS with
    // workload identity, so berth's identity checks run against this Azure.
    kube = await startKubeApiServer({ readyAfterMs: {}, csi: vaultCsiProvider(() => azure) });
    for (const o of SECRETS_STORE_CSI) kube.seed(o);
    azure = await startAzureApiServer({ realTime: true, kubernetes: { server: kube.url } });
    linkWorkloadIdentity(kube, azure);
    stateDir = join(tempDir("berth-vault-"), "state");
    arm = await armToken(azure);
    const plan = planFor({ path: SPEC, env: "dev", set: azureSets(azure) }).plan!;
    // The existing AKS cluster only: the provided secret is the user's to set, later.
    seedExisting(azure, { ...plan, steps: plan.steps.filter((s) => s.action.type === "ensure" && s.action.resource.type === "Microsoft.ContainerService/managedClusters") });
    // The deployer may recover and purge deleted secrets: Key Vault Secrets Officer over the subscription.
    const assigned = await raw(azure, "PUT", `/subscriptions/${azure.subscriptionId}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-4000-8000-0000000000f1?api-version=${AZURE_TYPES["Microsoft.Authorization/roleAssignments"]!.apiVersion}`, {
      token: arm,
      body: { properties: { roleDefinitionId: `/subscriptions/${azure.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${SECRETS_OFFICER}`, principalId: claimsOf(arm).oid, principalType: "ServicePrincipal" } },
    });
    assert.ok(assigned.status < 300, JSON.stringify(assigned.body));
  });
  after(async () => {
    await azure.close();
    await kube.close();
  });

  test("plan: the generated secret shows as made by berth, the provided one as the user's to set", async () => {
    const plan = await berth("plan");
    assert.equal(plan.code, 3, said(plan));
    assert.match(plan.stdout, new RegExp(`ensure vaults/secrets vaulted-dev-main/vaulted-dev-main/${REDIS}  \\[create\\].*\\n      created \\(generated\\)\\n`));
    assert.match(plan.stdout, /read existing vaults\/secrets vaulted-dev-main\/vaulted-dev-main\/vaulted--demo--git--token  \[create\].*\n      missing: set it: `az keyvault secret set --vault-name vaulted-dev-main --name vaulted--demo--git--token --value …`/);
  });

  test("a provided secret: in a vault this run creates, the run stops at it; once the vault exists, preflight blocks naming it; set, the run goes through", async () => {
    const first = await berth("up");
    assert.equal(first.code, 1, said(first));
    assert.match(said(first), /secret vaulted--demo--git--token of Key Vault vaulted-dev-main is not set: it is provided by you, and berth never writes it; set it: `az keyvault secret set --vault-name vaulted-dev-main --name vaulted--demo--git--token --value …`/);
    assert.ok(azure.resource(vault()), "the vault was created");

    const writes = azure.writes();
    const blocked = await berth("up");
    assert.equal(blocked.code, 2, said(blocked));
    assert.match(said(blocked), /secret vaulted--demo--git--token of Key Vault vaulted-dev-main is not set/);
    assert.match(said(blocked), /az keyvault secret set --vault-name vaulted-dev-main --name vaulted--demo--git--token --value …/);
    assert.equal(azure.writes(), writes, "blocked before any write");

    // The user sets it (az keyvault secret set): a value berth never reads.
    await raw(azure, "PUT", `${secretId("vaulted--demo--git--token")}?api-version=${AZURE_TYPES[SECRETS]!.apiVersion}`, { token: arm, body: { properties: { value: PROVIDED } } });
    const done = await berth("up");
    assert.equal(done.code, 0, said(done));
  });

  test("made once: the generated secret, the admin login, password and its JSON copy; the next run writes no secret and the values stay", async () => {
    const redis = valueOf(REDIS)!;
    assert.match(redis, /^[A-Za-z0-9]{32}$/);
    const server = azure.resources("Microsoft.Sql/servers")[0]!;
    const password = azure.writeOnly(String(server.id), "properties.administratorLoginPassword") as string;
    const json = valueOf("vaulted--demo--merge--credentials")!;
    for (const v of [redis, password, json]) values.add(v);
    assert.equal(valueOf("vaulted--dev--sql-merge--admin-password"), password);
    assert.deepEqual(JSON.parse(json), { USER: "dsadmin", PASSWORD: password });
    assert.equal(valueOf("vaulted--dev--sql-merge--admin-login"), "dsadmin");
    assert.equal(valueOf("vaulted--demo--git--token"), PROVIDED, "the provided secret is never written");

    const puts = secretPuts();
    const again = await berth("up", "--json");
    assert.equal(again.code, 0, said(again));
    assert.equal(secretPuts(), puts, "no secret written again: no new version");
    assert.equal(valueOf(REDIS), redis);
  });

  test("a generated secret someone deleted: recovered with its value (the vault's onNameHeld: recover)", async () => {
    const before = valueOf(REDIS)!;
    await deleteRedisSecret();
    const run = await berth("up");
    assert.equal(run.code, 0, said(run));
    assert.equal(valueOf(REDIS), before, "the credential in use came back");
    assert.ok(azure.requests.some((r) => r.service === "keyvault" && r.method === "POST" && r.path.endsWith(`/deletedsecrets/${REDIS}/recover`)));
  });

  test("purge: purged and made anew", async () => {
    const before = valueOf(REDIS)!;
    await deleteRedisSecret();
    const run = await berth("up", "azure.keyVaults.main.onNameHeld=purge");
    assert.equal(run.code, 0, said(run));
    const after = valueOf(REDIS)!;
    values.add(after);
    assert.notEqual(after, before);
  });

  test("fail: blocked in preflight with the dates and the fix, nothing written; purge under purge protection: stopped with the fix to recover", async () => {
    await deleteRedisSecret();
    const writes = azure.writes();
    const failed = await berth("up", "azure.keyVaults.main.onNameHeld=fail");
    assert.equal(failed.code, 2, said(failed));
    assert.match(said(failed), new RegExp(`the name of secret ${REDIS} of Key Vault vaulted-dev-main is held by a deleted secret \\(deleted \\S+, purged by Azure on \\S+\\)`));
    assert.match(said(failed), /set onNameHeld: recover \(keeps the deleted secret's value\) or purge on the vault/);
    assert.equal(azure.writes(), writes);

    // Turning purge protection on in the same run: preflight saw a purgeable deleted secret, Azure refuses the purge.
    const locked = await berth("up", "azure.keyVaults.main.onNameHeld=purge", "azure.keyVaults.main.purgeProtection=true");
    assert.equal(locked.code, 1, said(locked));
    assert.match(said(locked), /the vault has purge protection on, so it can only be recovered; set onNameHeld: recover on the vault/);
    assert.equal(azure.deletedSecrets().length, 1, "still there: only recovery can bring the name back");
  });

  test("no value anywhere: stdout and stderr of every run (errors included), the state folder, the revisions in the cluster", () => {
    assert.ok(values.size >= 5 && runs.length >= 9);
    const texts: { where: string; text: string }[] = runs.flatMap((r, i) => [{ where: `run ${i} stdout`, text: r.stdout }, { where: `run ${i} stderr`, text: r.stderr }]);
    const files = readdirSync(stateDir, { recursive: true, encoding: "utf8" }).map((f) => join(stateDir, f)).filter((f) => statSync(f).isFile());
    assert.ok(files.some((f) => /journal/.test(f)), "the journal is in the state folder");
    for (const f of files) texts.push({ where: f, text: f.endsWith(".gz") ? gunzipSync(readFileSync(f)).toString("utf8") : readFileSync(f, "latin1") });
    const revisions = kube.list("v1", "Secret").filter((s) => s.data?.revision);
    for (const s of revisions) texts.push({ where: `revision ${s.metadata.name}`, text: gunzipSync(Buffer.from(String(s.data!.revision), "base64")).toString("utf8") });
    for (const { where, text } of texts) for (const v of values) assert.ok(!text.includes(v), `a secret value appears in ${where}`);
  });
});
