/**
 * The exit-code contract (src/cli/exit-codes.ts): docs/commands.md carries the same table, and every code in it is
 * produced here by the situation it names — through the real CLI in a child process where pipes and signals matter.
 */
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { EXIT, EXIT_TABLE, type ExitName } from "../../src/cli/exit-codes.ts";
import { readJournal } from "../../src/engine/journal.ts";
import { statePaths } from "../../src/engine/state-dir.ts";
import { runCli, tempDir } from "../support/cli.ts";
import { planOf, testCluster } from "../support/deploy.ts";
import { connect } from "../../src/deploy/target.ts";
import { acquireLease, newHolder } from "../../src/engine/lock.ts";
import { berthInPty } from "../support/pty.ts";

const SHOP = "test/fixtures/deploy/shop";
const BIN = "bin/berth.js";
const CLUSTER_COMMANDS = ["plan", "up", "down", "status", "history", "rollback", "unlock"] as const;

/** berth with stdout piped into `head -1`, which stops reading at once: berth's own exit code and stderr. */
async function intoHead(args: string[]): Promise<{ code: number; stderr: string }> {
  const dir = tempDir();
  const script = `"$0" ${BIN} "$@" 2>"${join(dir, "stderr")}" | head -1 >/dev/null; exit \${PIPESTATUS[0]}`;
  const code = await new Promise<number>((resolve) =>
    spawn("bash", ["-c", script, process.execPath, ...args], { stdio: "ignore", env: { ...process.env, BERTH_FROM_SOURCE: "1" } }).on("exit", (c) => resolve(c ?? -1)),
  );
  return { code, stderr: readFileSync(join(dir, "stderr"), "utf8") };
}

test("docs/commands.md documents every exit code as exit-codes.ts does", () => {
  const doc = readFileSync("docs/commands.md", "utf8");
  const rows = [...doc.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => ({ code: Number(m[1]), meaning: m[2]! }));
  assert.deepEqual(rows, EXIT_TABLE.map((r) => ({ code: r.code, meaning: r.meaning })));
  assert.deepEqual(EXIT_TABLE.map((r) => r.code).sort((a, b) => a - b), Object.values(EXIT).sort((a, b) => a - b), "one row per code");
});

/** One test per code, walked from the table: a code with no case here fails. */
const CASES: Record<ExitName, () => Promise<void>> = {
  async ok() {
    // A reader that stops early is not an error: no EPIPE stack trace, exit 0.
    assert.ok((await runCli(["schema"])).stdout.length > 256 * 1024, "the schema is larger than a pipe's buffer, so head -1 closes it mid-write");
    const schema = await intoHead(["schema"]);
    assert.deepEqual(schema, { code: 0, stderr: "" });
    const c = await testCluster({ readyAfterMs: { Deployment: 3_600_000 } });
    try {
      const plan = await intoHead(["plan", "examples/datalyptica", "--env", "dev", "--json", "--kubeconfig", c.kubeconfig, "--state-dir", c.stateDir]);
      assert.deepEqual(plan, { code: 0, stderr: "" });
      // A deploy whose reader goes away stops as on SIGINT, journaled (so the lock is released and up resumes), exit 0.
      const up = await intoHead(["up", SHOP, "--env", "dev", "--yes", "--json", "--kubeconfig", c.kubeconfig, "--state-dir", c.stateDir]);
      assert.deepEqual(up, { code: 0, stderr: "" });
      const journal = readJournal(statePaths(c.stateDir, "shop.dev").journal);
      assert.deepEqual(journal.filter((e) => e.event === "run-finished").map((e) => (e as { status?: string }).status), ["interrupted"]);
    } finally {
      await c.close();
    }
  },
  async failure() {
    const c = await testCluster();
    try {
      const run = await c.berth("status", SHOP, "dev");
      assert.equal(run.code, EXIT.failure, "nothing deployed: not ready");
      // The lock is held: another holder's live Lease refuses the run at once, naming the holder.
      const plan = planOf(SHOP, "dev");
      const held = await acquireLease(connect(plan, { stateDir: c.stateDir, kubeconfig: c.kubeconfig }).lease, newHolder("berth up on-another-runner --env dev"));
      const locked = await c.berth("up", SHOP, "dev", "--yes");
      assert.equal(locked.code, EXIT.failure, locked.stderr);
      assert.match(locked.stderr, new RegExp(`berth up on-another-runner --env dev .*lock ${held.holder.id}`, "s"));
    } finally {
      await c.close();
    }
    // A step fails: the image cannot be pulled.
    const pull = await testCluster({ faults: [{ type: "image-pull", object: { kind: "Deployment", namespace: "shop", name: "web" } }] });
    try {
      const run = await pull.berth("up", SHOP, "dev", "--yes");
      assert.equal(run.code, EXIT.failure, run.stderr);
      assert.match(run.stdout + run.stderr, /ImagePullBackOff/);
      assert.match(run.stderr, /berth up failed/);
    } finally {
      await pull.close();
    }
  },
  async badInput() {
    const dir = tempDir();
    writeFileSync(join(dir, "taken"), "a file");
    const onFile = await runCli(["build", "examples/starter", "--out", join(dir, "taken")]);
    assert.equal(onFile.code, EXIT.badInput);
    assert.equal(onFile.stderr, `error FILE ${join(dir, "taken")}: exists and is not a folder\n  hint: --out and --state-dir name a folder: choose another path or move the file away\n`);
    const under = await runCli(["build", "examples/starter", "--out", join(dir, "taken", "out")]);
    assert.equal(under.code, EXIT.badInput);
    assert.match(under.stderr, /^error FILE .*taken\/out: a part of this path is a file, not a folder\n {2}hint: /);
    const c = await testCluster();
    try {
      const state = await runCli(["up", SHOP, "--env", "dev", "--yes", "--kubeconfig", c.kubeconfig, "--state-dir", join(dir, "taken")]);
      assert.equal(state.code, EXIT.badInput, state.stderr);
      assert.match(state.stderr, new RegExp(`^error FILE ${join(dir, "taken")}/.*: a part of this path is a file, not a folder\n {2}hint: `));
    } finally {
      await c.close();
    }
    const lint = berthInPty(["lint"]);
    const usage = await lint.waitFor(/stdin is a terminal/);
    assert.match(usage, /Usage: berth lint \[options\] \[paths\.\.\.\]/);
    assert.equal(await lint.exit, EXIT.badInput, "lint without paths at a terminal does not wait for typing");
    const empty = await promisify(execFile)("bash", ["-c", `true | "$0" ${BIN} lint`, process.execPath], { env: { ...process.env, BERTH_FROM_SOURCE: "1" } }).catch((e: { code: number; stdout: string }) => e);
    assert.equal((empty as { code: number }).code, EXIT.badInput, "an empty stdin is not a pass");
    assert.match((empty as { stdout: string }).stdout, /error LINT-EMPTY: no Kubernetes objects to check/);
  },
  async changesPending() {
    const c = await testCluster();
    try {
      assert.equal((await c.berth("plan", SHOP, "dev")).code, EXIT.changesPending);
    } finally {
      await c.close();
    }
  },
  async unreachable() {
    const dir = tempDir();
    const missing = join(dir, "no-such-kubeconfig");
    const c = await testCluster();
    try {
      for (const command of CLUSTER_COMMANDS) {
        const extra = command === "unlock" ? ["--force"] : command === "rollback" || command === "up" || command === "down" ? ["--yes"] : [];
        const noFile = await runCli([command, SHOP, "--env", "dev", "--kubeconfig", missing, "--state-dir", join(dir, "state"), ...extra]);
        assert.equal(noFile.code, EXIT.unreachable, `${command}, no kubeconfig: ${noFile.stdout}${noFile.stderr}`);
        assert.ok((noFile.stdout + noFile.stderr).includes(`no kubeconfig at ${missing}; set --kubeconfig or KUBECONFIG`), noFile.stdout + noFile.stderr);
        const noContext = await c.berth(command, SHOP, "dev", "--context", "nope", ...extra);
        assert.equal(noContext.code, EXIT.unreachable, `${command}, unknown context: ${noContext.stdout}${noContext.stderr}`);
        assert.match(noContext.stdout + noContext.stderr, /context "nope" is not in the kubeconfig \(contexts: test\)/);
      }
      // Deployed twice, so rollback has a revision to go back to once the cluster is gone.
      assert.equal((await c.berth("up", SHOP, "dev", "--yes")).code, 0);
      assert.equal((await c.berth("up", SHOP, "dev", "--yes", "--set", "apps.web.replicas=3")).code, 0);
    } finally {
      await c.close();
    }
    for (const command of CLUSTER_COMMANDS) {
      const run = await c.berth(command, SHOP, "dev", ...(["up", "down", "rollback"].includes(command) ? ["--yes"] : command === "unlock" ? ["--force"] : []));
      assert.equal(run.code, EXIT.unreachable, `${command}, cluster gone: ${run.stdout}${run.stderr}`);
      assert.match(run.stdout + run.stderr, /cannot reach the cluster at http:\/\/127\.0\.0\.1:\d+/);
    }
    // Without --kubeconfig or KUBECONFIG: one line naming the default path, not the client library's localhost fallback.
    const home = tempDir();
    const run = await promisify(execFile)(process.execPath, [BIN, "status", SHOP, "--env", "dev"], { env: { ...process.env, HOME: home, KUBECONFIG: "", BERTH_FROM_SOURCE: "1" } }).catch((e: { code: number; stderr: string }) => e);
    assert.equal((run as { code: number }).code, EXIT.unreachable);
    assert.equal((run as { stderr: string }).stderr, `berth: no kubeconfig at ${join(home, ".kube", "config")}; set --kubeconfig or KUBECONFIG\n`);
  },
  sigint: () => interrupted("SIGINT"),
  sigterm: () => interrupted("SIGTERM"),
};

/** A run waiting on a Deployment that never becomes ready (within the test), signalled once it says so. */
async function interrupted(signal: "SIGINT" | "SIGTERM"): Promise<void> {
  const c = await testCluster({ readyAfterMs: { Deployment: 3_600_000 } });
  try {
    const child = spawn(process.execPath, [BIN, "up", SHOP, "--env", "dev", "--yes", "--kubeconfig", c.kubeconfig, "--state-dir", c.stateDir], { env: { ...process.env, BERTH_FROM_SOURCE: "1" } });
    let out = "";
    const waiting = new Promise<void>((resolve) => {
      const seen = (d: Buffer) => {
        out += d.toString();
        if (/… apply Deployment shop\/web/.test(out)) resolve();
      };
      child.stdout.on("data", seen);
      child.stderr.on("data", seen);
    });
    const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await waiting;
    child.kill(signal);
    assert.equal(await exit, signal === "SIGINT" ? EXIT.sigint : EXIT.sigterm, out);
  } finally {
    await c.close();
  }
}

for (const row of EXIT_TABLE) test(`exit ${row.code} (${row.name}): ${row.meaning}`, { timeout: 240_000 }, () => CASES[row.name]());

