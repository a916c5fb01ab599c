/**
 * A Kubernetes API server for tests: follows the API conventions client-node and kubectl rely on,
 * and simulates controllers moving workloads through status, with injectable faults and latency.
 * See README.md beside this file for what it follows and what it simplifies.
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { recordUpdate } from "./apply.ts";
import { CRD_SETS, SYSTEM_OBJECTS } from "./cluster-seed.ts";
import { applyDefaults, initialStatus } from "./defaults.ts";
import { Events } from "./events.ts";
import { Faults } from "./faults.ts";
import { Handlers } from "./handlers.ts";
import { createHttpServer } from "./http.ts";
import { logOf } from "./kubelet.ts";
import { ContainerRunner } from "./container-runner.ts";
import { admitPod } from "./workload-identity-webhook.ts";
import { writeKubeconfig } from "./kubeconfig.ts";
import { groupOf, Registry } from "./resources.ts";
import { Simulator } from "./simulator.ts";
import { Store } from "./store.ts";
import type { Fault, KubeApiServer, Obj, RequestRecord, Scenario } from "./types.ts";
import { clone } from "./util.ts";
import { World } from "./world.ts";
import { VirtualClock } from "../clock.ts";

export type { CsiProvider, Fault, KubeApiServer, ObjectRef, RequestMatch, RequestRecord, Scenario } from "./types.ts";

export async function startKubeApiServer(scenario: Scenario = {}): Promise<KubeApiServer> {
  // Virtual time unless the caller brings a clock (the benchmark runs on the system clock, with real latency).
  const clock = scenario.clock ?? new VirtualClock();
  const store = new Store(() => clock.now(), scenario.watchHistory);
  const registry = new Registry(() => store.list("apiextensions.k8s.io", "CustomResourceDefinition"));
  const faults = new Faults();
  const world = new World(store, new Events(store), faults, registry);
  const sim = new Simulator(world, clock);
  const handlers = new Handlers({ store, registry, changed: () => sim.nudge(), admit: (o) => admitPod(store, world.scenario, o) });
  world.runner = new ContainerRunner({ busy: (work) => clock.busy(work), nudge: () => sim.nudge() });
  const records: RequestRecord[] = [];
  let current: Scenario = scenario;
  world.scenario = scenario;
  faults.reset(scenario.faults ?? []);

  const seed = (input: Record<string, any>): void => {
    const o = clone(input) as Obj;
    o.metadata ??= {};
    const group = groupOf(String(o.apiVersion ?? "v1"));
    const def = registry.known(group, String(o.kind));
    if (def?.namespaced === false) delete o.metadata.namespace;
    const existing = store.get(group, String(o.kind), o.metadata.namespace, o.metadata.name);
    o.metadata.uid ??= existing?.metadata.uid ?? randomUUID();
    applyDefaults(o);
    if (o.status === undefined) {
      const s = initialStatus(String(o.kind));
      if (s) o.status = s;
    }
    if (def?.generation) o.metadata.generation ??= 1;
    if (!Array.isArray(o.metadata.managedFields)) o.metadata.managedFields = recordUpdate(undefined, o, "seed", String(o.apiVersion), def?.statusSubresource ?? false);
    if (existing) {
      o.metadata.creationTimestamp ??= existing.metadata.creationTimestamp;
      store.update(o);
    } else store.create(o);
    sim.nudge();
  };

  for (const o of SYSTEM_OBJECTS) seed(o);
  const installed = scenario.crds ?? "default";
  for (const set of installed === "none" ? [] : installed === "default" ? ["default" as const] : installed) for (const o of CRD_SETS[set]) seed(o);

  let address = "";
  const { server, closeStreams } = createHttpServer({
    store,
    registry,
    handlers,
    faults,
    scenario: () => current,
    records,
    clock,
    address: () => address,
    podLog: (pod, q) =>
      logOf(world, pod, {
        container: q.get("container"),
        tailLines: q.get("tailLines") === null ? undefined : Number(q.get("tailLines")),
        timestamps: q.get("timestamps") === "true",
        previous: q.get("previous") === "true",
      }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `http://${address}`;
  sim.start();
  sim.tick();

  return {
    url,
    clock,
    requests: records,
    writeKubeconfig: (dir, options) => writeKubeconfig(url, dir, options),
    addFault: (fault: Fault) => {
      faults.add(fault);
      sim.nudge();
    },
    setScenario: (s: Scenario) => {
      current = s;
      world.scenario = s;
      faults.reset(s.faults ?? []);
      sim.nudge();
    },
    updateScenario: (patch: Partial<Scenario>) => {
      current = { ...current, ...patch };
      world.scenario = current;
      if (patch.faults) faults.reset(patch.faults);
      sim.nudge();
    },
    get: (apiVersion, kind, namespace, name) => {
      const namespaced = registry.known(groupOf(apiVersion), kind)?.namespaced !== false;
      const o = store.get(groupOf(apiVersion), kind, namespaced ? namespace : undefined, name);
      return o ? clone(o) : undefined;
    },
    list: (apiVersion, kind) =>
      store
        .list(apiVersion === undefined ? undefined : groupOf(apiVersion), kind)
        .filter((o) => (apiVersion === undefined || groupOf(o.apiVersion) === groupOf(apiVersion)) && (kind === undefined || o.kind === kind))
        .map((o) => clone(o)),
    seed,
    endWatches: () => closeStreams(),
    close: async () => {
      sim.stop();
      world.runner?.stop();
      if (clock instanceof VirtualClock) clock.stop();
      closeStreams();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
