/**
 * issue 12 done-when, through the real CLI: `berth up examples/databricks-devops` against the Azure and Databricks
 * test servers (linked: the workspaces ARM creates live on the Databricks server, which accepts the Azure server's
 * Entra tokens and role assignments). Each environment's service principal is a client of the Azure server whose
 * tenant, id and secret the test sets in that environment's own vault, as seed 001's README has you do; its secret
 * carries a canary that must appear nowhere berth writes.
 *
 * Time: both servers on real time with no latencies, so nothing waits; the one kill is timed by the server telling
 * the test it has applied a create and is holding the answer.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { systemClock } from "../../src/util/clock.ts";
import type { AzureApiServer } from "../support/azure-api-server/types.ts";
import { berthBundle } from "../support/berth-bundle.ts";
import { tempDir } from "../support/cli.ts";
import type { DatabricksApiServer } from "../support/databricks-api-server/types.ts";
import { raw, startLinkedServers } from "../support/databricks-api-server/testing.ts";
import { azureSets, seedExisting } from "../support/deploy.ts";
import { planFor } from "../../src/index.ts";
import type { Plan } from "../../src/plan/step.ts";

const EXAMPLE = "examples/databricks-devops";
const CANARY = "CANARY-sp-5ecr3t-9d1f";
const ENVS = ["dev", "qa", "prod"] as const;
type Env = (typeof ENVS)[number];
const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";

const planOf = (path: string, env: string, set: readonly string[]): Plan => {
  const r = planFor({ path, env, set });
  assert.ok(r.plan, JSON.stringify(r.diagnostics));
  return r.plan;
};

interface Run {
  readonly child: ChildProcess;
  readonly exit: Promise<{ code: number; stdout: string; stderr: string }>;
}

/** berth as its own process, signed in to the Azure test server as `deployer` and trusting its certificate. */
function spawnBerth(azure: AzureApiServer, deployer: { clientId: string; clientSecret: string }, argv: readonly string[], home = tempDir("berth-dbx-home-")): Run {
  const child = spawn(process.execPath, [berthBundle(), ...argv], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH, HOME: home, NODE_EXTRA_CA_CERTS: azure.caPath, AZURE_CLIENT_ID: deployer.clientId, AZURE_TENANT_ID: azure.tenantId, AZURE_CLIENT_SECRET: deployer.clientSecret, NO_COLOR: "1" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const exit = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => child.on("close", (code, signal) => resolve({ code: code ?? (signal ? -1 : -2), stdout, stderr })));
  return { child, exit };
}

describe("databricks-devops: seed 001 deployed by berth up, per environment", () => {
  let azure: AzureApiServer;
  let dbx: DatabricksApiServer;
  let close: () => Promise<void>;
  const home = tempDir("berth-dbx-home-");
  const stateDir = join(tempDir("berth-dbx-"), "state");
  const said: string[] = [];
  const deployer = { clientId: randomUUID(), clientSecret: `deployer-${randomUUID()}`, objectId: randomUUID() };
  const sp = Object.fromEntries(ENVS.map((e) => [e, { clientId: randomUUID(), clientSecret: `${CANARY}-${e}-${randomUUID()}`, objectId: randomUUID() }])) as Record<Env, { clientId: string; clientSecret: string; objectId: string }>;

  before(async () => {
    berthBundle();
    ({ azure, databricks: dbx, close } = await startLinkedServers({ realTime: true, clock: systemClock, clients: [deployer, ...ENVS.map((e) => sp[e])] }, { realTime: true, clock: systemClock }));
    for (const env of ENVS) {
      // Seed 001's setup: each environment's service principal is Contributor on its resource group, and its
      // credentials are set in that environment's vault (stored the moment berth has created the vault).
      const scope = `/subscriptions/${azure.subscriptionId}/resourceGroups/myproject-work-${env}`;
      azure.seed({ id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`, type: "Microsoft.Authorization/roleAssignments", properties: { scope, principalId: sp[env].objectId, roleDefinitionId: `/subscriptions/${azure.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}` } });
      azure.setUserSecrets(`myproject-kv-${env}`, { "databricks-dev-ops-tenant-id": azure.tenantId, "databricks-dev-ops-client-id": sp[env].clientId, "databricks-dev-ops-client-secret": sp[env].clientSecret });
    }
  });
  after(async () => close?.());

  const berth = (command: string, env: Env, ...args: string[]): Run => {
    const started = spawnBerth(azure, deployer, [command, EXAMPLE, "--env", env, ...azureSets(azure).flatMap((s) => ["--set", s]), "--state-dir", stateDir, ...args], home);
    void started.exit.then((r) => said.push(r.stdout, r.stderr));
    return started;
  };
  const run = (command: string, env: Env, ...args: string[]) => berth(command, env, ...args).exit;
  const ok = async (command: string, env: Env, ...args: string[]) => {
    const r = await run(command, env, ...args);
    assert.equal(r.code, 0, `berth ${command} --env ${env} ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
    return r;
  };

  const workspaceOf = (env: Env) => {
    const ws = azure.resources("Microsoft.Databricks/workspaces").find((w) => w.name === `myproject-databricks-${env}`);
    assert.ok(ws, `the ${env} workspace exists`);
    return dbx.workspace(String(ws.properties.workspaceUrl).split("/ws/")[1]!);
  };
  const writesTo = (env: Env) => dbx.requests.filter((r) => r.write && r.workspace === workspaceOf(env).id);

  test("dev: one up creates the workspace, the vault and every artifact, in seed 001's order", async () => {
    await ok("up", "dev", "--yes");
    const ws = workspaceOf("dev");
    assert.deepEqual(ws.addedUsers().map((u) => u.principal), [sp.dev.clientId], "signed in as dev's service principal, let in by Contributor on the workspace");
    const clusters = ws.clusters();
    assert.deepEqual(clusters.map((c) => [c.cluster_name, c.state]).sort(), [["dev-analytics", "TERMINATED"], ["dev-etl", "TERMINATED"]], "both clusters made, then stopped");
    const etl = clusters.find((c) => c.cluster_name === "dev-etl")!;
    assert.deepEqual(etl.custom_tags?.["berth.key"], "etl");
    assert.deepEqual(
      (etl.init_scripts as { workspace: { destination: string } }[]).map((s) => s.workspace.destination),
      ["/Shared/berth/myproject/dev/init-scripts/install-libraries.sh", "/Shared/berth/myproject/dev/init-scripts/configure-logging.sh"],
    );
    const jobs = ws.jobs();
    assert.equal(jobs.length, 1);
    const tasks = jobs[0]!.settings.tasks as { existing_cluster_id: string; notebook_task: { notebook_path: string } }[];
    assert.deepEqual(tasks.map((t) => t.existing_cluster_id), [etl.cluster_id, etl.cluster_id], "the job names the cluster by the id berth filled in");
    assert.deepEqual(jobs[0]!.settings.schedule?.pause_status, "PAUSED", "paused outside production");
    for (const path of ["/Shared/MyProject/01-ingest", "/Shared/MyProject/02-aggregate", "/Shared/MyProject/helpers/quality"]) assert.equal(ws.object(path)?.object_type, "NOTEBOOK", path);
    assert.equal(ws.object("/Shared/MyProject/README.md")?.object_type, "FILE");
    assert.deepEqual(ws.scopes().map((s) => [s.name, s.backend_type]), [["dev-myproject", "AZURE_KEYVAULT"]]);

    // The order of the first write of each kind.
    const writes = writesTo("dev").filter((r) => r.status < 300);
    const first = (test: (path: string) => boolean) => writes.findIndex((r) => test(r.path));
    const order = [
      first((p) => /workspace\/import/.test(p) && writes.some((w) => w.path === p)) /* init scripts are the first imports */,
      first((p) => /clusters\/create/.test(p)),
      first((p) => /jobs\/create/.test(p)),
      first((p) => /permissions\//.test(p)),
      first((p) => /clusters\/delete/.test(p)),
    ];
    assert.ok(order.every((i) => i >= 0), `every kind was written: ${JSON.stringify(order)}`);
    assert.deepEqual([...order].sort((a, b) => a - b), order, `init scripts → clusters → jobs → permissions → clusters stopped: ${JSON.stringify(order)}`);
    const notebookImport = writes.findIndex((r) => /workspace\/import/.test(r.path) && writes.indexOf(r) > order[1]!);
    assert.ok(notebookImport > order[1]! && notebookImport < order[2]!, "notebooks after clusters, before the job");
  });

  test("dev: a second up makes no Databricks write at all", async () => {
    const before = writesTo("dev").length;
    const r = await ok("up", "dev", "--yes");
    assert.equal(writesTo("dev").length, before, `no write: ${JSON.stringify(writesTo("dev").slice(before))}\n${r.stdout}`);
  });

  test("dev: an edit made in the workspace is shown as drift, apart from the spec's changes, and put back", async () => {
    const ws = workspaceOf("dev");
    const job = ws.jobs()[0]!;
    // Someone raises the job's concurrency in the workspace UI.
    const token = dbx.createPat(ws.id, "someone@example.com");
    const edit = await raw(dbx, "POST", `/ws/${ws.id}/api/2.2/jobs/update`, { token, body: { job_id: job.job_id, new_settings: { max_concurrent_runs: 5 } } });
    assert.equal(edit.status, 200, JSON.stringify(edit.body));
    const plan = await run("plan", "dev");
    assert.equal(plan.code, 3, plan.stdout + plan.stderr);
    assert.match(plan.stdout, /deploy job nightly[^\n]*\[update\][\s\S]*changed remotely since berth wrote it[^\n]*\n\s+[^\n]*max_concurrent_runs: 5 → 1/, plan.stdout);
    await ok("up", "dev", "--yes");
    assert.equal(workspaceOf("dev").job(job.job_id)?.settings.max_concurrent_runs, 1, "put back as the spec says");
  });

  test("dev: renaming the job in the spec updates the same job id", async () => {
    const id = workspaceOf("dev").jobs()[0]!.job_id;
    await ok("up", "dev", "--yes", "--set", "databricks.jobs.nightly.name=dev-nightly-etl");
    const jobs = workspaceOf("dev").jobs();
    assert.deepEqual(jobs.map((j) => [j.job_id, j.settings.name]), [[id, "dev-nightly-etl"]]);
  });

  test("qa: SIGKILL between the job's create and its journal entry, then up: no duplicate", async () => {
    let held: () => void = () => {};
    const onHold = new Promise<void>((resolve) => (held = resolve));
    dbx.addFault({ match: { method: "POST", path: /\/jobs\/create$/ }, after: true, hold: true, onHold: () => held() });
    const killed = berth("up", "qa", "--yes");
    await Promise.race([onHold, killed.exit.then((r) => assert.fail(`berth ended before the create was held:\n${r.stdout}\n${r.stderr}`))]);
    killed.child.kill("SIGKILL");
    assert.equal((await killed.exit).code, -1);
    assert.equal(workspaceOf("qa").jobs().length, 1, "the create happened");
    await ok("up", "qa", "--yes");
    const jobs = workspaceOf("qa").jobs();
    assert.equal(jobs.length, 1, `still one job: ${JSON.stringify(jobs.map((j) => j.job_id))}`);
    assert.equal(jobs[0]!.settings.name, "nightly", "qa names have no prefix");
  });

  test("qa and prod: their own workspaces, signed in with their own service principals from their own vaults", async () => {
    // qa smoke-runs its job whenever berth changes it: the run's result and page are in the step's message.
    const smoke = await ok("up", "qa", "--yes", "--set", "databricks.jobs.nightly.timeout_seconds=3600");
    assert.match(smoke.stderr, /deploy job nightly[^\n]*updated[^\n]*SUCCESS[^\n]*https:\/\/[^\s]+#job\/\d+\/run\/\d+/, smoke.stderr);
    assert.equal(workspaceOf("qa").runs().length, 1, "one smoke run");
    await ok("up", "prod", "--yes");
    for (const env of ["qa", "prod"] as const) {
      const ws = workspaceOf(env);
      assert.deepEqual(ws.addedUsers().map((u) => u.principal), [sp[env].clientId], `${env} signed in as its own principal`);
      assert.equal(ws.jobs().length, 1);
      assert.equal(ws.clusters().length, 2);
    }
    assert.notEqual(workspaceOf("qa").id, workspaceOf("prod").id);
    assert.equal(workspaceOf("prod").jobs()[0]!.settings.schedule?.pause_status, "UNPAUSED", "prod's schedule runs");
    assert.deepEqual(workspaceOf("prod").clusters().find((c) => c.cluster_name === "etl")?.autoscale, { min_workers: 2, max_workers: 8 });
  });

  test("prod: the plan of an edit that would restart a running cluster says so", async () => {
    await ok("up", "prod", "--yes", "--set", "databricks.clusters.analytics.state=running");
    const analytics = workspaceOf("prod").clusters().find((c) => c.cluster_name === "analytics")!;
    assert.equal(analytics.state, "RUNNING");
    const plan = await run("plan", "prod", "--set", "databricks.clusters.analytics.state=running", "--set", "databricks.clusters.analytics.spark_conf[spark.sql.shuffle.partitions]=64");
    assert.equal(plan.code, 3, `changes pending\n${plan.stdout}\n${plan.stderr}`);
    assert.match(plan.stdout, /deploy cluster analytics[^\n]*\[update\][\s\S]*spark_conf[\s\S]*! the running cluster restarts/, plan.stdout);
    const resize = await run("plan", "prod", "--set", "databricks.clusters.analytics.state=running", "--set", "databricks.clusters.analytics.autoscale.max_workers=3");
    assert.doesNotMatch(resize.stdout, /restarts/, "a worker-count change resizes instead");
  });

  test("prod: what leaves the spec is pruned — the job found by its tag, the scope and the notebooks through the history", async () => {
    const before = workspaceOf("prod");
    assert.deepEqual([before.jobs().length, before.scopes().length], [1, 1]);
    await ok("up", "prod", "--yes", "--set", "databricks.jobs.nightly=null", "--set", "databricks.secretScopes.myproject=null", "--set", "databricks.notebooks.myproject.source=notebooks/helpers");
    const ws = workspaceOf("prod");
    assert.deepEqual([ws.jobs().length, ws.scopes().length, ws.clusters().length], [0, 0, 2], "job and scope pruned, clusters kept");
    assert.equal(ws.object("/Shared/MyProject/01-ingest"), undefined, "a notebook that left the folder is deleted");
    assert.equal(ws.object("/Shared/MyProject/quality")?.object_type, "NOTEBOOK");
  });

  test("down removes it all after confirmation; the service principal's secret is nowhere", async () => {
    const refused = await run("down", "dev");
    assert.notEqual(refused.code, 0, "down asks first: no terminal, no --yes, nothing removed");
    assert.equal(workspaceOf("dev").jobs().length, 1);
    await ok("down", "dev", "--yes");
    const ws = workspaceOf("dev");
    assert.deepEqual([ws.jobs().length, ws.clusters().length, ws.scopes().length], [0, 0, 0]);
    assert.equal(ws.object("/Shared/MyProject"), undefined, "the notebooks folder is gone");
    assert.equal(ws.object("/Shared/berth/myproject/dev/init-scripts/install-libraries.sh"), undefined, "the init scripts are gone");

    for (const text of said) assert.ok(!text.includes(CANARY), "no output shows a service principal secret");
    const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
    for (const f of files(stateDir)) assert.ok(!readFileSync(f).toString("latin1").includes(CANARY), `${f} holds no service principal secret`);
  });
});

describe("databricks-devops: the first up of a new environment, before its service principal is in the vault", () => {
  test("makes the workspace and the vault, then stops at the missing secrets with the commands to set them; nothing reaches Databricks", async () => {
    const deployer = { clientId: randomUUID(), clientSecret: `deployer-${randomUUID()}`, objectId: randomUUID() };
    const { azure, databricks, close } = await startLinkedServers({ realTime: true, clock: systemClock, clients: [deployer] }, { realTime: true, clock: systemClock });
    try {
      const r = await spawnBerth(azure, deployer, ["up", EXAMPLE, "--env", "qa", ...azureSets(azure).flatMap((s) => ["--set", s]), "--state-dir", join(tempDir("berth-dbx-new-"), "state"), "--yes"]).exit;
      const [code, out] = [r.code, r.stdout + r.stderr];
      assert.equal(code, 1, out);
      assert.equal(azure.resources("Microsoft.KeyVault/vaults").length, 1, "the vault is made, so the secrets can be set");
      for (const name of ["databricks-dev-ops-tenant-id", "databricks-dev-ops-client-id", "databricks-dev-ops-client-secret"])
        assert.match(out, new RegExp(`az keyvault secret set --vault-name myproject-kv-qa --name ${name}`), `says how to set ${name}`);
      assert.deepEqual(databricks.requests.filter((r) => r.write), [], "nothing was sent to Databricks");
    } finally {
      await close();
    }
  });
});

describe("databricks-devops with IT's vault (existing: true): berth reads it and never grants itself anything on it", () => {
  test("a deploying principal without a role on that vault is told which role to ask for, on which vault", async () => {
    const deployer = { clientId: randomUUID(), clientSecret: `deployer-${randomUUID()}`, objectId: randomUUID() };
    const { azure, databricks, close } = await startLinkedServers({ realTime: true, clock: systemClock, clients: [deployer] }, { realTime: true, clock: systemClock });
    try {
      const set = [...azureSets(azure), "azure.keyVaults.kv.existing=true", "azure.keyVaults.kv.name=it-vault"];
      const plan = planOf(EXAMPLE, "dev", set);
      assert.ok(!plan.steps.some((s) => s.title.startsWith("grant the deploying principal")), "no grant on a vault berth does not own");
      seedExisting(azure, plan);
      azure.setUserSecrets("it-vault", { "databricks-dev-ops-tenant-id": azure.tenantId, "databricks-dev-ops-client-id": randomUUID(), "databricks-dev-ops-client-secret": `${CANARY}-it` });
      const r = await spawnBerth(azure, deployer, ["up", EXAMPLE, "--env", "dev", ...set.flatMap((s) => ["--set", s]), "--state-dir", join(tempDir("berth-dbx-it-"), "state"), "--yes"]).exit;
      const [code, out] = [r.code, r.stdout + r.stderr];
      assert.equal(code, 1, out);
      const vaultId = plan.steps.find((s) => s.action.type === "ensure" && s.action.resource.type === "Microsoft.KeyVault/vaults")!.id;
      assert.ok(vaultId.endsWith(":it-vault"), vaultId);
      assert.match(out, /may not read secret databricks-dev-ops-\S+ of Key Vault it-vault \(403\)/, out);
      assert.match(out, /az role assignment create --role "Key Vault Secrets User" --assignee <object id> --scope \/subscriptions\/[^/]+\/resourceGroups\/myproject-work-dev\/providers\/Microsoft\.KeyVault\/vaults\/it-vault/, out);
      assert.ok(!out.includes(CANARY), "the secret is not shown");
      assert.deepEqual(databricks.requests.filter((r) => r.write), [], "nothing was sent to Databricks");
    } finally {
      await close();
    }
  });
});
