/**
 * A --set value at a credential-like path is applied but never shown: not in `plan` (text or --json), not in the
 * listing `up` prints before asking, not in progress. The rule is the revision store's (maskSets).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { main } from "../../src/cli/main.ts";
import { testCluster } from "../support/deploy.ts";

const SHOP = "test/fixtures/deploy/shop";
/** The quote makes --json escape it: the mask must catch the escaped form too. */
const CANARY = 'canary"5d1e9b7a0c';
const MARK = "5d1e9b7a0c";
const SET = ["--set", `apps.web.env[API_TOKEN_FILE]=${CANARY}`];

test("a secret-like --set value is masked in plan text, plan --json, up's confirmation listing and --json progress; a changed one on both sides of the diff", async () => {
  const c = await testCluster();
  try {
    assert.equal((await c.berth("up", SHOP, "dev", "--yes")).code, 0);

    const text = await c.berth("plan", SHOP, "dev", ...SET);
    assert.equal(text.code, 3, text.stderr);
    assert.match(text.stdout, /env: \(none\) → \[\{"name":"API_TOKEN_FILE","value":"\(masked\)"\}\]/, "the change is still shown, its value masked");
    assert.ok(!(text.stdout + text.stderr).includes(MARK), text.stdout);

    const json = await c.berth("plan", SHOP, "dev", "--json", ...SET);
    assert.equal(json.code, 3, json.stderr);
    assert.ok(JSON.stringify(JSON.parse(json.stdout)).includes("(masked)"));
    assert.ok(!(json.stdout + json.stderr).includes(MARK), json.stdout);

    // On a terminal, declined: the listing shown before the question masks the value, and nothing is applied.
    let stderr = "";
    const questions: string[] = [];
    const asked = await main(["up", SHOP, "--env", "dev", "--kubeconfig", c.kubeconfig, "--state-dir", c.stateDir, ...SET], {
      interactive: true,
      out: (t) => void (stderr += t),
      err: (t) => void (stderr += `${t}\n`),
      ask: async (q) => (questions.push(q), "n"),
    });
    assert.equal(asked, 0);
    assert.equal(questions.length, 1, "up asked");
    assert.match(stderr, /API_TOKEN_FILE","value":"\(masked\)"/);
    assert.ok(!stderr.includes(MARK), stderr);

    const run = await c.berth("up", SHOP, "dev", "--yes", "--json", ...SET);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!(run.stdout + run.stderr).includes(MARK));
    const applied = JSON.stringify(c.server.list("apps/v1", "Deployment").map((d) => d.spec.template.spec.containers[0].env));
    assert.ok(applied.includes(MARK), "the value itself reaches the cluster");

    // The next value: the live one, set by the run before, is unknown to this run's --set and masked by the env name.
    const next = await c.berth("plan", SHOP, "dev", "--set", "apps.web.env[API_TOKEN_FILE]=next-7f3e2a");
    assert.equal(next.code, 3, next.stderr);
    assert.match(next.stdout, /env\[\d+\]\.value: \(masked\) → \(masked\)/);
    assert.ok(!next.stdout.includes(MARK) && !next.stdout.includes("7f3e2a"), next.stdout);
  } finally {
    await c.close();
  }
});
