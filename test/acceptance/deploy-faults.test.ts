/**
 * Faults of reliability.md (F1–F18, those concerning Kubernetes) and the terminal states readiness must name,
 * each against the test API server with the fault injected. The engine runs on the server's virtual clock with its
 * real timeouts, poll intervals and retry policy: a five-minute timeout or a minute of throttling costs no real time,
 * and nothing depends on how loaded the machine is.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { test } from "node:test";
import { up, type UpResult } from "../../src/deploy/up.ts";
import type { DeployTarget } from "../../src/deploy/target.ts";
import type { EngineEvent } from "../../src/engine/events.ts";
import { acquireLease, type LockClock, newHolder } from "../../src/engine/lock.ts";
import { connect } from "../../src/deploy/target.ts";
import { statePaths } from "../../src/engine/state-dir.ts";
import { JournalWriteError, readJournal } from "../../src/engine/journal.ts";
import type { Plan } from "../../src/plan/step.ts";
import type { Fault, Scenario } from "../support/kube-api-server/index.ts";
import { type Cluster, planOf, snapshot, testCluster } from "../support/deploy.ts";
import { tempDir } from "../support/cli.ts";
import { VirtualClock } from "../support/clock.ts";
import type { Clock } from "../../src/util/clock.ts";

const SHOP = "test/fixtures/deploy/shop";
const WEB = { kind: "Deployment", namespace: "shop", name: "web" };

interface Deployed {
  readonly c: Cluster;
  readonly plan: Plan;
  readonly target: DeployTarget;
  readonly events: EngineEvent[];
  readonly result: UpResult;
}

async function deploy(scenario: Scenario, more: Partial<DeployTarget> = {}, plan = planOf(SHOP, "dev")): Promise<Deployed> {
  const c = await testCluster(scenario);
  const target: DeployTarget = { stateDir: c.stateDir, kubeconfig: c.kubeconfig, clock: c.server.clock, ...more };
  const events: EngineEvent[] = [];
  const result = await up(plan, target, { onEvent: (e) => events.push(e), command: "test" });
  return { c, plan, target, events, result };
}

const again = async (d: Deployed, plan = d.plan) => {
  const events: EngineEvent[] = [];
  const result = await up(plan, d.target, { onEvent: (e) => events.push(e), command: "test" });
  return { result, events };
};

const failedStep = (events: EngineEvent[]) => events.find((e): e is Extract<EngineEvent, { type: "step" }> => e.type === "step" && e.state === "failed");
/** berth's own state (its namespace, the Lease, revision Secrets) is not a change to the platform. */
const isState = (r: { method: string; path: string }) => r.path.includes("/namespaces/berth-system/") || (r.method === "POST" && r.path === "/api/v1/namespaces");
const writes = (c: Cluster) => c.server.requests.filter((r) => ["PATCH", "POST", "PUT", "DELETE"].includes(r.method) && !isState(r));

async function terminal(fault: Fault, reason: RegExp, evidence: RegExp) {
  // Were failing fast broken, the step would end as a Timeout after its full (virtual) timeout.
  const d = await deploy({ faults: [fault] });
  try {
    assert.equal(d.result.status, "failed");
    const failed = failedStep(d.events) ?? assert.fail("no step failed");
    assert.match(failed.reason ?? "", reason);
    assert.ok(failed.hint, "a failure comes with what to do");
    assert.match((failed.lines ?? []).join("\n"), evidence);
    assert.notEqual(failed.reason, "Timeout", "failed fast, not by timing out");
    assert.ok(d.events.some((e) => e.type === "step" && e.id === "verify" && e.state === "skipped"), "nothing after a failure runs");
    return failed;
  } finally {
    await d.c.close();
  }
}

test("readiness fails fast with the reason: image pull (with the pod's warning event)", async () => {
  const f = await terminal({ type: "image-pull", object: WEB }, /^ImagePullBackOff$/, /event \w+: .*pull/i);
  assert.match(f.message ?? "", /pod web-.*cannot pull its image/);
});

test("readiness fails fast with the reason: crash loop (with the log tail of the previous run)", async () => {
  await terminal({ type: "crash-loop", object: WEB }, /^CrashLoopBackOff$/, /log of .* \(previous run\):\n\s+\| /);
});

test("readiness fails fast with the reason: OOMKilled", async () => {
  await terminal({ type: "oom", object: WEB }, /^OOMKilled$/, /./);
});

test("readiness fails fast with the reason: failed Job", async () => {
  const plan = planOf(SHOP, "dev");
  const job = plan.steps.find((s) => s.id.includes("Job:shop:migrate"))!;
  const name = job.id.split(":").at(-1) ?? "";
  await terminal({ type: "job-failure", object: { kind: "Job", namespace: "shop", name } }, /BackoffLimitExceeded/, /./);
});

test("readiness fails fast with the reason: rollout past its progress deadline", async () => {
  await terminal({ type: "progress-deadline", object: WEB }, /^ProgressDeadlineExceeded$/, /./);
});

test("F14: a wait that times out says what it was waiting for", async () => {
  const d = await deploy({ faults: [{ type: "never-ready", object: WEB }] });
  try {
    assert.equal(d.result.status, "failed");
    const f = failedStep(d.events)!;
    assert.equal(f.reason, "Timeout");
    const timeout = d.plan.steps.find((s) => s.id === f.id)!.timeoutMs;
    assert.match(f.message ?? "", new RegExp(`^not ready after ${timeout / 1000}s: 0/\\d pods ready`));
  } finally {
    await d.c.close();
  }
});

const notes = (events: EngineEvent[]) => events.filter((e): e is Extract<EngineEvent, { type: "note" }> => e.type === "note").map((e) => e.message);

test("F7/F9: a burst of 12 throttling (429 Retry-After) and 500 answers to the first applies is waited out, each wait shown", async () => {
  const waits: number[] = [];
  const burst: Fault[] = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? { type: "http", match: { method: "PATCH" }, status: 429, count: 1, retryAfterSeconds: 3 } : { type: "http", match: { method: "PATCH" }, status: 500, count: 1 }));
  // Jitter fixed at half, so the sum of the waits (43 s) is known: well inside the Namespace step's 60 s.
  const d = await deploy({ faults: burst }, { retryHooks: { random: () => 0.5, onWait: (w) => waits.push(w.ms) } });
  try {
    assert.equal(d.result.status, "ok", d.result.error);
    assert.equal(d.c.server.requests.filter((r) => r.status === 429 || r.status === 500).length, 12, "the whole burst was answered");
    assert.equal(waits.length, 12, "one wait per throttled or failed answer, more than any fixed count of tries");
    assert.deepEqual(waits, [3_000, 1_000, 3_000, 4_000, 3_000, 5_000, 3_000, 5_000, 3_000, 5_000, 3_000, 5_000], "Retry-After 3 s as asked; the 500s back off");
    const shown = notes(d.events).filter((n) => /the API server answered (429|500).*; trying again in \d/.test(n));
    assert.equal(shown.length, 12, "each wait is shown in the progress");
    assert.ok(shown.some((n) => /429 \(Retry-After 3s\); trying again in [3-9]/.test(n)), shown.join("\n"));
  } finally {
    await d.c.close();
  }
});

test("F7/F9 as measured in issue 9: 10 consecutive 500 answers to datalyptica's first apply no longer fail berth up", async () => {
  const plan = planOf("examples/datalyptica", "dev");
  // Jitter fixed at half: the waits (0.5+1+2+4+5×6 = 37.5 s) fit the Namespace step's 60 s whatever the draw would be.
  const d = await deploy({ faults: [{ type: "http", match: { method: "PATCH" }, status: 500, count: 10 }] }, { retryHooks: { random: () => 0.5 } }, plan);
  try {
    assert.equal(d.result.status, "ok", d.result.error);
    assert.equal(d.c.server.requests.filter((r) => r.status === 500).length, 10);
    assert.equal(notes(d.events).filter((n) => /answered 500; trying again in/.test(n)).length, 10);
  } finally {
    await d.c.close();
  }
});

test("F9: 10 dropped connections in a row to one apply are retried; the object is applied", async () => {
  const d = await deploy({ faults: [{ type: "drop", match: { method: "PATCH", path: /serviceaccounts\/api$/ }, count: 10 }] });
  try {
    assert.equal(d.result.status, "ok", d.result.error);
    assert.equal(d.c.server.requests.filter((r) => r.method === "PATCH" && /serviceaccounts\/api$/.test(r.path)).length, 11);
    assert.equal(notes(d.events).filter((n) => /connection to the API server was lost; trying again/.test(n)).length, 10);
  } finally {
    await d.c.close();
  }
});

test("F7: throttling that outlasts the step's deadline fails the step with the server's answer, after the deadline and not before", async () => {
  const d = await deploy({ faults: [{ type: "http", match: { method: "PATCH", path: /deployments\/web$/ }, status: 429, count: 100_000, retryAfterSeconds: 5 }] });
  try {
    assert.equal(d.result.status, "failed");
    assert.match(d.result.error ?? "", /apply Deployment shop\/web: 429 /);
    const f = failedStep(d.events)!;
    const timeout = d.plan.steps.find((s) => s.id === f.id)!.timeoutMs;
    const tries = d.c.server.requests.filter((r) => r.method === "PATCH" && /deployments\/web$/.test(r.path)).length;
    assert.ok(f.elapsedMs! > timeout - 5_000 && f.elapsedMs! <= timeout, `gave up at ${f.elapsedMs} ms of a ${timeout} ms deadline`);
    assert.ok(tries > 10, `${tries} tries: not a fixed count`);
  } finally {
    await d.c.close();
  }
});

/** The lock's time on the server's virtual clock: renewals fall due as virtual time passes. */
const leaseClock = (clock: Clock): LockClock => ({
  now: () => clock.now(),
  every: (ms, fn) => {
    const stop = new AbortController();
    void (async () => {
      for (;;) {
        await clock.sleep(ms, stop.signal);
        fn();
      }
    })().catch(() => {});
    return () => stop.abort();
  },
});

const WEB_ID = "kubernetes:apps/v1/Deployment:shop:web";
const webPatches = (c: Cluster) => c.server.requests.filter((r) => r.method === "PATCH" && /deployments\/web$/.test(r.path));

test("F7: SIGINT during a retry wait ends the wait at once: no further try, the run is interrupted", async () => {
  const c = await testCluster({ faults: [{ type: "http", match: { method: "PATCH", path: /deployments\/web$/ }, status: 429, count: 100_000, retryAfterSeconds: 5 }] });
  try {
    const abort = new AbortController();
    let abortedAt = 0;
    const result = await up(planOf(SHOP, "dev"), { stateDir: c.stateDir, kubeconfig: c.kubeconfig, clock: c.server.clock }, {
      command: "test",
      signal: abort.signal,
      onEvent: (e) => {
        if (e.type === "note" && e.id === WEB_ID && /trying again in/.test(e.message) && !abort.signal.aborted) {
          abortedAt = c.server.clock.now();
          abort.abort(new Error("SIGINT"));
        }
      },
    });
    assert.equal(result.status, "interrupted", result.error);
    assert.equal(webPatches(c).length, 1, "the 5 s wait was cut short: no second try");
    assert.ok(c.server.clock.now() - abortedAt < 5_000, `the run ended ${c.server.clock.now() - abortedAt} ms after the signal, before the wait would have`);
  } finally {
    await c.close();
  }
});

test("F7: a write retried through throttling is not sent once the lock may have expired (renewals failing): the run stops as locked", async () => {
  const c = await testCluster({
    faults: [
      { type: "http", match: { method: "PATCH", path: /deployments\/web$/ }, status: 429, count: 8, retryAfterSeconds: 5 },
      { type: "http", match: { method: "PUT", path: /\/leases\// }, status: 500, count: 100_000 },
    ],
  });
  try {
    const result = await up(planOf(SHOP, "dev"), { stateDir: c.stateDir, kubeconfig: c.kubeconfig, clock: c.server.clock, lease: { clock: leaseClock(c.server.clock) } }, { command: "test", onEvent: () => {} });
    assert.equal(result.status, "locked", result.error);
    assert.match(result.error ?? "", /lost the lock .*not renewed for \d+s/);
    const tries = webPatches(c);
    assert.ok(tries.length > 1 && tries.length < 9, `${tries.length} tries: retried, then stopped before the burst ended`);
    assert.ok(tries.every((r) => r.status === 429), "no try of web went through after the lease could have expired");
  } finally {
    await c.close();
  }
});

test("berth's own state calls give up after about a lease's duration, not the 5-minute default: a history that cannot be read fails the run before any change", async () => {
  const c = await testCluster({ faults: [{ type: "http", match: { method: "GET", path: /\/namespaces\/berth-system\/secrets$/ }, status: 500, count: 100_000 }] });
  try {
    const started = c.server.clock.now();
    const result = await up(planOf(SHOP, "dev"), { stateDir: c.stateDir, kubeconfig: c.kubeconfig, clock: c.server.clock }, { command: "test", onEvent: () => {} });
    const elapsed = c.server.clock.now() - started;
    assert.equal(result.status, "failed", result.error);
    assert.match(result.error ?? "", /cannot read the history/);
    assert.ok(elapsed >= 20_000 && elapsed < 60_000, `gave up after ${elapsed} ms of virtual time`);
    assert.equal(writes(c).length, 0, "nothing changed");
  } finally {
    await c.close();
  }
});

test("F10: a final answer (403) is not retried and names the object, the operation and the server's message", async () => {
  const d = await deploy({ faults: [{ type: "http", match: { method: "PATCH", path: /deployments\/web$/ }, status: 403, count: 10 }] });
  try {
    assert.equal(d.result.status, "failed");
    assert.match(d.result.error ?? "", /apply Deployment shop\/web: 403 /);
    assert.equal(d.c.server.requests.filter((r) => r.method === "PATCH" && /deployments\/web$/.test(r.path)).length, 1);
  } finally {
    await d.c.close();
  }
});

test("F11: an expired credential (401) is reloaded once and the request retried", async () => {
  const d = await deploy({ faults: [{ type: "unauthorized-once" }] });
  try {
    assert.equal(d.result.status, "ok", d.result.error);
    assert.equal(d.c.server.requests.filter((r) => r.status === 401).length, 1);
  } finally {
    await d.c.close();
  }
});

test("F5: a 409 conflict is re-applied", async () => {
  const d = await deploy({ faults: [{ type: "http", match: { method: "PATCH", path: /configmaps|deployments\/api$/ }, status: 409, count: 1 }] });
  try {
    assert.equal(d.result.status, "ok", d.result.error);
  } finally {
    await d.c.close();
  }
});

test("F12: an unreachable cluster fails before any change, and leaves nothing in the state folder", async () => {
  const c = await testCluster();
  const kubeconfig = c.kubeconfig;
  await c.close();
  const stateDir = tempDir();
  const result = await up(planOf(SHOP, "dev"), { stateDir, kubeconfig, clock: new VirtualClock() }, { onEvent: () => {}, command: "test" });
  assert.equal(result.status, "unreachable");
  assert.match(result.error ?? "", /cannot reach the cluster at http:\/\/127\.0\.0\.1:\d+/);
  const dir = statePaths(stateDir, "shop.dev").dir;
  assert.deepEqual(existsSync(dir) ? readdirSync(dir) : [], []);
});

test("F13 and F3: a cluster lost mid-run leaves the step unknown; the next up resumes and ends as an uninterrupted run", async () => {
  // Dropped until the step's deadline: then the outcome is unknown.
  const d = await deploy({ faults: [{ type: "drop", match: { method: "PATCH", path: /deployments\/web$/ }, count: 100_000 }] });
  try {
    assert.equal(d.result.status, "interrupted");
    d.c.server.setScenario({ readyAfterMs: {} });
    assert.match(d.result.error ?? "", /outcome of "apply Deployment shop\/web" is unknown — run berth up again to resume/);
    const resumed = await again(d);
    assert.equal(resumed.result.status, "ok", resumed.result.error);
    assert.ok(resumed.result.resumed && resumed.result.resumed.done > 0, "finished steps are known");
    assert.ok(resumed.events.some((e) => e.type === "step" && e.state === "verified"), "finished steps are re-verified, not redone");
    const clean = await deploy({});
    try {
      assert.deepEqual(snapshot(d.c.server, "shop.dev"), snapshot(clean.c.server, "shop.dev"));
    } finally {
      await clean.c.close();
    }
  } finally {
    await d.c.close();
  }
});

test("F4: a second run is refused at once, naming the holder", async () => {
  const c = await testCluster();
  try {
    const target: DeployTarget = { stateDir: c.stateDir, kubeconfig: c.kubeconfig, clock: c.server.clock };
    const plan = planOf(SHOP, "dev");
    const held = await acquireLease(connect(plan, target).lease, newHolder("berth up elsewhere --env dev"));
    const result = await up(plan, target, { onEvent: () => {}, command: "test" });
    await held.release();
    assert.equal(result.status, "locked");
    assert.match(result.error ?? "", new RegExp(`berth up elsewhere --env dev \\(pid ${process.pid} on .*lock ${held.holder.id}; Lease berth-system/berth.shop.dev until`));
    assert.equal(writes(c).length, 0, "nothing changed");
    assert.deepEqual(c.server.requests.filter((r) => r.path.endsWith("/leases") && r.method === "POST").map((r) => r.status), [201, 409], "its one try to take the lock was refused by the API server");
  } finally {
    await c.close();
  }
});

test("F6: an object berth does not own blocks the run before any change; --adopt takes it over", async () => {
  const c = await testCluster();
  try {
    c.server.seed({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } });
    c.server.seed({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "web", namespace: "shop", labels: { "app.kubernetes.io/managed-by": "Helm" } } });
    const target: DeployTarget = { stateDir: c.stateDir, kubeconfig: c.kubeconfig, clock: c.server.clock };
    const blocked = await up(planOf(SHOP, "dev"), target, { onEvent: () => {}, command: "test" });
    assert.equal(blocked.status, "blocked");
    assert.deepEqual(blocked.blockers?.map((b) => b.message), ["ServiceAccount shop/web exists and is managed by Helm"]);
    assert.equal(writes(c).length, 0, "nothing changed");
    const adopted = await up(planOf(SHOP, "dev"), { ...target, adopt: true }, { onEvent: () => {}, command: "test" });
    assert.equal(adopted.status, "ok", adopted.error);
    assert.equal(c.server.get("v1", "Namespace", undefined, "shop")?.metadata.annotations?.["berth.dev/adopted"], "true", "the namespace made beforehand is adopted, never to be deleted");
    const live = c.server.get("v1", "Namespace", undefined, "shop")!;
    c.server.seed({ ...live, metadata: { ...live.metadata, annotations: { ...live.metadata.annotations, "berth.dev/applied-digest": "stale" } } });
    const later = await up(planOf(SHOP, "dev"), target, { onEvent: () => {}, command: "test" });
    assert.equal(later.status, "ok", later.error);
    assert.equal(c.server.get("v1", "Namespace", undefined, "shop")?.metadata.annotations?.["berth.dev/adopted"], "true", "and stays marked when applied again");
  } finally {
    await c.close();
  }
});

test("F18: a journal that cannot be written stops the run before the next change", async () => {
  const c = await testCluster();
  try {
    let appends = 0;
    const result = await up(planOf(SHOP, "dev"), { stateDir: c.stateDir, kubeconfig: c.kubeconfig, clock: c.server.clock, concurrency: 1 }, {
      onEvent: () => {},
      command: "test",
      journal: () => ({
        append: () => {
          if (++appends > 4) throw new JournalWriteError("cannot write the journal: ENOSPC: no space left on device");
        },
      }),
    });
    assert.equal(result.status, "failed");
    assert.match(result.error ?? "", /ENOSPC.*stopped before any further change/);
    // run-started, then started/applied of the first step, started of the second: one more mutation at most.
    assert.ok(writes(c).length <= 2, `${writes(c).length} writes`);
  } finally {
    await c.close();
  }
});

test("journal: every step of a run is recorded started → applied → done, and the run as ok", async () => {
  const d = await deploy({});
  try {
    const entries = readJournal(statePaths(d.c.stateDir, "shop.dev").journal);
    for (const s of d.plan.steps.filter((s) => s.action.type === "apply")) {
      const own = entries.filter((e) => e.step === s.id).map((e) => e.event);
      assert.deepEqual(own, ["started", "applied", "done"], s.id);
    }
    assert.deepEqual(entries.at(-1)?.status, "ok");
  } finally {
    await d.c.close();
  }
});

const objectsOf = (plan: Plan) => plan.steps.filter((s) => s.action.type === "apply" || s.action.type === "generate-secret").length;
/** A GET of one named object (not a list, not a watch). */
const singleReads = (c: Cluster, path: RegExp) => c.server.requests.filter((r) => r.method === "GET" && path.test(r.path) && !/watch=/.test(r.query));

test("readiness from watches: at most 3 API requests per object for datalyptica, and waiting does not read objects again", async () => {
  // Fixed costs (discovery, the prune inventory's lists, one list and one watch per kind and namespace) are shared
  // by all objects: the bound is for a platform of realistic size, as the benchmark measures it.
  const d = await deploy({}, {}, planOf("examples/datalyptica", "dev"));
  try {
    assert.equal(d.result.status, "ok", d.result.error);
    const perObject = d.c.server.requests.length / objectsOf(d.plan);
    assert.ok(perObject <= 3, `${d.c.server.requests.length} requests for ${objectsOf(d.plan)} objects = ${perObject.toFixed(2)}`);
    assert.ok(d.c.server.requests.some((r) => /watch=1/.test(r.query) && /allowWatchBookmarks=true/.test(r.query)), "watches with bookmarks");
    assert.equal(singleReads(d.c, /\/deployments\/[^/]+$/).length, 0, "Deployments are judged from their watch");
  } finally {
    await d.c.close();
  }
});

test("a watch that cannot be opened falls back to polling: the run still completes", async () => {
  const d = await deploy({ faults: [{ type: "drop", match: { method: "GET", path: /namespaces\/shop\/deployments$/ }, count: 100_000 }] });
  try {
    assert.equal(d.result.status, "ok", d.result.error);
    assert.ok(singleReads(d.c, /namespaces\/shop\/deployments\/[^/]+$/).length > 0, "the Deployments were read directly");
  } finally {
    await d.c.close();
  }
});
