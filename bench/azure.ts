/**
 * npm run bench (Azure part) — `berth up` of a spec with an Azure side against the Azure test server on real time
 * (provisioning latencies are realistic figures ×1/100) and the Kubernetes test server (readiness latencies as
 * bench/deploy.ts has them, not scaled: they are already seconds, not the minutes a real rollout takes). Reports the
 * run's makespan against the critical-path bound of its own plan, and the same resources created one after another in
 * the order of the az CLI walkthrough (seed 003) — what following it by hand costs at best — against that bound.
 * Target (issue 10): makespan ≤ 1.10 × the critical path.
 */
import { join } from "node:path";
import type { DeployTarget } from "../src/deploy/target.ts";
import { up } from "../src/deploy/up.ts";
import type { EngineEvent } from "../src/engine/events.ts";
import { planFor } from "../src/index.ts";
import { criticalPath } from "../src/plan/graph.ts";
import type { Plan, PlanStep } from "../src/plan/step.ts";
import { systemClock } from "../src/util/clock.ts";
import { startAzureApiServer } from "../test/support/azure-api-server/index.ts";
import { linkWorkloadIdentity } from "../test/support/workload-identity.ts";
import { azureProviderFor } from "../test/support/azure-api-server/testing.ts";
import { READY_AFTER_MS, REQUEST_MS } from "./kubernetes-latencies.ts";
import { tempDir } from "../test/support/cli.ts";
import { seedUserSecrets } from "../test/support/deploy.ts";
import { startKubeApiServer } from "../test/support/kube-api-server/index.ts";

/** The spec measured: seed 003's platform, its Azure side and its cluster part in one plan. */
const SPEC = "examples/datasurface-airflow";
const ENV = "dev";

/**
 * Provisioning time per ARM type, ms: real-world figures ×1/100 (AKS 6 min, PostgreSQL 8 min, SQL server 4 min, a
 * private endpoint 2 min…). Types the server answers synchronously (resource groups, identities, role assignments)
 * have no entry: like ARM, it answers their PUT at once.
 */
const LATENCY_MS: Record<string, number> = {
  "Microsoft.ContainerService/managedClusters": 3_600,
  "Microsoft.DBforPostgreSQL/flexibleServers": 4_800,
  "Microsoft.DBforPostgreSQL/flexibleServers/databases": 300,
  "Microsoft.Sql/servers": 2_400,
  "Microsoft.Sql/servers/databases": 1_200,
  "Microsoft.Network/privateEndpoints": 1_200,
  "Microsoft.Network/privateEndpoints/privateDnsZoneGroups": 100,
  "Microsoft.Network/virtualNetworks": 100,
  "Microsoft.Network/virtualNetworks/subnets": 50,
  "Microsoft.Network/privateDnsZones": 300,
  "Microsoft.Network/privateDnsZones/virtualNetworkLinks": 300,
  "Microsoft.KeyVault/vaults": 200,
  "Microsoft.ContainerRegistry/registries": 300,
  /** Answered at once; only holds the identity's lock for this long (settling). */
  "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials": 20,
};
/** Seconds the server sends as Retry-After: polling granularity small against the latencies above (20 ms). */
const RETRY_AFTER_S = 0.02;
/** berth's poll interval where ARM gives no Retry-After (the server always gives one). */
const POLL_INTERVAL_MS = 20;
/** Answered at once: the write's answer is the end of it. */
const SYNCHRONOUS = new Set(["Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials"]);

const TARGET = { makespanOverCriticalPath: 1.1 } as const;

/**
 * Where each resource comes in seed 003 (the az CLI walkthrough), by walkthrough step: a resource it has no command
 * for comes where the walkthrough makes it implicitly (the PostgreSQL DNS zone and link with `az postgres
 * flexible-server create --vnet`), and anything else right after what it needs (a role assignment after its
 * principal and its scope).
 */
const SEED_STEP: Record<string, number> = {
  "Microsoft.Resources/resourceGroups": 1,
  "Microsoft.Network/virtualNetworks": 2,
  "Microsoft.Network/virtualNetworks/subnets": 2,
  "Microsoft.ContainerService/managedClusters": 3,
  "Microsoft.DBforPostgreSQL/flexibleServers": 4,
  "Microsoft.Sql/servers": 5,
  "Microsoft.Sql/servers/databases": 5,
  "Microsoft.Network/privateEndpoints": 5.1,
  "Microsoft.Network/privateEndpoints/privateDnsZoneGroups": 5.1,
  "Microsoft.KeyVault/vaults": 6,
  "Microsoft.DBforPostgreSQL/flexibleServers/databases": 7,
  "Microsoft.ManagedIdentity/userAssignedIdentities": 10,
  "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials": 10.3,
  "Microsoft.ContainerRegistry/registries": 11,
  Namespace: 18,
  Secret: 18,
  ServiceAccount: 21,
  Role: 22,
  RoleBinding: 22,
  Job: 23,
};

const azureTypeOf = (s: PlanStep): string | undefined => (s.action.type === "ensure" ? s.action.resource.type : undefined);
const kindOf = (s: PlanStep): string | undefined => (s.action.type === "apply" ? (s.action.object as { kind: string }).kind : undefined);

/**
 * The least time a step can take: an Azure resource's provisioning latency (ARM answers its PUT, the operation ends
 * that much later; polling adds at most one Retry-After, not counted here), nothing for a synchronous one; other
 * steps as in bench/deploy.ts (readiness latency plus the Kubernetes requests it cannot do without).
 */
const weightOf = (plan: Plan) => {
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  return (id: string): number => {
    const s = byId.get(id) as PlanStep;
    const type = azureTypeOf(s);
    if (type !== undefined) return SYNCHRONOUS.has(type) ? 0 : (LATENCY_MS[type] ?? 0);
    if (s.action.type !== "apply") return (s.action.type === "generate-secret" ? 3 : 1) * REQUEST_MS;
    const o = s.action.object as { kind: string; spec?: { volumeClaimTemplates?: unknown[] } };
    const claims = o.kind === "StatefulSet" && o.spec?.volumeClaimTemplates?.length ? READY_AFTER_MS.PersistentVolumeClaim! : 0;
    return claims + (READY_AFTER_MS[o.kind] ?? 0) + 2 * REQUEST_MS;
  };
};

/** The plan's steps in the walkthrough's order (ties in plan order). */
function seedOrder(plan: Plan): PlanStep[] {
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const at = new Map<string, number>();
  const position = (s: PlanStep): number => {
    const known = at.get(s.id);
    if (known !== undefined) return known;
    const own = SEED_STEP[azureTypeOf(s) ?? kindOf(s) ?? ""] ?? 0;
    const p = Math.max(own, ...s.needs.map((n) => position(byId.get(n)!)));
    at.set(s.id, p);
    return p;
  };
  return plan.steps.map((s, i) => ({ s, i, p: position(s) })).sort((a, b) => a.p - b.p || a.i - b.i).map((x) => x.s);
}

async function measure(concurrency: number) {
  const kube = await startKubeApiServer({ readyAfterMs: READY_AFTER_MS, requestLatencyMs: REQUEST_MS, clock: systemClock });
  const azure = await startAzureApiServer({ realTime: true, kubernetes: { server: kube.url }, latency: LATENCY_MS, retryAfterSeconds: RETRY_AFTER_S });
  linkWorkloadIdentity(kube, azure);
  try {
    const set = [`azure.cloud.resourceManager=${azure.url}`, `azure.cloud.authorityHost=${azure.authorityHost}`, `azure.subscriptionId=${azure.subscriptionId}`, `azure.tenantId=${azure.tenantId}`];
    const planned = planFor({ path: SPEC, env: ENV, set });
    if (!planned.plan) throw new Error(JSON.stringify(planned.diagnostics));
    const plan = planned.plan;
    seedUserSecrets(kube, plan, "bench");
    const provider = azureProviderFor(azure, plan.instance, systemClock, { pollIntervalMs: POLL_INTERVAL_MS });
    const target: DeployTarget = { stateDir: join(tempDir("berth-bench-azure-"), "state"), clock: systemClock, concurrency, providers: { azure: provider } };
    const events: { e: EngineEvent; at: number }[] = [];
    const t0 = performance.now();
    const result = await up(plan, target, { onEvent: (e) => events.push({ e, at: performance.now() }), command: "bench" });
    const total = performance.now() - t0;
    if (result.status !== "ok") throw new Error(`up ${result.status}: ${result.error}\n${JSON.stringify(result.blockers ?? [], null, 2)}`);
    const started = events.find((x) => x.e.type === "run" && x.e.state === "started")!.at;
    const finished = events.find((x) => x.e.type === "run" && x.e.state === "finished")!.at;
    const arm = azure.requests.filter((r) => r.service === "arm").length;
    const tokens = azure.requests.filter((r) => r.service === "entra").length;
    return { plan, makespan: finished - started, total, arm, tokens, kube: kube.requests.length, events };
  } finally {
    await azure.close();
    await kube.close();
  }
}

const short = (id: string) => id.split(":").at(-1) ?? id;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const parallel = await measure(16);
const plan = parallel.plan;
const weight = weightOf(plan);
const bound = criticalPath(plan.steps, weight);
const seed = seedOrder(plan);
const seedSum = seed.reduce((sum, st) => sum + weight(st.id), 0);
const serial = await measure(1);
const ensures = plan.steps.filter((st) => st.action.type === "ensure").length;
console.log(`\nberth up of ${SPEC} (${ENV}) on the Azure test server (real time, latencies ×1/100, Retry-After ${RETRY_AFTER_S * 1000} ms, poll interval ${POLL_INTERVAL_MS} ms) and the Kubernetes test server (readiness as bench/deploy.ts, ${REQUEST_MS} ms per request): ${plan.steps.length} steps, ${ensures} Azure resources`);
console.log(`latencies: ${Object.entries(LATENCY_MS).map(([k, v]) => `${k.split("/").slice(1).join("/")} ${v} ms`).join(", ")}`);
console.log(`critical path of the plan: ${s(bound.ms)} over ${bound.path.length} steps (${bound.path.map((id) => `${short(id)} ${weight(id)} ms`).join(" → ")})`);
console.log(`berth up (16 at a time):  run ${s(parallel.makespan)} = ${(parallel.makespan / bound.ms).toFixed(3)} × critical path; with preflight and reading what exists first ${s(parallel.total)}; ${parallel.arm} ARM requests, ${parallel.tokens} token requests, ${parallel.kube} Kubernetes requests`);
console.log(`one step at a time:       run ${s(serial.makespan)} = ${(serial.makespan / bound.ms).toFixed(3)} × critical path (${(serial.makespan / seedSum).toFixed(3)} × the sum of all steps, ${s(seedSum)})`);
console.log(`seed 003 walkthrough order, one az command after another: ${s(seedSum)} = ${(seedSum / bound.ms).toFixed(3)} × critical path (${seed.map((st) => short(st.id)).join(", ")})`);
const overBound = parallel.makespan / bound.ms;
const verdict = (ok: boolean) => (ok ? "ok" : "OVER TARGET");
console.log(`makespan / critical path (16 at a time): ${overBound.toFixed(3)} (target ≤ ${TARGET.makespanOverCriticalPath.toFixed(2)}: ${verdict(overBound <= TARGET.makespanOverCriticalPath)})`);
if (process.env.BENCH_TIMELINE) {
  const t0 = parallel.events.find((x) => x.e.type === "run" && x.e.state === "started")!.at;
  for (const { e, at } of parallel.events) if (e.type === "step") console.log(`${((at - t0) / 1000).toFixed(3)} ${e.state} ${short(e.id)}`);
}
