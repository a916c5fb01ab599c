/**
 * The provider-neutral core with a second provider (an in-memory fake cloud, test/support/fake-cloud.ts): needs from
 * output tokens and from the cluster step, `(known after apply)` in the plan, outputs substituted, journaled and
 * found again after a resume, and up / second up / down with no Kubernetes connection at all.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { planText } from "../cli/render-plan.ts";
import { readJournal } from "../engine/journal.ts";
import { runSteps } from "../engine/run-steps.ts";
import { buildPlan, ENGINE_PROVIDER, UnknownOutputSource } from "../plan/build-plan.ts";
import type { Plan } from "../plan/step.ts";
import { registerPlanning } from "../providers/planning-registry.ts";
import { KubernetesProvider } from "../providers/kubernetes/provider.ts";
import { desired } from "../resources/kube-object.ts";
import { outputToken } from "../resources/outputs.ts";
import { FAKE, FakeCloud, fakeDesired, fakeKey, fakePlanning, MemoryLeaseStore, MemoryRevisionStore } from "../../test/support/fake-cloud.ts";
import { startKubeApiServer } from "../../test/support/kube-api-server/index.ts";
import { waitFor } from "../../test/support/kube-api-server/testing.ts";
import { down } from "./down.ts";
import { inspectPlan } from "./inspect.ts";
import { connect, type DeployTarget } from "./target.ts";
import { up } from "./up.ts";

let unregister: () => void;
let dir: string;
before(() => {
  unregister = registerPlanning(fakePlanning);
  dir = mkdtempSync(join(tmpdir(), "berth-providers-"));
});
after(() => {
  unregister();
  rmSync(dir, { recursive: true, force: true });
});

const SERVER = fakeKey("server", "db");
const CLUSTER = fakeKey("cluster", "aks");
const fqdn = outputToken({ resource: SERVER, output: "fqdn" });

/** A server, a database naming the server's id, and an app whose connection string holds the server's FQDN. */
const cloudOnly = (): Plan =>
  buildPlan({
    platform: "shop",
    env: "dev",
    resources: [
      fakeDesired("server", "db", { sku: "small" }),
      fakeDesired("database", "orders", { server: outputToken({ resource: SERVER, output: "id" }) }),
      fakeDesired("app", "web", { connection: `postgres://${fqdn}:5432/orders` }),
    ],
    secrets: [],
    declaredSecrets: {},
  });

const step = (plan: Plan, id: string) => plan.steps.find((s) => s.id === id) ?? assert.fail(`no step ${id}`);

test("plan: a resource holding an output token needs the step that assigns it; Kubernetes steps need the cluster step", () => {
  const plan = buildPlan({
    platform: "shop",
    env: "dev",
    resources: [
      fakeDesired("cluster", "aks", {}),
      fakeDesired("server", "db", {}),
      desired({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } }, ["spec"]),
      desired({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "shop" }, data: { host: fqdn } }, ["spec"]),
    ],
    secrets: [],
    declaredSecrets: {},
    clusterStep: CLUSTER,
  });
  const ns = "kubernetes:v1/Namespace:_cluster:shop";
  const cm = "kubernetes:v1/ConfigMap:shop:cfg";
  assert.deepEqual([...step(plan, cm).needs].sort(), [CLUSTER, SERVER, ns].sort(), "its namespace (Kubernetes' rule), the server (token) and the cluster");
  assert.deepEqual(step(plan, ns).needs, [CLUSTER]);
  assert.deepEqual(step(plan, SERVER).needs, [], "the fake cloud is not on the cluster");
  assert.equal(step(plan, SERVER).provider, FAKE);
  assert.equal(step(plan, cm).provider, "kubernetes");
  assert.ok(step(plan, cm).wave > step(plan, SERVER).wave);
  const verify = plan.steps.at(-1)!;
  assert.equal(verify.provider, ENGINE_PROVIDER);
  assert.deepEqual([...(verify.action as unknown as { steps: string[] }).steps].sort(), [CLUSTER, SERVER, ns, cm].sort(), "ensured resources are verified at the end too");
  assert.ok(!JSON.stringify(step(plan, cm).action).includes("known after apply"), "the plan keeps the token");
});

test("plan: without a cluster step in the plan no step needs one; a token naming a resource not in the plan is refused", () => {
  const plan = buildPlan({ platform: "shop", env: "dev", resources: [desired({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } }, ["spec"])], secrets: [], declaredSecrets: {}, clusterStep: CLUSTER });
  assert.deepEqual(plan.steps[0]!.needs, []);
  assert.throws(() => buildPlan({ platform: "shop", env: "dev", resources: [fakeDesired("app", "web", { host: fqdn })], secrets: [], declaredSecrets: {} }), (e: unknown) => e instanceof UnknownOutputSource && /output "fqdn" of fake:server:_subscription:db/.test(e.message));
});

test("plan text: fields waiting for an output show (known after apply), and the value once inspection knows it", () => {
  const plan = cloudOnly();
  const offline = planText(plan, undefined);
  assert.match(offline, /ensure app web  needs: ensure server db\n\s+resource\.body\.connection: postgres:\/\/\(known after apply\):5432\/orders/);
  assert.match(offline, /resource\.body\.server: \(known after apply\)/);
  assert.ok(!offline.includes("((berth.output"), "no raw token is shown");
  const live = new Map(plan.steps.map((s) => [s.id, { exists: false, ownership: "absent" as const, changes: [], intentChanged: true }]));
  live.set(SERVER, { exists: true, ownership: "ours", changes: [], intentChanged: false, outputs: { fqdn: "db.fake.example", id: "/fake/server/db" } } as never);
  const known = planText(plan, { endpoint: "fake://cloud", version: "1", live, prune: [], keptData: [], prunedData: [], blockers: [] });
  assert.match(known, /connection: postgres:\/\/db\.fake\.example:5432\/orders/);
});

test("engine: a step whose output is still unknown at run time fails naming the output", async () => {
  const plan = cloudOnly();
  const cloud = new FakeCloud();
  const journal: unknown[] = [];
  // The app without the server having run: its output cannot be known.
  const r = await runSteps([{ ...step(plan, fakeKey("app", "web")), needs: [] }], { providers: { [FAKE]: cloud }, journal: { append: (e) => void journal.push(e) }, run: "r", signal: new AbortController().signal, onEvent: () => {} });
  assert.equal(r.status, "failed");
  assert.match(r.error!, /output "fqdn" of fake:server:_subscription:db is not known/);
  assert.deepEqual(cloud.runs, [], "nothing was sent with a token in it");
});

const target = (name: string, cloud: FakeCloud, stores = { lease: new MemoryLeaseStore(), revisions: new MemoryRevisionStore() }): DeployTarget => ({
  stateDir: join(dir, name),
  // A kubeconfig that does not exist: any attempt to reach Kubernetes would fail the run.
  kubeconfig: join(dir, "no-such-kubeconfig"),
  providers: { [FAKE]: cloud },
  stores,
});

test("deploy: up, a second up and down of a plan without Kubernetes steps need no Kubernetes connection", async () => {
  const plan = cloudOnly();
  const cloud = new FakeCloud();
  const stores = { lease: new MemoryLeaseStore(), revisions: new MemoryRevisionStore() };
  const t = target("no-kube", cloud, stores);
  assert.equal(connect(plan, t).kubernetes, undefined, "no Kubernetes provider is made");

  const first = await up(plan, t, { onEvent: () => {}, command: "berth up shop --env dev" });
  assert.equal(first.status, "ok", first.error);
  assert.deepEqual(cloud.resources.get("web")!.body, { connection: "postgres://db.fake.example:5432/orders" }, "the FQDN the cloud assigned was substituted");
  assert.deepEqual(cloud.resources.get("orders")!.body, { server: "/fake/server/db" });
  const journal = readJournal(connect(plan, t).paths.journal);
  const applied = journal.find((e) => e.event === "applied" && e.step === SERVER);
  assert.deepEqual(applied?.outputs, { id: "/fake/server/db", fqdn: "db.fake.example" }, "outputs are journaled right after the mutation");

  const second = await up(plan, t, { onEvent: () => {}, command: "berth up shop --env dev" });
  assert.equal(second.status, "ok", second.error);
  for (const s of plan.steps.filter((x) => x.provider === FAKE)) assert.deepEqual(second.inspection!.live.get(s.id)!.changes, [], `${s.id} is unchanged (its tokens filled from what inspection read)`);
  assert.deepEqual(second.inspection!.prune, []);

  const inspection = await inspectPlan(cloudOnly(), connect(cloudOnly(), t));
  assert.equal(inspection.endpoint, "fake://cloud");
  assert.equal(inspection.version, "", "no Kubernetes version without Kubernetes");
  assert.match(planText(plan, inspection), /^plan shop \(dev\): 4 steps against fake:\/\/cloud\n/);

  const gone = await down(plan, t, { onEvent: () => {}, command: "berth down shop --env dev" });
  assert.equal(gone.status, "ok", gone.error);
  assert.equal(cloud.resources.size, 0, "down removed every resource");
  assert.deepEqual(cloud.runs.filter((id) => id.startsWith("delete:")).length, 3);
  assert.deepEqual((await stores.revisions.list()).map((r) => r.status), ["deployed", "deployed", "removed"]);
});

test("deploy: what left the spec is pruned through its own provider with a remove action", async () => {
  const cloud = new FakeCloud();
  const t = target("prune", cloud);
  assert.equal((await up(cloudOnly(), t, { onEvent: () => {}, command: "berth up" })).status, "ok");
  const smaller = buildPlan({ platform: "shop", env: "dev", resources: [fakeDesired("server", "db", { sku: "small" })], secrets: [], declaredSecrets: {} });
  const r = await up(smaller, t, { onEvent: () => {}, command: "berth up" });
  assert.equal(r.status, "ok", r.error);
  assert.deepEqual(r.inspection!.prune.map((s) => [s.title, s.action.type, s.provider]).sort(), [["delete app web", "remove", FAKE], ["delete database orders", "remove", FAKE]]);
  assert.deepEqual([...cloud.resources.keys()], ["db"]);
});

test("deploy: a resumed run takes the outputs of a step done before from the journal, without running it again", async () => {
  const failing = new Set(["web"]);
  const cloud = new FakeCloud({ failing, inspectOutputs: false });
  const t = target("resume", cloud);
  const plan = cloudOnly();
  const first = await up(plan, t, { onEvent: () => {}, command: "berth up" });
  assert.equal(first.status, "failed");
  assert.equal(cloud.runs.filter((id) => id === SERVER).length, 1);

  failing.clear();
  const notes: string[] = [];
  const second = await up(plan, t, { onEvent: (e) => void (e.type === "note" && notes.push(e.message)), command: "berth up" });
  assert.equal(second.status, "ok", second.error);
  assert.ok(second.resumed, notes.join("\n"));
  assert.equal(cloud.runs.filter((id) => id === SERVER).length, 1, "the server was verified, not run again");
  assert.deepEqual(cloud.resources.get("web")!.body, { connection: "postgres://db.fake.example:5432/orders" }, "its FQDN came from the journal (this cloud's inspect reports none)");
});

test("kubernetes: with a deferred connection and no cluster yet, steps inspect as absent and preflight does not fail", async () => {
  let asked = 0;
  const kube = new KubernetesProvider({ platform: "shop", instance: "shop.dev", connection: async () => (asked++, undefined) });
  const plan = buildPlan({ platform: "shop", env: "dev", resources: [desired({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } }, ["spec"])], secrets: [], declaredSecrets: {} });
  const live = await kube.inspect(plan.steps[0]!);
  assert.equal(live.exists, false);
  assert.deepEqual(live.changes, [{ field: "(object)", to: "created" }]);
  assert.match((await kube.preflight()).version, /not created yet/);
  assert.deepEqual(await kube.owned("shop.dev", []), []);
  assert.equal(asked, 3, "the source is asked again until the cluster exists");
  assert.throws(() => kube.client, /not connected yet/);
});

test("kubernetes: a run followed before its cluster existed is watched once the connection comes; steps finding it together share one connection", async () => {
  const server = await startKubeApiServer({ readyAfterMs: {} });
  try {
    const kubeconfig = readFileSync(server.writeKubeconfig(join(dir, "deferred-watch")), "utf8");
    let exists = false;
    let asked = 0;
    const kube = new KubernetesProvider({ platform: "shop", instance: "shop.dev", clock: server.clock, connection: async () => (asked++, exists ? kubeconfig : undefined) });
    const plan = buildPlan({ platform: "shop", env: "dev", resources: [desired({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "shop" } }, ["data"])], secrets: [], declaredSecrets: {} });
    kube.follow(plan.steps);
    assert.equal(await kube.connected(), false, "no cluster yet");
    exists = true;
    asked = 0;
    assert.deepEqual(await Promise.all([kube.connected(), kube.connected(), kube.connected()]), [true, true, true]);
    assert.equal(asked, 1, "one connection for the steps that found the cluster together");
    const watching = () => server.requests.some((r) => /watch=1/.test(r.query) && r.path === "/api/v1/namespaces/shop/configmaps");
    await waitFor(server, "the run's kinds watched", watching);
    kube.unfollow();
  } finally {
    await server.close();
  }
});
