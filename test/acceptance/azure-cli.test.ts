/**
 * issue 10, done-when, through the real CLI: `berth` as its own process against the Azure and Kubernetes test
 * servers, signing in through the environment credential chain and trusting the server's certificate through
 * NODE_EXTRA_CA_CERTS — nothing in-process. Both servers run on real time with short latencies (the child cannot
 * share a virtual clock), so each run takes seconds; the tests wait on the servers' request records and berth's
 * --json events, never on a timer.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { berthBundle } from "../support/berth-bundle.ts";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { planFor } from "../../src/index.ts";
import { AZURE_TYPES } from "../../src/resources/azure-types.ts";
import { startAzureApiServer } from "../support/azure-api-server/index.ts";
import { linkWorkloadIdentity } from "../support/workload-identity.ts";
import { armToken, raw } from "../support/azure-api-server/testing.ts";
import type { AzureApiServer, RequestRecord, Scenario } from "../support/azure-api-server/types.ts";
import { tempDir } from "../support/cli.ts";
import { seedUserSecrets } from "../support/deploy.ts";
import { assertGolden } from "../support/golden.ts";
import { type KubeApiServer, startKubeApiServer } from "../support/kube-api-server/index.ts";

const SPEC = "test/fixtures/azure";
const GOLDEN = "test/acceptance/azure-cli";
const FIC = "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials";
const AKS = "Microsoft.ContainerService/managedClusters";
const PG = "Microsoft.DBforPostgreSQL/flexibleServers";
const SQL = "Microsoft.Sql/servers";

interface World {
  readonly azure: AzureApiServer;
  readonly kube: KubeApiServer;
  readonly stateDir: string;
  readonly set: readonly string[];
  readonly home: string;
  close(): Promise<void>;
}

/** Both servers on the system clock; long-running creates take a second or so, so a kill can land mid-create. */
async function world(scenario: Scenario = {}): Promise<World> {
  const kube = await startKubeApiServer({ readyAfterMs: {} });
  const azure = await startAzureApiServer({
    realTime: true,
    retryAfterSeconds: 1,
    principalReplicationMs: 100,
    kubernetes: { server: kube.url },
    ...scenario,
    latency: { [AKS]: 1500, [PG]: 1200, [SQL]: 300, "Microsoft.Sql/servers/databases": 300, "Microsoft.KeyVault/vaults": 100, [FIC]: 0, ...scenario.latency },
  });
  linkWorkloadIdentity(kube, azure);
  const set = [`azure.cloud.resourceManager=${azure.url}`, `azure.cloud.authorityHost=${azure.authorityHost}`, `azure.subscriptionId=${azure.subscriptionId}`, `azure.tenantId=${azure.tenantId}`];
  const planned = planFor({ path: SPEC, env: "dev", set: [...set] });
  assert.ok(planned.plan, JSON.stringify(planned.diagnostics, null, 2));
  seedUserSecrets(kube, planned.plan, "canary-user-secret");
  return {
    azure,
    kube,
    set,
    stateDir: join(tempDir("berth-azure-cli-"), "state"),
    home: tempDir("berth-azure-home-"),
    close: async () => {
      await azure.close();
      await kube.close();
    },
  };
}

interface Run {
  readonly child: ReturnType<typeof spawn>;
  readonly exit: Promise<number>;
  stdout(): string;
  stderr(): string;
}

/** `berth <command> <spec> --env dev --set …` as a child process signed in as the server's service principal. */
function berth(w: World, command: string, ...args: string[]): Run {
  const argv = [command, SPEC, "--env", "dev", ...w.set.flatMap((s) => ["--set", s]), ...args];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: w.home, // no az CLI sign-in to fall back on
    NODE_EXTRA_CA_CERTS: w.azure.caPath,
    AZURE_CLIENT_ID: w.azure.clientId,
    AZURE_TENANT_ID: w.azure.tenantId,
    AZURE_CLIENT_SECRET: w.azure.clientSecret,
    NO_COLOR: "1",
  };
  const child = spawn(process.execPath, [berthBundle(), ...argv], { stdio: ["ignore", "pipe", "pipe"], env });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const exit = new Promise<number>((resolve) => child.on("close", (code, signal) => resolve(code ?? (signal ? -1 : -2))));
  return { child, exit, stdout: () => out, stderr: () => err };
}

async function finished(run: Run): Promise<{ code: number; stdout: string; stderr: string }> {
  const code = await run.exit;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** Resolves when the server has answered a request `match` accepts (already, or later): no polling, no timer. */
function whenRequest(azure: AzureApiServer, match: (r: RequestRecord) => boolean): Promise<RequestRecord> {
  const seen = azure.requests.find(match);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => {
    const records = azure.requests;
    const push = records.push.bind(records);
    records.push = (...items: RequestRecord[]) => {
      const n = push(...items);
      const hit = items.find(match);
      if (hit) {
        records.push = push;
        resolve(hit);
      }
      return n;
    };
  });
}

const pathOf = (r: RequestRecord): string => r.path.split("?")[0]!.toLowerCase();

/** Accepted PUTs per resource id. */
function putsById(requests: readonly RequestRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests) if (r.service === "arm" && r.method === "PUT" && r.status < 300) counts.set(pathOf(r), (counts.get(pathOf(r)) ?? 0) + 1);
  return counts;
}

/** Ports, GUIDs, times and temporary paths vary per run; the rest of the output is the contract. */
function normalised(text: string, w: World): string {
  return text
    .replaceAll(w.stateDir, "<state-dir>")
    .replace(/(https?):\/\/127\.0\.0\.1:\d+/g, "$1://127.0.0.1:<port>")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<guid>")
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, "<time>");
}

/** Every file under a folder, with its text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({ path, text: readFileSync(path, "latin1") }));
}

const ADMIN_PASSWORD = "properties.administratorLoginPassword";

describe("preflight through the CLI: blocked before any ARM write, exit 2, the problem and its fix", { concurrency: true }, () => {
  const cases: { name: string; scenario?: Scenario; set?: string[]; prepare?(w: World): Promise<void> }[] = [
    {
      name: "vault-name-held",
      scenario: { latency: { "Microsoft.KeyVault/vaults": 0 } },
      // purge is the policy, but the deleted vault has purge protection: it can only be recovered.
      set: ["azure.keyVaults.main.onNameHeld=purge"],
      async prepare(w) {
        const group = `/subscriptions/${w.azure.subscriptionId}/resourceGroups/earlier`;
        w.azure.seed({ id: group, type: "Microsoft.Resources/resourceGroups", location: "westeurope" });
        const vault = `${group}/providers/Microsoft.KeyVault/vaults/datasurface-dev-main`;
        w.azure.seed({ id: vault, type: "Microsoft.KeyVault/vaults", location: "westeurope", properties: { tenantId: w.azure.tenantId, sku: { family: "A", name: "standard" }, enablePurgeProtection: true } });
        const deleted = await raw(w.azure, "DELETE", `${vault}?api-version=${AZURE_TYPES["Microsoft.KeyVault/vaults"]!.apiVersion}`, { token: await armToken(w.azure) });
        assert.equal(deleted.status, 200, "deleted at once (no latency for vaults here)");
        assert.equal(w.azure.deletedVaults().length, 1);
      },
    },
    { name: "role-assignment-denied", scenario: { deniedActions: ["Microsoft.Authorization/roleAssignments/write"] } },
    { name: "existing-missing", set: ["azure.registries.main.existing=true", "azure.registries.main.name=sharedregistry"] },
  ];
  for (const c of cases)
    test(c.name, async () => {
      const w = await world(c.scenario);
      try {
        await c.prepare?.(w);
        const writes = w.azure.writes();
        const run = await finished(berth(w, "up", "--yes", "--state-dir", w.stateDir, ...(c.set ?? []).flatMap((s) => ["--set", s])));
        assert.equal(run.code, 2, run.stderr);
        assert.equal(w.azure.writes(), writes, "no ARM write");
        assert.equal(w.kube.requests.filter((r) => r.method !== "GET").length, 0, "nothing written to the cluster");
        assertGolden(join(GOLDEN, `${c.name}.txt`), normalised(`exit ${run.code}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`, w));
      } finally {
        await w.close();
      }
    });
});

describe("a fresh subscription through the CLI: plan, up killed mid-create and resumed, plan, build, down", () => {
  let w: World;
  const outputs: string[] = [];
  let passwords: string[] = [];
  const record = (r: { stdout: string; stderr: string }) => outputs.push(r.stdout, r.stderr);
  before(async () => (w = await world()));
  after(async () => w.close());

  let built = "";

  test("plan shows every Azure resource and every Kubernetes step as a create, values of outputs known after apply (golden); build needs no cloud", async () => {
    built = join(tempDir("berth-azure-build-"), "out");
    const [text, build] = await Promise.all([finished(berth(w, "plan", "--state-dir", w.stateDir)), finished(berth(w, "build", "-o", built))]);
    record(text);
    record(build);
    assert.equal(text.code, 3, `changes pending\n${text.stderr}`);
    assertGolden(join(GOLDEN, "plan-fresh.txt"), normalised(text.stdout, w));
    assert.equal(w.azure.writes(), 0, "plan writes nothing");
    assert.equal(build.code, 0, build.stderr);
    assert.ok(filesUnder(built).length > 0, "build wrote its output");
  });

  test("SIGKILL while the AKS cluster is being created, then up again: each resource created once, the cluster part deployed", async () => {
    const first = berth(w, "up", "--yes", "--json", "--state-dir", w.stateDir);
    const inFlight = await whenRequest(w.azure, (r) => r.method === "PUT" && r.status === 201 && pathOf(r).includes("/managedclusters/"));
    first.child.kill("SIGKILL");
    const cluster = pathOf(inFlight);
    const provisioned = (id: string) => {
      const r = w.azure.resource(id);
      const state = (r?.properties as { provisioningState?: string } | undefined)?.provisioningState;
      return r !== undefined && (state === undefined || state === "Succeeded");
    };
    // Read in the same turn as the kill (the server runs in this process, so nothing can finish in between): no
    // wall-clock window decides it.
    const clusterDoneAtKill = provisioned(cluster);
    assert.equal(await first.exit, -1, "killed");
    record({ stdout: first.stdout(), stderr: first.stderr() });
    assert.ok(!clusterDoneAtKill, "the cluster is still being created when berth dies");
    const putsAtKill = putsById(w.azure.requests);
    const doneAtKill = [...putsAtKill.keys()].filter(provisioned);
    assert.ok(doneAtKill.length >= 5, `resources created before the kill: ${doneAtKill.join(", ")}`);

    const second = await finished(berth(w, "up", "--yes", "--json", "--state-dir", w.stateDir));
    record(second);
    assert.equal(second.code, 0, `${second.stderr}\n${second.stdout.split("\n").slice(-5).join("\n")}`);
    const result = JSON.parse(second.stdout.trim().split("\n").at(-1)!) as { type: string; status: string; resumed: { done: number; inFlight: number } | null };
    assert.deepEqual([result.type, result.status], ["result", "ok"]);
    assert.ok(result.resumed && result.resumed.done >= 5 && result.resumed.inFlight >= 1, `resumed the killed run from its journal (the dead holder's lock taken over): ${JSON.stringify(result.resumed)}`);

    passwords = adminPasswords(w);
    const puts = putsById(w.azure.requests);
    for (const id of doneAtKill) assert.equal(puts.get(id), putsAtKill.get(id), `${id} was done before the kill and written again`);
    assert.equal(puts.get(cluster), 1, "the cluster in flight at the kill was not created twice");
    const planned = planFor({ path: SPEC, env: "dev", set: [...w.set] }).plan!;
    for (const step of planned.steps) {
      // Registrations are the subscription's state, not resources (the server starts with every namespace registered).
      if (step.action.type !== "ensure" || step.action.resource.type === "Microsoft.Resources/providers") continue;
      assert.ok(provisioned(step.action.resource.id.toLowerCase()), `not provisioned: ${step.action.resource.id}`);
    }
    const job = w.kube.list("batch/v1", "Job").find((j) => j.metadata.namespace === "demo");
    assert.ok(job, "the cluster part (the init Job) is deployed into the AKS cluster");
    assert.ok(w.kube.list("v1", "ServiceAccount").some((sa) => sa.metadata.annotations?.["azure.workload.identity/client-id"]), "the ServiceAccount carries the identity's client id");
  });

  test("plan after up: nothing to change, exit 0", async () => {
    const writes = w.azure.writes();
    const json = await finished(berth(w, "plan", "--json", "--state-dir", w.stateDir));
    record(json);
    assert.equal(json.code, 0, `${json.stdout}\n${json.stderr}`);
    const plan = JSON.parse(json.stdout) as { steps: { id: string; change: string }[]; summary: { create: number; update: number; delete: number; unchanged: number; pending: boolean } };
    assert.deepEqual(plan.steps.filter((s) => !["unchanged", "check"].includes(s.change)).map((s) => `${s.change} ${s.id}`), []);
    assert.deepEqual({ ...plan.summary, unchanged: plan.summary.unchanged > 20 }, { create: 0, update: 0, delete: 0, unchanged: true, pending: false });
    assert.equal(w.azure.writes(), writes);
  });

  test("down without a terminal and without --yes is refused, names what holds data, deletes nothing", async () => {
    const writes = w.azure.writes();
    const refused = await finished(berth(w, "down", "--delete-data", "--state-dir", w.stateDir));
    record(refused);
    assert.equal(refused.code, 2, refused.stderr);
    assert.equal(w.azure.writes(), writes, "no ARM write");
    for (const held of ["flexibleServers datasurface-dev-main/datasurface-dev-meta", "servers datasurface-dev-main/datasurface-dev-merge", "vaults datasurface-dev-main/datasurface-dev-main", "registries datasurface-dev-main/datasurfacedevmain", "resourceGroups datasurface-dev-main"])
      assert.ok(refused.stderr.includes(held) || refused.stdout.includes(held), `the refusal names ${held}:\n${refused.stderr}`);
    assertGolden(join(GOLDEN, "down-refused.txt"), normalised(`exit ${refused.code}\n--- stdout\n${refused.stdout}--- stderr\n${refused.stderr}`, w));
  });

  test("the admin passwords appear in no output of any run, no file of the state folder, no file of the build", () => {
    const files = filesUnder(w.stateDir);
    assert.ok(files.some((f) => /journal/.test(f.path)), `the state folder has the journal: ${files.map((f) => f.path).join(", ")}`);
    assertNoPassword(passwords, outputs, "CLI output");
    for (const f of [...files, ...filesUnder(built)]) assertNoPassword(passwords, [f.text], f.path);
  });

  test("down --yes --delete-data removes everything", async () => {
    const gone = await finished(berth(w, "down", "--yes", "--delete-data", "--state-dir", w.stateDir));
    record(gone);
    assert.equal(gone.code, 0, gone.stderr);
    assert.deepEqual(w.azure.resources().map((r) => String(r.id)).filter((id) => !/\/MC_/i.test(id)), []);
    assertNoPassword(passwords, outputs, "CLI output");
  });
});

/** Both servers' admin passwords, as Azure keeps them (write-only: never answered). */
function adminPasswords(w: World): string[] {
  const passwords = [...w.azure.resources(PG), ...w.azure.resources(SQL)].map((s) => w.azure.writeOnly(String(s.id), ADMIN_PASSWORD));
  assert.equal(passwords.filter((p) => typeof p === "string" && p.length >= 12).length, 2, "both servers were created with a password");
  return passwords.map(String);
}

function assertNoPassword(passwords: readonly string[], texts: readonly string[], where: string): void {
  assert.ok(passwords.length > 0);
  for (const p of passwords) for (const t of texts) assert.ok(!t.includes(p), `an admin password appears in ${where}`);
}
