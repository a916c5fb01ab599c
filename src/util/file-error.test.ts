/** Which file-system errors are the user's to fix (exit 2 with the path and a hint) and which stay berth's own. */
import assert from "node:assert/strict";
import fs, { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { syncBuiltinESMExports } from "node:module";
import { describe, it, mock } from "node:test";
import { main } from "../cli/main.ts";
import { UserFileError, userFileError } from "./file-error.ts";

/** A Node fs error as fs raises it: code, syscall and path. */
const fsError = (code: string, path: string, syscall = "open"): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, path, syscall, errno: -1 });

describe("userFileError", () => {
  for (const [code, problem] of [
    ["EACCES", /permission denied/],
    ["EROFS", /read-only file system/],
    ["EEXIST", /exists and is not a folder/],
  ] as const) {
    it(`${code} is the user's: named by the path they gave, with a hint`, () => {
      const found = userFileError(fsError(code, "/srv/out/.berth-staging-x"), "/srv/out");
      assert.ok(found instanceof UserFileError);
      assert.equal(found.path, "/srv/out");
      assert.match(found.problem, problem);
      assert.ok(found.hint.length > 0);
    });
    it(`${code} without the user's path names the file fs named`, () => {
      assert.equal(userFileError(fsError(code, "/srv/out/x"))?.path, "/srv/out/x");
    });
  }

  it("ENOENT is bad input only for a path the user gave", () => {
    assert.equal(userFileError(fsError("ENOENT", "/srv/out/x"), "/srv/out")?.problem, "does not exist");
    // A file berth ships that is missing (an example, a schema) is berth's fault, not the user's input.
    assert.equal(userFileError(fsError("ENOENT", "/usr/lib/berth/examples/starter/berth.yaml")), undefined);
  });

  it("errors that are not file-system errors of the user's stay internal", () => {
    assert.equal(userFileError(new Error("boom")), undefined);
    assert.equal(userFileError(fsError("EMFILE", "/srv/out")), undefined);
    assert.equal(userFileError(Object.assign(new Error("x"), { code: "EACCES" })), undefined, "no path, no syscall: not an fs error");
  });
});

describe("berth build --out onto what cannot be written: exit 2", () => {
  const capture = () => {
    const err: string[] = [];
    return { err, io: { out: () => undefined, err: (t: string) => void err.push(t) } };
  };
  // Raised by the output writer with the --out folder as the user's path; main turns it into exit 2.
  for (const code of ["EACCES", "EROFS"]) {
    it(`${code} on --out`, async () => {
      const { err, io } = capture();
      const out = join(mkdtempSync(join(tmpdir(), "berth-file-error-")), "out");
      // The named ESM export of node:fs follows the CommonJS object after syncBuiltinESMExports.
      const m = mock.method(fs, "mkdtempSync", (prefix: string) => {
        throw fsError(code, `${prefix}abc`, "mkdtemp");
      });
      syncBuiltinESMExports();
      try {
        const exit = await main(["build", "examples/starter", "--env", "dev", "--out", out], io);
        assert.equal(exit, 2, err.join("\n"));
        assert.ok(err.join("\n").startsWith(`error FILE ${out}: `), err.join("\n"));
        assert.match(err.join("\n"), /hint: /);
        assert.doesNotMatch(err.join("\n"), /internal error|at .*\.ts:/);
      } finally {
        m.mock.restore();
        syncBuiltinESMExports();
      }
    });
  }
});
