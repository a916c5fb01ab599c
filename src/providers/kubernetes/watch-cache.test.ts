/** The watch cache against the test API server, on its virtual clock: live copies, change signals, 410, broken watches. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import { startKubeApiServer, type KubeApiServer, type Scenario } from "../../../test/support/kube-api-server/index.ts";
import { call, waitFor } from "../../../test/support/kube-api-server/testing.ts";
import { tempDir } from "../../../test/support/cli.ts";
import { KubeRest } from "./rest.ts";
import { WatchCache } from "./watch-cache.ts";

const CM = { apiVersion: "v1", kind: "ConfigMap", namespace: "default" } as const;

async function withCache(fn: (server: KubeApiServer, cache: WatchCache) => Promise<void>, scenario: Scenario = {}): Promise<void> {
  const server = await startKubeApiServer(scenario);
  const config = new KubeConfig();
  config.loadFromFile(server.writeKubeconfig(tempDir("berth-watch-")));
  const cache = new WatchCache(new KubeRest(config, server.clock), server.clock);
  try {
    await fn(server, cache);
  } finally {
    cache.stop();
    await server.close();
  }
}

const post = (server: KubeApiServer, name: string, data: Record<string, string> = {}) => call(server, "POST", "/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data });
const watches = (server: KubeApiServer) => server.requests.filter((r) => /watch=1/.test(r.query) && r.path.endsWith("/configmaps"));
const lists = (server: KubeApiServer) => server.requests.filter((r) => r.method === "GET" && !/watch=1/.test(r.query) && r.path.endsWith("/configmaps"));

test("watch cache: one list and one watch; later changes arrive without a request and wake the waiter", () =>
  withCache(async (server, cache) => {
    await post(server, "before");
    cache.follow(CM);
    await waitFor(server, "live", () => cache.list(CM) !== undefined && watches(server).length === 1);
    assert.ok(cache.get(CM, "before").known);
    const woke = cache.changed([CM], new AbortController().signal)!;
    const created = await post(server, "after", { k: "v" });
    await woke;
    await waitFor(server, "after seen", () => cache.get(CM, "after").known);
    const known = cache.get(CM, "after", created.body.metadata.resourceVersion);
    assert.deepEqual(known.known && known.object?.data, { k: "v" });
    const missing = cache.get(CM, "nope");
    assert.deepEqual(missing, { known: true, object: undefined }, "absent from a live watch: does not exist");
    assert.equal(lists(server).length, 1);
    assert.equal(watches(server).length, 1);
  }));

test("watch cache: a version berth wrote that the watch has not shown yet is 'behind', never a stale copy", () =>
  withCache(async (server, cache) => {
    cache.follow(CM);
    await waitFor(server, "live", () => cache.list(CM) !== undefined);
    assert.deepEqual(cache.get(CM, "x", "999999"), { known: false, behind: true });
  }));

test("watch cache: a watch that ends is resumed from its last version; one that cannot reconnect leaves its objects unknown until it does", () =>
  withCache(async (server, cache) => {
    cache.follow(CM);
    await waitFor(server, "live", () => cache.list(CM) !== undefined && watches(server).length === 1);
    await post(server, "one");
    await waitFor(server, "one seen", () => (cache.get(CM, "one") as { object?: unknown }).object !== undefined);
    server.addFault({ type: "drop", match: { method: "GET", path: /configmaps$/ }, count: 1_000 });
    server.endWatches();
    await waitFor(server, "unknown while down", () => cache.list(CM) === undefined);
    assert.deepEqual(cache.get(CM, "one"), { known: false, behind: false }, "callers read the object themselves");
    server.setScenario({});
    await waitFor(server, "live again", () => cache.list(CM) !== undefined, 60_000);
    const resumed = watches(server).filter((r) => r.status === 200).at(-1)!;
    assert.equal(lists(server).filter((r) => r.status === 200).length, 1, "resumed, not listed again");
    assert.ok(Number(/resourceVersion=(\d+)/.exec(resumed.query)![1]) > Number(/resourceVersion=(\d+)/.exec(watches(server)[0]!.query)![1]), "from the last version seen");
    await post(server, "two");
    await waitFor(server, "two seen", () => (cache.get(CM, "two") as { object?: unknown }).object !== undefined);
  }));

test("watch cache: 410 Gone (its version is older than the server keeps) lists again", () =>
  withCache(
    async (server, cache) => {
      cache.follow(CM);
      await waitFor(server, "live", () => cache.list(CM) !== undefined && watches(server).length === 1);
      server.addFault({ type: "drop", match: { method: "GET", path: /configmaps$/ }, count: 1_000 });
      server.endWatches();
      await waitFor(server, "down", () => cache.list(CM) === undefined);
      for (let i = 0; i < 30; i++) await post(server, `c${i}`);
      server.setScenario({});
      await waitFor(server, "listed again", () => lists(server).filter((r) => r.status === 200).length === 2, 60_000);
      await waitFor(server, "all seen", () => cache.list(CM)?.filter((o) => /^c\d+$/.test(o.metadata.name)).length === 30);
    },
    { watchHistory: 10 },
  ));
