/** Options are offered only where they do something, and their help says what they do. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { main } from "./main.ts";

const run = async (...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => void out.push(t), err: (t) => void err.push(t) });
  return { code, out: out.join("\n"), err: err.join("\n") };
};

describe("--history-max", () => {
  for (const command of ["up", "down", "rollback"]) {
    it(`is offered on ${command}, which records a revision`, async () => {
      const { code, out } = await run(command, "--help");
      assert.equal(code, 0);
      assert.match(out, /--history-max <n>/);
    });
  }
  for (const command of ["plan", "status", "history", "unlock"]) {
    it(`is not offered on ${command}, where it would do nothing`, async () => {
      assert.doesNotMatch((await run(command, "--help")).out, /--history-max/);
      const refused = await run(command, "examples/starter", "--env", "dev", "--history-max", "3");
      assert.equal(refused.code, 2);
      assert.match(refused.err, /unknown option '--history-max'/);
    });
  }
});

describe("lint --kubernetes-version", () => {
  it("says it also picks the Pod Security policy version, and the range", async () => {
    const help = (await run("lint", "--help")).out.replace(/\s+/g, " ");
    assert.match(help, /--kubernetes-version <minor>[^-]*Pod Security/);
    assert.match(help, /1\.25–1\.37/);
  });
});
