/**
 * berth's state in the cluster: the lock is a Lease (two runs from two state folders, a SIGKILLed holder whose lease
 * expires, a lease lost mid-run, unlock --force) and the history is Secrets any machine reads (--set values, down,
 * retention, no secret value stored).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { up } from "../../src/deploy/up.ts";
import { planFor } from "../../src/index.ts";
import { connect, type DeployTarget } from "../../src/deploy/target.ts";
import { readJournal } from "../../src/engine/journal.ts";
import { acquireLease, newHolder } from "../../src/engine/lock.ts";
import { statePaths } from "../../src/engine/state-dir.ts";
import type { Revision } from "../../src/engine/revisions.ts";
import type { EngineEvent } from "../../src/engine/events.ts";
import { runCli, tempDir } from "../support/cli.ts";
import { steppedLockClock } from "../support/clock.ts";
import { berthProcess } from "../support/process.ts";
import { type Cluster, planOf, testCluster } from "../support/deploy.ts";

const SHOP = "test/fixtures/deploy/shop";
const FAST = { retry: { tries: 5, baseMs: 10, capMs: 100, deadlineMs: 20_000 }, poll: { minMs: 5, maxMs: 50, fraction: 0.125 } };
const LEASE = ["coordination.k8s.io/v1", "Lease", "berth-system", "berth.shop.dev"] as const;

/** berth against the cluster from another state folder (another machine, another CI runner). */
const elsewhere = (c: Cluster, stateDir: string) => (command: string, ...more: string[]) =>
  runCli([command, SHOP, "--env", "dev", "--kubeconfig", c.kubeconfig, "--state-dir", stateDir, ...more]);

/** The revisions as stored: each Secret's body decompressed, nothing taken from berth's own reader. */
const storedRevisions = (c: Cluster): { name: string; labels: Record<string, string>; text: string }[] =>
  c.server
    .list("v1", "Secret")
    .filter((s) => s.metadata.namespace === "berth-system")
    .map((s) => ({ name: s.metadata.name as string, labels: s.metadata.labels as Record<string, string>, text: gunzipSync(Buffer.from(s.data.revision as string, "base64")).toString("utf8") }));

test("two concurrent ups from two state folders: exactly one runs; the other exits non-zero naming the holder and changes nothing", async () => {
  const c = await testCluster();
  try {
    const aDir = join(tempDir(), "a");
    const bDir = join(tempDir(), "b");
    const a = elsewhere(c, aDir);
    const b = elsewhere(c, bDir);
    const [ra, rb] = await Promise.all([a("up", "--yes", "--set", "apps.web.replicas=3"), b("up", "--yes", "--set", "apps.web.replicas=4")]);
    const runs = [ra, rb];
    assert.equal(runs.filter((r) => r.code === 0).length, 1, runs.map((r) => r.stderr).join("\n"));
    const loser = runs.find((r) => r.code !== 0)!;
    const winnerReplicas = ra.code === 0 ? 3 : 4;
    assert.equal(loser.code, 1);
    assert.match(loser.stderr, /berth up locked: another berth run holds the lock: berth up test\/fixtures\/deploy\/shop --env dev \(pid \d+ on [^,]+, user [^,]+, since [^,]+, lock \w+; Lease berth-system\/berth\.shop\.dev until /);
    assert.equal(c.server.get("apps/v1", "Deployment", "shop", "web")?.spec.replicas, winnerReplicas, "the winner's --set is what runs");
    const stored = storedRevisions(c);
    assert.equal(stored.length, 1, "one revision: the loser recorded nothing");
    assert.match(stored[0]!.text, new RegExp(`"set":\\["apps.web.replicas=${winnerReplicas}"\\]`));
    const [winnerDir, loserDir] = ra.code === 0 ? [aDir, bDir] : [bDir, aDir];
    assert.equal(readJournal(statePaths(loserDir, "shop.dev").journal).length, 0, "the loser journaled no run");
    assert.ok(readJournal(statePaths(winnerDir, "shop.dev").journal).some((e) => e.event === "run-finished" && e.status === "ok"));
    assert.equal(c.server.get(...LEASE), undefined, "the winner released the lease");
  } finally {
    await c.close();
  }
});

test("history from a second state folder shows the first's revisions, with --set values and the down; rollback from there too", async () => {
  const c = await testCluster();
  try {
    const first = elsewhere(c, join(tempDir(), "laptop"));
    const second = elsewhere(c, join(tempDir(), "ci"));
    assert.equal((await first("up", "--yes")).code, 0);
    assert.equal((await first("up", "--yes", "--set", "apps.web.replicas=3", "--set", "apps.api.replicas=1")).code, 0);
    const down = await first("down", "--yes");
    assert.equal(down.code, 0, down.stderr);
    const history = await second("history");
    assert.equal(history.code, 0, history.stderr);
    const lines = history.stdout.trim().split("\n");
    assert.equal(lines.length, 3, history.stdout);
    assert.match(lines[0]!, /^#1 {2}deployed +\S+ {2}up +\d+ steps {2}by \S+@\S+ {2}berth up test\/fixtures\/deploy\/shop --env dev$/);
    assert.match(lines[1]!, /^#2 {2}deployed .* --set apps\.web\.replicas=3 --set apps\.api\.replicas=1$/);
    assert.match(lines[2]!, /^#3 {2}removed +\S+ {2}down .*berth down test\/fixtures\/deploy\/shop --env dev$/);
    const json = JSON.parse((await second("history", "--json")).stdout) as (Omit<Revision, "plan"> & { steps: number })[];
    assert.deepEqual(json.map((r) => [r.revision, r.action, r.status, r.env, r.set]), [
      [1, "up", "deployed", "dev", []],
      [2, "up", "deployed", "dev", ["apps.web.replicas=3", "apps.api.replicas=1"]],
      [3, "down", "removed", "dev", []],
    ]);
    assert.ok(json.every((r) => /^sha256:[0-9a-f]{64}$/.test(r.specDigest ?? "") && r.berthVersion === "0.1.0" && r.finishedAt), "spec digest, berth version, end time");
    assert.equal(c.server.get("apps/v1", "Deployment", "shop", "web"), undefined, "down removed it");
    assert.match((await second("status")).stdout, /^last revision #3: down removed, \S+ by \S+@\S+$/m);
    // No --to after a down: back to what the down took away (#2), not the deployed one before it (#1).
    const back = await second("rollback", "--yes");
    assert.equal(back.code, 0, back.stderr);
    assert.equal(c.server.get("apps/v1", "Deployment", "shop", "web")?.spec.replicas, 3, "revision 2 deployed again from the other machine");
    assert.match((await first("history")).stdout, /#4 {2}deployed .*rollback .*--set apps\.web\.replicas=3 --set apps\.api\.replicas=1 {2}\(rollback to #2\)/);
    assert.match((await first("status")).stdout, /^last revision #4: rollback deployed, \S+ by \S+ with --set apps\.web\.replicas=3 --set apps\.api\.replicas=1$/m);
  } finally {
    await c.close();
  }
});

test("retention: --history-max keeps the newest revisions in the cluster and deletes the oldest", async () => {
  const c = await testCluster();
  try {
    const berth = elsewhere(c, join(tempDir(), "s"));
    for (const replicas of [1, 2, 3]) assert.equal((await berth("up", "--yes", "--history-max", "2", "--set", `apps.web.replicas=${replicas}`)).code, 0);
    assert.deepEqual(storedRevisions(c).map((s) => s.name).sort(), ["berth.shop.dev.v2", "berth.shop.dev.v3"]);
    assert.deepEqual(storedRevisions(c).map((s) => [s.labels["berth.dev/state-of"], s.labels["berth.dev/status"]]), [["shop.dev", "deployed"], ["shop.dev", "deployed"]]);
    assert.equal((await berth("up", "--yes")).code, 0, "the default keeps 10");
    assert.equal(storedRevisions(c).length, 3);
    assert.equal((await berth("up", "--yes", "--history-max", "two")).code, 2, "a bad --history-max is bad input");
  } finally {
    await c.close();
  }
});

test("a --set value at a secret-like path is never stored: masked in the revision, scrubbed from its plan, and that revision is not replayed", async () => {
  const c = await testCluster();
  try {
    const berth = elsewhere(c, join(tempDir(), "s"));
    const canary = "canary-5d1e9b7a0c";
    const run = await berth("up", "--yes", "--set", `apps.web.env[API_TOKEN_FILE]=${canary}`);
    assert.equal(run.code, 0, run.stderr);
    const [stored] = storedRevisions(c);
    assert.ok(stored && !stored.text.includes(canary), "the canary is nowhere in the decompressed revision");
    assert.match(stored.text, /"set":\["apps\.web\.env\[API_TOKEN_FILE\]=\(masked\)"\]/);
    assert.ok(!JSON.stringify(c.server.get(...LEASE) ?? {}).includes(canary));
    assert.match((await berth("history")).stdout, /--set apps\.web\.env\[API_TOKEN_FILE\]=\(masked\)/);
    assert.equal((await berth("up", "--yes")).code, 0);
    const refused = await berth("rollback", "--yes", "--to", "1");
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /revision #1 was deployed with secret-like --set values \(apps\.web\.env\[API_TOKEN_FILE\]\) that berth did not store/);
  } finally {
    await c.close();
  }
});


test("a run whose lease is taken away mid-run stops before its next change", async () => {
  const c = await testCluster();
  try {
    const stepped = steppedLockClock();
    const target: DeployTarget = { stateDir: c.stateDir, kubeconfig: c.kubeconfig, ...FAST, concurrency: 1, lease: { clock: stepped.clock } };
    const plan = planOf(SHOP, "dev");
    let cutAt = -1;
    const events: EngineEvent[] = [];
    const result = await up(plan, target, {
      command: "test",
      onEvent: (e) => {
        events.push(e);
        if (cutAt < 0 && e.type === "step" && e.state === "done") {
          // Someone clears the lease (unlock --force elsewhere) and the run's next renewals find it gone.
          cutAt = c.server.requests.length;
          void connect(plan, target).lease.remove();
          stepped.advance(21_000);
        }
      },
    });
    assert.ok(cutAt > 0);
    assert.equal(result.status, "locked");
    assert.match(result.error ?? "", /lost the lock \(Lease berth-system\/berth\.shop\.dev\): (the lease was deleted|not renewed for 21s).*stopped before the next change. Run berth up again to resume/);
    const later = c.server.requests.slice(cutAt).filter((r) => ["PATCH", "POST", "PUT"].includes(r.method) && !r.path.includes("/leases/"));
    assert.deepEqual(later.map((r) => `${r.method} ${r.path}`), [], "no change after the lease was lost");
    const stored = storedRevisions(c);
    assert.equal(JSON.parse(stored[0]!.text).status, "in-progress", "the run that lost the lock does not write history any more");
    const again = await up(plan, { ...target, lease: {} }, { command: "test", onEvent: () => {} });
    assert.equal(again.status, "ok", again.error);
    assert.ok(again.resumed, "the next run resumes");
    assert.deepEqual(storedRevisions(c).map((s) => JSON.parse(s.text).status).sort(), ["deployed", "interrupted"]);
  } finally {
    await c.close();
  }
});

test("unlock --force clears the Lease (only the named holder's with --id); then a run proceeds", async () => {
  const c = await testCluster();
  try {
    const plan = planOf(SHOP, "dev");
    const held = await acquireLease(connect(plan, { stateDir: c.stateDir, kubeconfig: c.kubeconfig }).lease, newHolder("berth up from-a-dead-runner --env dev"));
    const refused = await c.berth("up", SHOP, "dev", "--yes");
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`berth up from-a-dead-runner --env dev .*lock ${held.holder.id}.*berth unlock test/fixtures/deploy/shop --env dev --force --id ${held.holder.id}`, "s"));
    assert.equal((await c.berth("unlock", SHOP, "dev")).code, 2, "--force is required");
    const wrong = await c.berth("unlock", SHOP, "dev", "--force", "--id", "nothere");
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, new RegExp(`the lock is ${held.holder.id}, not nothere; nothing was cleared`));
    assert.ok(c.server.get(...LEASE));
    const cleared = await c.berth("unlock", SHOP, "dev", "--force", "--id", held.holder.id);
    assert.equal(cleared.code, 0);
    assert.match(cleared.stdout, new RegExp(`cleared the lock ${held.holder.id} held by berth up from-a-dead-runner --env dev .*Lease berth-system/berth\\.shop\\.dev deleted`));
    assert.equal(c.server.get(...LEASE), undefined);
    assert.equal((await c.berth("up", SHOP, "dev", "--yes")).code, 0);
    assert.equal((await c.berth("unlock", SHOP, "dev", "--force")).stdout.trim(), "there was no lock");
  } finally {
    await c.close();
  }
});


test("a SIGKILLed holder's lease expires: refused before, then the next run (clock past the lease) proceeds and resumes", async () => {
  // web never becomes ready while the fault stands: the killed run is mid-run by construction, not by a time window.
  const c = await testCluster({ faults: [{ type: "never-ready", object: { kind: "Deployment", namespace: "shop", name: "web" } }] });
  try {
    const journal = statePaths(c.stateDir, "shop.dev").journal;
    const p = berthProcess(["up", SHOP, "--env", "dev", "--kubeconfig", c.kubeconfig, "--state-dir", c.stateDir, "--yes"]);
    const webApplied = () => existsSync(journal) && readJournal(journal).some((e) => e.event === "applied" && e.step === "kubernetes:apps/v1/Deployment:shop:web");
    for (let i = 0; i < 800 && !webApplied(); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(webApplied(), p.output());
    p.child.kill("SIGKILL");
    await p.exit;
    c.server.setScenario({ readyAfterMs: {} });
    const lease = c.server.get(...LEASE);
    assert.ok(lease, "the killed run's lease is still there");
    assert.equal(lease.spec.leaseDurationSeconds, 30);
    assert.match(lease.spec.holderIdentity, /^[^@]+@[^/]+\/\d+\/\w{8}$/);
    const refused = await c.berth("up", SHOP, "dev", "--yes");
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /that process is no longer running, so the lease expires by itself/);
    // Time passes for the next run only: its clock reads 31 s later, past the lease the dead run can no longer renew.
    const plan = planOf(SHOP, "dev");
    const later = steppedLockClock(Date.now() + 31_000).clock;
    const resumed = await up(plan, { stateDir: c.stateDir, kubeconfig: c.kubeconfig, ...FAST, lease: { clock: later } }, { command: "test", onEvent: () => {} });
    assert.equal(resumed.status, "ok", resumed.error);
    assert.ok(resumed.resumed && resumed.resumed.done + resumed.resumed.inFlight > 0, "it resumed the killed run from the journal");
    assert.equal(c.server.get(...LEASE), undefined, "and released the lease it took over");
    const history = (await c.berth("history", SHOP, "dev")).stdout;
    assert.match(history, /^#1 {2}interrupted .*\n#2 {2}deployed /m);
  } finally {
    await c.close();
  }
});

test("an unfinished run in this machine's journal is not resumed over another machine's later deploy: the --set given now is what runs", async () => {
  const c = await testCluster();
  try {
    const WEB = "kubernetes:apps/v1/Deployment:shop:web";
    const plan2 = planFor({ path: SHOP, env: "dev", set: ["apps.web.replicas=2"] }).plan!;
    // Machine A stops (SIGINT) right after web is done: its journal holds an unfinished run that calls web done.
    const abort = new AbortController();
    const first = await up(plan2, { stateDir: c.stateDir, kubeconfig: c.kubeconfig, ...FAST }, {
      command: "test",
      signal: abort.signal,
      onEvent: (e) => {
        if (e.type === "step" && e.id === WEB && e.state === "done") abort.abort(new Error("SIGINT"));
      },
    });
    assert.equal(first.status, "interrupted", first.error);
    // Machine B deploys replicas=4 from its own state folder.
    const b = await elsewhere(c, join(tempDir(), "b"))("up", "--yes", "--set", "apps.web.replicas=4");
    assert.equal(b.code, 0, b.stderr);
    assert.equal(c.server.get("apps/v1", "Deployment", "shop", "web")?.spec.replicas, 4);
    // A runs up again with replicas=2.
    const notes: string[] = [];
    const again = await up(plan2, { stateDir: c.stateDir, kubeconfig: c.kubeconfig, ...FAST }, { command: "test", onEvent: (e) => void (e.type === "note" && notes.push(e.message)) });
    assert.equal(again.status, "ok", again.error);
    assert.equal(again.resumed, undefined, "nothing resumed from the stale journal");
    assert.ok(notes.some((n) => /not resuming run \w+ from the journal: the history holds revision #2, newer than its #1/.test(n)), notes.join("\n"));
    assert.equal(c.server.get("apps/v1", "Deployment", "shop", "web")?.spec.replicas, 2, "the cluster runs what the latest revision says");
  } finally {
    await c.close();
  }
});

test("without the right to take the lock, up says what is missing, exits 1 and changes nothing", async () => {
  const c = await testCluster({ faults: [{ type: "http", match: { method: "POST", path: /\/leases$/ }, status: 403, count: 1 }] });
  try {
    const run = await c.berth("up", SHOP, "dev", "--yes");
    assert.equal(run.code, 1);
    assert.match(run.stderr, /cannot take the lock \(Lease berth-system\/berth\.shop\.dev\): 403 .*berth needs, in its state namespace, get\/create\/update\/delete on leases.*nothing was changed/);
    assert.doesNotMatch(run.stderr, /internal error|at .*\.ts:\d+/);
    assert.equal(c.server.list("apps/v1", "Deployment").length, 0);
  } finally {
    await c.close();
  }
});
