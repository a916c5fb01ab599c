/**
 * No data loss (issue 9, item 2): `down`, `rollback`, and an `up` that would prune data ask first — on a terminal a
 * person answers (the platform/env name for data), without one only --yes lets them go on. Terminal cases run the
 * real CLI under a pseudo-terminal and answer its printed prompt.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { main } from "../../src/cli/main.ts";
import type { KubeApiServer } from "../support/kube-api-server/index.ts";
import { berthInPty } from "../support/pty.ts";
import { snapshot, testCluster, type Cluster } from "../support/deploy.ts";

const STORE = "test/fixtures/deploy/store";
const STORE_WITHOUT_DB = "test/fixtures/deploy/store-without-db";
const SHOP = "test/fixtures/deploy/shop";
const PTY = { timeout: 180_000 };

/** Everything of the instance, and every claim in its namespaces (a StatefulSet's carry no label of ours). */
function state(server: KubeApiServer, instance: string): Record<string, unknown> {
  const claims = server.list("v1", "PersistentVolumeClaim").map((c) => `PersistentVolumeClaim ${c.metadata.namespace}/${c.metadata.name}`);
  return { ...snapshot(server, instance), claims: claims.sort() };
}

const has = (c: Cluster, kind: string, namespace: string | undefined, name: string) => c.server.list(undefined, kind).some((o) => o.metadata.name === name && o.metadata.namespace === namespace);
const claimsIn = (c: Cluster, namespace: string) => c.server.list("v1", "PersistentVolumeClaim").filter((o) => o.metadata.namespace === namespace).length;

async function deployedStore(): Promise<Cluster> {
  const c = await testCluster();
  const run = await c.berth("up", STORE, "dev", "--yes");
  assert.equal(run.code, 0, run.stderr);
  assert.ok(claimsIn(c, "store-data") > 0, "the database has its claim");
  return c;
}

test("down without a terminal and without --yes deletes nothing: exit 2, saying so; --yes means it", async () => {
  const c = await deployedStore();
  try {
    const before = state(c.server, "store.dev");
    for (const more of [[], ["--delete-data"], ["--json"]]) {
      const run = await c.berth("down", STORE, "dev", ...more);
      assert.equal(run.code, 2, `down ${more.join(" ")}: ${run.stdout}${run.stderr}`);
      assert.match(more.includes("--json") ? run.stdout : run.stderr, /no terminal to ask on; nothing was changed\. Pass --yes/);
      assert.deepEqual(state(c.server, "store.dev"), before, `down ${more.join(" ")} changed nothing`);
    }
    const run = await c.berth("down", STORE, "dev", "--yes");
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!has(c, "Deployment", "store", "web"), "--yes deleted the app");
    assert.ok(has(c, "Namespace", undefined, "store-data") && claimsIn(c, "store-data") > 0, "and kept the data");
    const data = await c.berth("down", STORE, "dev", "--delete-data", "--yes");
    assert.equal(data.code, 0, data.stderr);
    assert.ok(!has(c, "Namespace", undefined, "store-data") && claimsIn(c, "store-data") === 0, "--delete-data --yes deleted the data");
  } finally {
    await c.close();
  }
});

test("rollback without a terminal and without --yes changes nothing (exit 2)", async () => {
  const c = await testCluster();
  try {
    assert.equal((await c.berth("up", SHOP, "dev", "--yes")).code, 0);
    assert.equal((await c.berth("up", SHOP, "dev", "--yes", "--set", "apps.web.replicas=3")).code, 0);
    const before = state(c.server, "shop.dev");
    const refused = await c.berth("rollback", SHOP, "dev");
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /berth rollback: will not roll back without confirmation/);
    assert.deepEqual(state(c.server, "shop.dev"), before);
    assert.equal((await c.berth("rollback", SHOP, "dev", "--yes")).code, 0);
  } finally {
    await c.close();
  }
});

test("up keeps a namespace holding data that left the spec; --prune-data needs --yes without a terminal", async () => {
  const c = await deployedStore();
  try {
    const plan = await c.berth("plan", STORE_WITHOUT_DB, "dev");
    assert.match(plan.stdout, /kept \(holds data\): Namespace store-data/);
    assert.doesNotMatch(plan.stdout, /- delete Namespace store-data/);
    const kept = await c.berth("up", STORE_WITHOUT_DB, "dev", "--yes");
    assert.equal(kept.code, 0, kept.stderr);
    assert.ok(!has(c, "StatefulSet", "store-data", "postgresql"), "what holds no data is pruned");
    assert.ok(has(c, "Namespace", undefined, "store-data") && claimsIn(c, "store-data") > 0, "the namespace and its claims are kept");
    assert.match(kept.stdout, /kept \(holds data; --prune-data deletes it\): Namespace store-data/);

    const before = state(c.server, "store.dev");
    const refused = await c.berth("up", STORE_WITHOUT_DB, "dev", "--prune-data");
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /! Namespace store-data \(holds 1 claim/);
    assert.match(refused.stderr, /will not delete data .* no terminal to ask on/);
    assert.deepEqual(state(c.server, "store.dev"), before);

    const pruned = await c.berth("up", STORE_WITHOUT_DB, "dev", "--prune-data", "--yes");
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.ok(!has(c, "Namespace", undefined, "store-data") && claimsIn(c, "store-data") === 0);
  } finally {
    await c.close();
  }
});

test("up --prune-data and rollback at a terminal: the typed name, or y, or nothing changes", async () => {
  const c = await deployedStore();
  try {
    assert.equal((await c.berth("up", STORE_WITHOUT_DB, "dev", "--yes")).code, 0);
    // A terminal as main() sees it: the answers are given in order, the questions recorded.
    const at = async (answers: string[], ...args: string[]) => {
      const asked: string[] = [];
      let err = "";
      const code = await main([...args, "--env", "dev", "--kubeconfig", c.kubeconfig, "--state-dir", c.stateDir], {
        interactive: true,
        out: () => undefined,
        err: (t) => void (err += `${t}\n`),
        ask: async (q) => {
          asked.push(q);
          return answers.shift() ?? "";
        },
      });
      return { code, asked, err };
    };
    const before = state(c.server, "store.dev");
    const wrong = await at(["store/prod"], "up", STORE_WITHOUT_DB, "--prune-data");
    assert.equal(wrong.code, 2, wrong.err);
    assert.deepEqual(wrong.asked, ["This deletes the data above for good. Type store/dev to go ahead: "]);
    assert.match(wrong.err, /"store\/prod" typed, not store\/dev; nothing was changed/);
    assert.deepEqual(state(c.server, "store.dev"), before);

    const no = await at(["n"], "rollback", STORE);
    assert.equal(no.code, 0);
    assert.deepEqual(no.asked, ["roll back with these changes? [y/N] "]);
    assert.deepEqual(state(c.server, "store.dev"), before, "a declined rollback changes nothing");

    const right = await at(["store/dev"], "up", STORE_WITHOUT_DB, "--prune-data");
    assert.equal(right.code, 0, right.err);
    assert.ok(!has(c, "Namespace", undefined, "store-data") && claimsIn(c, "store-data") === 0);
  } finally {
    await c.close();
  }
});

test("down under a pseudo-terminal lists and asks: n deletes nothing, y deletes, --delete-data needs the typed name", PTY, async () => {
  const c = await deployedStore();
  const args = (...more: string[]) => ["down", STORE, "--env", "dev", "--kubeconfig", c.kubeconfig, "--state-dir", c.stateDir, ...more];
  try {
    const before = state(c.server, "store.dev");

    const no = berthInPty(args());
    const shown = await no.waitFor(/delete these objects\? \[y\/N\] /);
    assert.match(shown, /down store\/dev on http:\/\/127\.0\.0\.1:\d+ \(context test\) deletes \d+ objects:/);
    assert.match(shown, /  - Deployment store\/web/);
    assert.doesNotMatch(shown, /PersistentVolumeClaim|Namespace store-data/, "data is not in the list without --delete-data");
    no.type("n");
    assert.equal(await no.exit, 0, no.output());
    assert.match(no.output(), /down: nothing was changed/);
    assert.deepEqual(state(c.server, "store.dev"), before, "n deleted nothing");

    const wrong = berthInPty(args("--delete-data"));
    const listed = await wrong.waitFor(/Type store\/dev to go ahead: /);
    assert.match(listed, /  ! Namespace store-data \(holds 1 claim, 1 generated credential\)/);
    wrong.type("store/prod");
    assert.equal(await wrong.exit, 2, wrong.output());
    assert.deepEqual(state(c.server, "store.dev"), before, "a wrong name deleted nothing");

    const yes = berthInPty(args());
    await yes.waitFor(/\[y\/N\] /);
    yes.type("y");
    assert.equal(await yes.exit, 0, yes.output());
    assert.ok(!has(c, "Deployment", "store", "web"), "y deleted the app");
    assert.ok(claimsIn(c, "store-data") > 0, "and kept the data");

    const data = berthInPty(args("--delete-data"));
    await data.waitFor(/Type store\/dev to go ahead: /);
    data.type("store/dev");
    assert.equal(await data.exit, 0, data.output());
    assert.ok(!has(c, "Namespace", undefined, "store-data") && claimsIn(c, "store-data") === 0, "the typed name deleted the data");
  } finally {
    await c.close();
  }
});
