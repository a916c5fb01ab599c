/**
 * issue 11: `state.backend: azureBlob` through the real CLI — an Azure-only platform (no cluster, no kubeconfig)
 * whose lock, history and journal are in a blob container (Azurite), deployed to the Azure test server. Each state
 * folder stands for a machine: what one machine did, another sees, clears and resumes, because nothing of it is in
 * the folder.
 *
 * Time: the Azure test server's clock moves only when told (VirtualClock auto: false), so the first run stays in
 * the middle of creating its vault — holding the lock — for as long as the test needs; `clock.run()` then lets every
 * operation finish. Nothing waits on a timer: the tests wait on the server's request records and the processes' exits.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import { startAzureApiServer } from "../support/azure-api-server/index.ts";
import type { AzureApiServer, RequestRecord } from "../support/azure-api-server/types.ts";
import { type Azurite, AZURITE_KEY, startAzurite } from "../support/azurite.ts";
import { berthBundle } from "../support/berth-bundle.ts";
import { tempDir } from "../support/cli.ts";
import { VirtualClock } from "../support/clock.ts";
import { azureSets } from "../support/deploy.ts";

const SPEC = "test/fixtures/azure-only";
const CONTAINER = "berth-state";
const VAULT = "Microsoft.KeyVault/vaults";
const CANARY = "canary-7f3a9c1e-not-for-any-blob";

interface Run {
  readonly child: ChildProcess;
  readonly exit: Promise<number>;
  output(): { stdout: string; stderr: string };
}

describe("state in a blob container: two machines, one lock, one history, one journal", () => {
  let azure: AzureApiServer;
  let azurite: Azurite;
  const clock = new VirtualClock({ auto: false });
  const home = tempDir("berth-blob-home-");
  const machine = { a: join(tempDir("berth-blob-a-"), "state"), b: join(tempDir("berth-blob-b-"), "state"), c: join(tempDir("berth-blob-c-"), "state") };
  const outputs: string[] = [];

  before(async () => {
    const servers = Promise.all([
      startAzureApiServer({ clock, retryAfterSeconds: 1, principalReplicationMs: 0, latency: { [VAULT]: 600_000, "Microsoft.ContainerRegistry/registries": 0 } }),
      startAzurite(),
    ]);
    berthBundle(); // built while Azurite starts in its own process
    [azure, azurite] = await servers;
  });
  after(async () => {
    clock.stop();
    await Promise.all([azure?.close(), azurite?.close()]);
  });

  /** `berth <command> test/fixtures/azure-only --env dev` as its own process, from one machine's state folder. */
  const berth = (command: string, stateDir: string, ...args: string[]): Run => {
    const sets = [...azureSets(azure), "state.backend=azureBlob", `state.azureBlob.endpoint=${azurite.endpoint}`, `state.azureBlob.container=${CONTAINER}`];
    const argv = [command, SPEC, "--env", "dev", ...sets.flatMap((s) => ["--set", s]), "--state-dir", stateDir, ...args];
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home, // no kubeconfig and no az sign-in to fall back on
      NODE_EXTRA_CA_CERTS: azure.caPath,
      AZURE_CLIENT_ID: azure.clientId,
      AZURE_TENANT_ID: azure.tenantId,
      AZURE_CLIENT_SECRET: azure.clientSecret,
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      NO_COLOR: "1",
    };
    const child = spawn(process.execPath, [berthBundle(), ...argv], { stdio: ["ignore", "pipe", "pipe"], env });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const exit = new Promise<number>((resolve) => child.on("close", (code, signal) => resolve(code ?? (signal ? -1 : -2))));
    void exit.then(() => outputs.push(stdout, stderr));
    return { child, exit, output: () => ({ stdout, stderr }) };
  };
  const finished = async (run: Run) => ({ code: await run.exit, ...run.output() });

  let first: Run;
  let firstRun = "";

  test("a second machine's up, while the first holds the lock, is refused naming the holder", async () => {
    first = berth("up", machine.a, "--yes", "--json");
    // The vault is accepted and stays in creation (the server's clock stands still): the first run holds the lock.
    await whenRequest(azure, (r) => r.method === "PUT" && r.status === 201 && r.path.includes("/vaults/"));
    const refused = await finished(berth("up", machine.b, "--yes"));
    assert.equal(refused.code, 1, refused.stderr);
    assert.equal(first.child.exitCode, null, "the first run is still going");
    const lock = `blob lease ${azurite.endpoint}/${CONTAINER}/shared.dev/lock`;
    assert.match(
      refused.stderr,
      new RegExp(`berth up locked: another berth run holds the lock: berth up ${SPEC} --env dev \\(pid ${first.child.pid} on [^,]+, user [^,]+, since [^,]+, lock (\\w+); ${escape(lock)} until [^)]+\\)\\. If no run is going on, clear it with: berth unlock ${SPEC} --env dev --force --id \\1`),
    );
    const journal = (await azurite.container(CONTAINER).getAppendBlobClient("shared.dev/journal.jsonl").downloadToBuffer()).toString("utf8");
    const started = JSON.parse(journal.split("\n")[0]!) as { run: string; event: string; revision: number };
    assert.deepEqual([started.event, started.revision], ["run-started", 1], "the first run journals to the container, not to its machine");
    firstRun = started.run;
  });

  test("the first machine's run is killed; its lease stays (fixed, it would expire); unlock --force from another machine breaks it", async () => {
    first.child.kill("SIGKILL");
    assert.equal(await first.exit, -1);
    const lock = await azurite.container(CONTAINER).getBlockBlobClient("shared.dev/lock").getProperties();
    assert.deepEqual([lock.leaseState, lock.leaseDuration], ["leased", "fixed"], "not released, and not forever: the service ends it 30 s after the last renewal");
    const cleared = await finished(berth("unlock", machine.b, "--force"));
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.match(cleared.stdout, new RegExp(`^cleared the lock \\w+ held by berth up ${SPEC} --env dev \\(pid ${first.child.pid} on .*\\); blob lease .*/shared\\.dev/lock broken\\n$`));
    assert.equal((await azurite.container(CONTAINER).getBlockBlobClient("shared.dev/lock").getProperties()).leaseState, "broken");
  });

  test("up on the second machine resumes the killed run from the journal in the container: done steps are not redone", async () => {
    const putsAtKill = putsById(azure.requests);
    clock.run(); // from now on every operation finishes as soon as it is asked about
    const resumed = await finished(berth("up", machine.b, "--yes", "--json"));
    assert.equal(resumed.code, 0, resumed.stderr);
    const result = JSON.parse(resumed.stdout.trim().split("\n").at(-1)!) as { status: string; revision: number; resumed: { run: string; done: number; inFlight: number } | null };
    assert.equal(result.status, "ok");
    assert.equal(result.revision, 2);
    assert.equal(result.resumed?.run, firstRun, "the run of the first machine, read from the blob journal");
    assert.ok(result.resumed.done >= 1 && result.resumed.inFlight >= 1, JSON.stringify(result.resumed));
    const puts = putsById(azure.requests);
    const group = [...putsAtKill.keys()].find((id) => /\/resourcegroups\/[^/]+$/.test(id))!;
    assert.equal(puts.get(group), 1, "the resource group, done before the kill, was not written again");
    assert.equal(azure.resources(VAULT).length, 1);
  });

  test("a third machine sees the same history and status; the killed run's revision is marked interrupted", async () => {
    const [history, status] = await Promise.all([finished(berth("history", machine.c)), finished(berth("status", machine.c))]);
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, /^#1 {2}interrupted .* up .* by .*\n#2 {2}deployed .* up .*\n$/);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /last revision #2: up deployed, .* by /);
  });

  test("no secret value reaches any blob: a credential-like --set is masked in the history, absent from the journal", async () => {
    const tagged = await finished(berth("up", machine.c, "--yes", "--set", `azure.resourceGroups.main.tags.apiToken=${CANARY}`));
    assert.equal(tagged.code, 0, tagged.stderr);
    const blobs = await blobTexts(azurite);
    assert.deepEqual(Object.keys(blobs).sort(), ["shared.dev/journal.jsonl", "shared.dev/lock", "shared.dev/revisions/1.json.gz", "shared.dev/revisions/2.json.gz", "shared.dev/revisions/3.json.gz"]);
    assert.match(blobs["shared.dev/revisions/3.json.gz"]!, /azure\.resourceGroups\.main\.tags\.apiToken=\(masked\)/, "the history says a value was given, not which");
    for (const [name, text] of Object.entries(blobs)) {
      assert.ok(!text.includes(CANARY), `the canary is in ${name}`);
      assert.ok(!text.includes(AZURITE_KEY), `the storage key is in ${name}`);
    }
    for (const text of outputs) assert.ok(!text.includes(AZURITE_KEY), "the storage key was printed");
    assert.deepEqual(Object.values(machine).filter((dir) => existsSync(dir)), [], "no machine's state folder was written");
  });

  test("rollback from another machine deploys the revision before the last again, read from the container", async () => {
    const back = await finished(berth("rollback", machine.a, "--yes", "--json"));
    assert.equal(back.code, 0, back.stderr);
    const result = JSON.parse(back.stdout.trim().split("\n").at(-1)!) as { status: string; revision: number };
    assert.deepEqual([result.status, result.revision], ["ok", 4]);
    const revision = JSON.parse(gunzipSync(await azurite.container(CONTAINER).getBlobClient("shared.dev/revisions/4.json.gz").downloadToBuffer()).toString("utf8")) as { action: string; rollbackOf: number };
    assert.deepEqual([revision.action, revision.rollbackOf], ["rollback", 2]);
  });
});

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Every blob of the state container as text (revisions unzipped), with its metadata. */
async function blobTexts(azurite: Azurite): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const b of azurite.container(CONTAINER).listBlobsFlat({ includeMetadata: true })) {
    const data = await azurite.container(CONTAINER).getBlobClient(b.name).downloadToBuffer();
    out[b.name] = `${JSON.stringify(b.metadata)}\n${(b.name.endsWith(".gz") ? gunzipSync(data) : data).toString("utf8")}`;
  }
  return out;
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

/** Accepted ARM PUTs per resource id (lower-cased). */
function putsById(requests: readonly RequestRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests) {
    if (r.service !== "arm" || r.method !== "PUT" || r.status >= 300) continue;
    const id = r.path.toLowerCase();
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}
