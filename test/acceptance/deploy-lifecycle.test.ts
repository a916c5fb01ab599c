/** Changes over time: plan exit codes, pruning, Jobs re-created, secrets kept, history and rollback, and a real process interrupted by signals. */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { statePaths } from "../../src/engine/state-dir.ts";
import { readJournal } from "../../src/engine/journal.ts";
import { up } from "../../src/deploy/up.ts";
import { planOf, snapshot, testCluster } from "../support/deploy.ts";
import { VirtualClock } from "../support/clock.ts";
import { berthProcess } from "../support/process.ts";

const SHOP = "test/fixtures/deploy/shop";
const SMALLER = "test/fixtures/deploy/shop-smaller";

test("plan: exit 3 with changes pending, 0 when in sync; JSON lists every step with its wave and change", async () => {
  const c = await testCluster();
  try {
    const before = await c.berth("plan", SHOP, "dev", "--json");
    assert.equal(before.code, 3);
    const json = JSON.parse(before.stdout) as { steps: { id: string; wave: number; change: string; needs: string[] }[]; summary: { create: number } };
    assert.equal(json.summary.create, json.steps.filter((s) => s.change === "create").length);
    assert.ok(json.steps.every((s) => s.change === "create" || s.change === "check"));
    assert.equal((await c.berth("up", SHOP, "dev", "--yes")).code, 0);
    const after = await c.berth("plan", SHOP, "dev");
    assert.equal(after.code, 0, after.stdout);
    assert.match(after.stdout, /0 to create, 0 to update, 0 to delete, \d+ unchanged/);
    const changed = await c.berth("plan", SHOP, "dev", "--set", "apps.web.replicas=3");
    assert.equal(changed.code, 3);
    assert.match(changed.stdout, /~ apply Deployment shop\/web {2}\[update\][^\n]*\n {6}\.spec\.replicas: 2 → 3/);
  } finally {
    await c.close();
  }
});

test("prune: what left the spec is shown in the plan, then deleted after the rest is verified", async () => {
  const c = await testCluster();
  try {
    assert.equal((await c.berth("up", SHOP, "dev", "--yes")).code, 0);
    const plan = await c.berth("plan", SMALLER, "dev");
    assert.match(plan.stdout, /after verification, delete \(left the spec\):\n(  - delete .*\n)*  - delete Deployment shop\/api/);
    const run = await c.berth("up", SMALLER, "dev", "--yes", "--json");
    assert.equal(run.code, 0, run.stdout);
    for (const kind of ["Deployment", "Service", "ServiceAccount", "PodDisruptionBudget"]) assert.equal(c.server.list(undefined, kind).some((o) => o.metadata.name === "api"), false, `${kind} api is gone`);
    assert.ok(c.server.get("apps/v1", "Deployment", "shop", "web"), "what stays is kept");
    const events = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string; id?: string; state?: string });
    const verified = events.findIndex((e) => e.id === "verify" && e.state === "done");
    const firstDelete = events.findIndex((e) => e.id?.startsWith("delete:") && e.state === "running");
    assert.ok(verified >= 0 && firstDelete > verified, "deleted only after the replacements are verified");
  } finally {
    await c.close();
  }
});

test("Jobs are immutable: a changed Job of the same name is deleted and created again", async () => {
  const c = await testCluster();
  try {
    const plan = planOf(SHOP, "dev");
    const target = { stateDir: c.stateDir, kubeconfig: c.kubeconfig, clock: c.server.clock, poll: { minMs: 5, maxMs: 50, fraction: 0.125 } };
    assert.equal((await up(plan, target, { onEvent: () => {}, command: "test" })).status, "ok");
    const jobStep = plan.steps.find((s) => s.action.type === "apply" && s.action.object.kind === "Job")!;
    const job = (jobStep.action as { object: { metadata: { name: string } } }).object;
    const uid = c.server.get("batch/v1", "Job", "shop", job.metadata.name)?.metadata.uid;
    const changed = structuredClone(plan) as typeof plan;
    const step = changed.steps.find((s) => s.id === jobStep.id)! as unknown as { digest: string; action: { object: { spec: { template: { metadata: { annotations?: Record<string, string> } } } } } };
    step.action.object.spec.template.metadata.annotations = { "example.com/run": "2" };
    step.digest = "changed-intent";
    const notes: string[] = [];
    const result = await up(changed, target, { onEvent: (e) => e.type === "note" && notes.push(e.message), command: "test" });
    assert.equal(result.status, "ok", result.error);
    assert.ok(notes.some((n) => /Jobs are immutable, deleting it to create it again/.test(n)));
    const now = c.server.get("batch/v1", "Job", "shop", job.metadata.name);
    assert.notEqual(now?.metadata.uid, uid);
    assert.equal(now?.spec.template.metadata.annotations["example.com/run"], "2");
  } finally {
    await c.close();
  }
});

test("generated secrets are created once, copied into every namespace that reads them, and kept by later runs", async () => {
  const c = await testCluster();
  try {
    const plan = planOf("examples/datalyptica", "dev");
    assert.equal((await c.berth("up", "examples/datalyptica", "dev", "--yes")).code, 0);
    const values = () => Object.fromEntries(c.server.list("v1", "Secret").filter((s) => s.metadata.labels?.["berth.dev/generated"] === "true").map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s.data]));
    const first = values();
    const copies = plan.steps.filter((s) => s.action.type === "generate-secret" && s.action.copyFrom);
    assert.ok(copies.length > 0);
    for (const s of copies) {
      const a = s.action as { ref: { name: string; namespace: string }; copyFrom: string };
      assert.deepEqual(first[`${a.ref.namespace}/${a.ref.name}`], first[`${a.copyFrom}/${a.ref.name}`], `copy of ${a.ref.name} equals the owner's`);
    }
    for (const s of plan.steps) {
      if (s.action.type !== "generate-secret") continue;
      const data = first[`${s.action.ref.namespace}/${s.action.ref.name}`] as Record<string, string>;
      for (const key of s.action.keys) {
        const value = Buffer.from(data[key]!, "base64").toString();
        if (s.action.formats?.[key] === "fernet") assert.equal(Buffer.from(value, "base64url").length, 32, `${s.action.ref.name}.${key} is a Fernet key`);
        else assert.match(value, new RegExp(`^[A-Za-z0-9]{${s.action.length}}$`), `${s.action.ref.name}.${key}`);
      }
    }
    assert.equal((await c.berth("up", "examples/datalyptica", "dev", "--yes")).code, 0);
    assert.deepEqual(values(), first, "never overwritten");
  } finally {
    await c.close();
  }
});

test("history and rollback: an earlier revision deployed again is a new revision", async () => {
  const c = await testCluster();
  try {
    assert.equal((await c.berth("up", SHOP, "dev", "--yes")).code, 0);
    assert.equal((await c.berth("up", SHOP, "dev", "--yes", "--set", "apps.web.replicas=3")).code, 0);
    assert.equal(c.server.get("apps/v1", "Deployment", "shop", "web")?.spec.replicas, 3);
    const back = await c.berth("rollback", SHOP, "dev", "--yes");
    assert.equal(back.code, 0, back.stderr);
    assert.equal(c.server.get("apps/v1", "Deployment", "shop", "web")?.spec.replicas, 2);
    const history = await c.berth("history", SHOP, "dev");
    assert.match(history.stdout, /#1 {2}deployed[^\n]*\n#2 {2}deployed[^\n]*\n#3 {2}deployed[^\n]*\(rollback to #1\)/);
    assert.equal((await c.berth("rollback", SHOP, "dev", "--yes", "--to", "9")).code, 2);
  } finally {
    await c.close();
  }
});


/** Until the process has journaled `event` for a step matching `step` (or has ended without): an event, not a time window. */
async function untilJournal(path: string, event: string, step: RegExp, p: ReturnType<typeof berthProcess>): Promise<void> {
  let ended = false;
  void p.exit.then(() => (ended = true));
  while (!(existsSync(path) && readJournal(path).some((e) => e.event === event && step.test(e.step ?? "")))) {
    if (ended) throw new Error(`the process ended without ${event} of ${step} in the journal:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

for (const sig of ["SIGTERM", "SIGINT"] as const)
  test(`F1: ${sig} mid-run stops waiting, journals the step, releases the lock and exits ${sig === "SIGINT" ? 130 : 143}; up resumes`, async () => {
    // Time stands still until the process has been signalled: once a Deployment is applied, the process is certainly
    // waiting for it to become ready.
    const clock = new VirtualClock({ auto: false });
    const c = await testCluster({ clock });
    try {
      const paths = statePaths(c.stateDir, "shop.dev");
      const p = berthProcess(["up", SHOP, "--env", "dev", "--kubeconfig", c.kubeconfig, "--state-dir", c.stateDir, "--yes"]);
      await untilJournal(paths.journal, "applied", /Deployment/, p);
      p.child.kill(sig);
      assert.equal(await p.exit, sig === "SIGINT" ? 130 : 143, p.output());
      assert.equal(c.server.get("coordination.k8s.io/v1", "Lease", "berth-system", "berth.shop.dev"), undefined, "the lock (a Lease) is released");
      assert.ok(readJournal(paths.journal).some((e) => e.event === "interrupted"), "the interrupted steps are journaled");
      clock.run();
      const resumed = await c.berth("up", SHOP, "dev", "--yes");
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(resumed.stderr, /resuming run \w+: \d+ steps finished/);
    } finally {
      await c.close();
    }
  });

test("F2 and F3: after SIGKILL the stale lock is refused with its holder, unlock --force clears it, and the resumed run ends as an uninterrupted one", async () => {
  const clock = new VirtualClock({ auto: false });
  const c = await testCluster({ clock });
  const clean = await testCluster();
  try {
    const paths = statePaths(c.stateDir, "shop.dev");
    const p = berthProcess(["up", SHOP, "--env", "dev", "--kubeconfig", c.kubeconfig, "--state-dir", c.stateDir, "--yes"]);
    await untilJournal(paths.journal, "applied", /Deployment/, p);
    p.child.kill("SIGKILL");
    await p.exit;
    clock.run();
    const refused = await c.berth("up", SHOP, "dev", "--yes");
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /another berth run holds the lock: berth up test\/fixtures\/deploy\/shop --env dev \(pid \d+ .*that process is no longer running.*berth unlock test\/fixtures\/deploy\/shop --env dev --force --id \w+/s);
    const id = /--id (\w+)/.exec(refused.stderr)![1]!;
    assert.equal((await c.berth("unlock", SHOP, "dev", "--force", "--id", id)).code, 0);
    const resumed = await c.berth("up", SHOP, "dev", "--yes");
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal((await clean.berth("up", SHOP, "dev", "--yes")).code, 0);
    assert.deepEqual(snapshot(c.server, "shop.dev"), snapshot(clean.server, "shop.dev"));
  } finally {
    await c.close();
    await clean.close();
  }
});
