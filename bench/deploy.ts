/**
 * npm run bench (deploy part) — `berth up` of the datalyptica example against the Kubernetes test API server with
 * realistic per-kind readiness latencies and request latency. Reports the run's makespan against the critical-path
 * bound of its own plan (no scheduler can finish sooner), the same for a one-step-at-a-time run, and API requests per
 * object. Both runs are measured here, side by side. Targets (issue 9): ≤ 3 API requests per object and a makespan
 * ≤ 1.10 × the critical path, for the concurrent run (the one-step-at-a-time run is the baseline, not judged).
 */
import { up } from "../src/deploy/up.ts";
import type { EngineEvent } from "../src/engine/events.ts";
import { criticalPath } from "../src/plan/graph.ts";
import type { Plan, PlanStep } from "../src/plan/step.ts";
import { systemClock } from "../src/util/clock.ts";
import { planOf, testCluster } from "../test/support/deploy.ts";
import { READY_AFTER_MS, REQUEST_MS } from "./kubernetes-latencies.ts";

const TARGET = { requestsPerObject: 3, makespanOverCriticalPath: 1.1 } as const;

/**
 * The least time a step can take: its object's readiness latency (a StatefulSet's pods start once the claims of
 * its volume templates are bound) plus the requests it cannot do without: change and look (apply), look, create and
 * look (generated secret), look (checks).
 */
const weightOf = (plan: Plan) => {
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  return (id: string): number => {
    const s = byId.get(id) as PlanStep;
    if (s.action.type !== "apply") return (s.action.type === "generate-secret" ? 3 : 1) * REQUEST_MS;
    const o = s.action.object as { kind: string; spec?: { volumeClaimTemplates?: unknown[] } };
    const claims = o.kind === "StatefulSet" && o.spec?.volumeClaimTemplates?.length ? READY_AFTER_MS.PersistentVolumeClaim! : 0;
    return claims + (READY_AFTER_MS[o.kind] ?? 0) + 2 * REQUEST_MS;
  };
};

async function measure(plan: Plan, concurrency: number) {
  // Real time here (tests run on virtual time): the makespan is measured, request latency is real.
  const c = await testCluster({ readyAfterMs: READY_AFTER_MS, requestLatencyMs: REQUEST_MS, clock: systemClock });
  try {
    const events: { e: EngineEvent; at: number }[] = [];
    const t0 = performance.now();
    const result = await up(plan, { stateDir: c.stateDir, kubeconfig: c.kubeconfig, concurrency }, { onEvent: (e) => events.push({ e, at: performance.now() }), command: "bench" });
    const total = performance.now() - t0;
    if (result.status !== "ok") throw new Error(`up ${result.status}: ${result.error}`);
    const started = events.find((x) => x.e.type === "run" && x.e.state === "started")!.at;
    const finished = events.find((x) => x.e.type === "run" && x.e.state === "finished")!.at;
    const objects = plan.steps.filter((s) => s.action.type === "apply" || s.action.type === "generate-secret").length;
    return { makespan: finished - started, total, requests: c.server.requests.length, objects };
  } finally {
    await c.close();
  }
}

const plan = planOf("examples/datalyptica", "dev");
const weight = weightOf(plan);
const bound = criticalPath(plan.steps, weight);
const serialBound = plan.steps.reduce((sum, s) => sum + weight(s.id), 0);
const parallel = await measure(plan, 16);
const serial = await measure(plan, 1);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`\nberth up of examples/datalyptica (dev) on the test API server: ${plan.steps.length} steps, ${parallel.objects} objects; readiness ${Object.entries(READY_AFTER_MS).map(([k, v]) => `${k} ${v} ms`).join(", ")}; ${REQUEST_MS} ms per request`);
console.log(`critical path of the plan: ${s(bound.ms)} over ${bound.path.length} steps (${bound.path.map((id) => id.split(":").slice(1).join(":") || id).join(" → ")})`);
console.log(`berth up (16 at a time):  run ${s(parallel.makespan)} = ${(parallel.makespan / bound.ms).toFixed(3)} × critical path; with reading the cluster first ${s(parallel.total)}; ${parallel.requests} requests = ${(parallel.requests / parallel.objects).toFixed(1)} per object`);
console.log(`one step at a time:       run ${s(serial.makespan)} = ${(serial.makespan / bound.ms).toFixed(3)} × critical path (${(serial.makespan / serialBound).toFixed(3)} × the sum of all steps, ${s(serialBound)}); ${serial.requests} requests = ${(serial.requests / serial.objects).toFixed(1)} per object`);
const verdict = (ok: boolean) => (ok ? "ok" : "OVER TARGET");
const perObject = parallel.requests / parallel.objects;
const overBound = parallel.makespan / bound.ms;
console.log(`requests per object (16 at a time): ${perObject.toFixed(2)} (target ≤ ${TARGET.requestsPerObject}: ${verdict(perObject <= TARGET.requestsPerObject)})`);
console.log(`makespan / critical path (16 at a time): ${overBound.toFixed(3)} (target ≤ ${TARGET.makespanOverCriticalPath.toFixed(2)}: ${verdict(overBound <= TARGET.makespanOverCriticalPath)})`);
