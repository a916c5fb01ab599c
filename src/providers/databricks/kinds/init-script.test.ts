import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { test } from "node:test";
import type { InitScriptResource } from "../../../resources/databricks-resource.ts";
import { ProviderRequestFailed } from "../../provider.ts";
import { FakeDatabricks, kindContext, recordingProgress, sourceFile, WORKSPACE } from "../../../../test/support/fake-databricks-api.ts";
import { DBFS_BLOCK, initScriptKind } from "./init-script.ts";

const script = (destination: InitScriptResource["destination"], content = "#!/bin/bash\necho hi\n"): InitScriptResource => ({ kind: "initScript", key: "setup", workspace: WORKSPACE, source: sourceFile(content, "setup.sh"), destination });

async function deploy(api: FakeDatabricks, r: InitScriptResource) {
  const ctx = kindContext(api);
  const live = await initScriptKind.inspect(r, ctx);
  return { live, result: await initScriptKind.run(r, live, ctx, recordingProgress()) };
}

for (const [name, destination] of [
  ["workspace file", { workspace: "/Workspace/Shared/init/setup.sh" }],
  ["volume", { volumes: "/Volumes/main/ops/scripts/init/setup.sh" }],
  ["DBFS", { dbfs: "dbfs:/init-scripts/setup.sh" }],
] as const) {
  test(`an init script to a ${name}: uploaded with its folder, then unchanged content makes zero writes, an edit one upload`, async () => {
    const api = new FakeDatabricks();
    const r = script(destination);
    const first = await deploy(api, r);
    assert.equal(first.live.exists, false);
    assert.match(String(first.live.changes[0]!.to), /^created \(sha256:[0-9a-f]{12} \(20 bytes\)\)$/);
    assert.equal(first.result.mutated, true);
    assert.deepEqual(first.result.outputs, { path: Object.values(destination)[0] });
    assert.equal(api.writes().length, 2, "the parent folder, then the file");

    const before = api.writes().length;
    const second = await deploy(api, r);
    assert.deepEqual([second.live.exists, second.live.changes, second.live.intentChanged, second.result.did, second.result.mutated], [true, [], false, "unchanged", false]);
    assert.equal(api.writes().length, before, "unchanged content: no write at all");

    const edited = script(destination, "#!/bin/bash\necho changed\n");
    const third = await deploy(api, edited);
    assert.equal(third.live.changes[0]!.field, "content");
    assert.notEqual(third.live.changes[0]!.from, third.live.changes[0]!.to);
    assert.equal((await initScriptKind.check(edited, kindContext(api), "settled", {})).ok, true);
    assert.equal((await deploy(api, edited)).result.mutated, false);

    const removed = await initScriptKind.remove(edited, kindContext(api), recordingProgress());
    assert.equal(removed.mutated, true);
    assert.equal((await initScriptKind.check(edited, kindContext(api), "settled", {})).ok, false);
    assert.equal((await initScriptKind.remove(edited, kindContext(api), recordingProgress())).mutated, false, "already gone is not an error");
  });
}

test("a workspace destination is compared in one spelling: /Workspace/Shared/x and /Shared/x are the same file", async () => {
  const api = new FakeDatabricks();
  await deploy(api, script({ workspace: "/Shared/init/setup.sh" }));
  assert.ok(api.workspace.has("/Shared/init/setup.sh"));
  assert.equal(api.workspace.get("/Shared/init/setup.sh")!.type, "FILE", "imported RAW: a workspace file, never a notebook");
  const again = await deploy(api, script({ workspace: "/Workspace/Shared/init/setup.sh" }));
  assert.equal(again.result.mutated, false);
});

test("DBFS: the step says it is deprecated; a file over 1 MB streams in blocks and reads back equal", async () => {
  const api = new FakeDatabricks();
  const big = "x".repeat(DBFS_BLOCK * 2 + 10);
  const r = script({ dbfs: "dbfs:/init-scripts/big.sh" }, big);
  const { result } = await deploy(api, r);
  assert.equal(result.did, "uploaded dbfs:/init-scripts/big.sh (DBFS: deprecated by Databricks; use workspace files or a volume)");
  assert.deepEqual(api.writes().map((w) => w.path.replace("/api/2.0/dbfs/", "")), ["mkdirs", "create", "add-block", "add-block", "add-block", "close"]);
  assert.equal((api.dbfs.get("/init-scripts/big.sh") as Buffer).toString(), big);
  assert.equal((await deploy(api, r)).result.mutated, false, "read back in 1 MB pieces and found equal");
});

test("a source file changed since the plan was made is refused before any write; an inspection (down, prune) says so and still finds the file", async () => {
  const api = new FakeDatabricks();
  const r = script({ workspace: "/Shared/init/setup.sh" });
  await deploy(api, r);
  writeFileSync(r.source.path, "#!/bin/bash\nrm -rf /\n");
  const live = await initScriptKind.inspect(r, kindContext(api));
  assert.deepEqual([live.exists, live.outputs], [true, { path: "/Shared/init/setup.sh" }]);
  assert.match(String(live.changes[0]!.to), /^unknown: .*setup\.sh changed since the plan was made/);
  assert.match(live.effects![0]!, /^the step fails before any write: /);
  const writes = api.writes().length;
  await assert.rejects(
    initScriptKind.run(r, { exists: false, ownership: "absent", changes: [], intentChanged: true }, kindContext(api), recordingProgress()),
    (e: unknown) => e instanceof ProviderRequestFailed && e.status === 400 && /init script setup: .*setup\.sh changed since the plan was made .*make the plan again/.test(e.message),
  );
  assert.equal(api.writes().length, writes);
});

test("retain keeps the file on remove; explain repeats the workspace's last refusal", async () => {
  const api = new FakeDatabricks();
  const r = { ...script({ workspace: "/Shared/init/setup.sh" }), retain: true };
  await deploy(api, r);
  assert.deepEqual(await initScriptKind.remove(r, kindContext(api), recordingProgress()), { did: "kept /Shared/init/setup.sh (retain: true)", mutated: false });
  // A file where the folder should be: mkdirs is refused.
  const blocked = script({ workspace: "/Shared/init/setup.sh/inner.sh" });
  await assert.rejects(deploy(api, blocked), /RESOURCE_ALREADY_EXISTS/);
  const lines = await initScriptKind.explain!(blocked, kindContext(api), { done: true, ok: false, message: "failed" }, {});
  assert.deepEqual(lines, ["last request refused by the workspace: init script setup: mkdirs /Shared/init/setup.sh: 400 RESOURCE_ALREADY_EXISTS: Path (/Shared/init/setup.sh) already exists."]);
});
