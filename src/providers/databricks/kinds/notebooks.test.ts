import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { test } from "node:test";
import type { NotebookFile, NotebooksResource } from "../../../resources/databricks-resource.ts";
import { FakeDatabricks, kindContext, recordingProgress, sourceFile, WORKSPACE } from "../../../../test/support/fake-databricks-api.ts";
import { normaliseNotebook } from "../notebook-source.ts";
import { notebooksKind } from "./notebooks.ts";

const file = (path: string, content: string, language?: NotebookFile["language"]): NotebookFile => ({ path, source: sourceFile(content, path.split("/").pop()), ...(language ? { language } : {}) });

const folder = (files: NotebookFile[], path = "/Shared/etl"): NotebooksResource => ({ kind: "notebooks", key: "etl", workspace: WORKSPACE, folder: path, files });

const LOAD = "# COMMAND ----------\nprint('load')\n# COMMAND ----------\nprint('done')\n";

async function deploy(api: FakeDatabricks, r: NotebooksResource) {
  const ctx = kindContext(api);
  const live = await notebooksKind.inspect(r, ctx);
  return { live, result: await notebooksKind.run(r, live, ctx, recordingProgress()) };
}

test("normalising exported notebooks: Databricks' header line, line endings and trailing newlines are not edits; cell separators are", () => {
  const local = Buffer.from("print(1)\r\n# COMMAND ----------\r\nprint(2)");
  const exported = Buffer.from("# Databricks notebook source\nprint(1)\n# COMMAND ----------\nprint(2)\n\n");
  assert.equal(normaliseNotebook(local, "PYTHON"), normaliseNotebook(exported, "PYTHON"));
  assert.equal(normaliseNotebook(Buffer.from("-- Databricks notebook source\nSELECT 1\n"), "SQL"), "SELECT 1");
  assert.equal(normaliseNotebook(Buffer.from("// Databricks notebook source\nval x = 1"), "SCALA"), "val x = 1");
  assert.equal(normaliseNotebook(Buffer.from("# Databricks notebook source\nSELECT 1"), "SQL"), "# Databricks notebook source\nSELECT 1", "another language's header is content");
  assert.notEqual(normaliseNotebook(Buffer.from("print(1)\nprint(2)"), "PYTHON"), normaliseNotebook(exported, "PYTHON"), "a removed cell separator is a change");
});

test("Databricks re-serialises cells (blank lines around separators, each cell trimmed): compared cell by cell, spacing is no edit; MAGIC lines are content", () => {
  const local = Buffer.from("import x\n# COMMAND ----------\n# MAGIC %md\n# MAGIC # Title\n# COMMAND ----------\n\nprint(x)  \n");
  const exported = Buffer.from("# Databricks notebook source\nimport x\n\n# COMMAND ----------\n\n# MAGIC %md\n# MAGIC # Title\n\n# COMMAND ----------\n\nprint(x)\n");
  assert.equal(normaliseNotebook(local, "PYTHON"), normaliseNotebook(exported, "PYTHON"));
  const sqlLocal = Buffer.from("SELECT 1;\n-- COMMAND ----------\nSELECT 2;");
  const sqlExported = Buffer.from("-- Databricks notebook source\nSELECT 1;\n\n-- COMMAND ----------\n\nSELECT 2;\n");
  assert.equal(normaliseNotebook(sqlLocal, "SQL"), normaliseNotebook(sqlExported, "SQL"));
  const scala = Buffer.from("// Databricks notebook source\nval x = 1\n\n// COMMAND ----------\n\nprintln(x)");
  assert.equal(normaliseNotebook(Buffer.from("val x = 1\n// COMMAND ----------\nprintln(x)\n"), "SCALA"), normaliseNotebook(scala, "SCALA"));
  assert.notEqual(normaliseNotebook(Buffer.from("import x\n# COMMAND ----------\n# MAGIC %md\n# MAGIC # Other\n# COMMAND ----------\nprint(x)"), "PYTHON"), normaliseNotebook(exported, "PYTHON"), "a MAGIC line is content");
});

test("a folder of notebooks and plain files: folders made, notebooks as SOURCE, files RAW; a second run writes nothing; object_id out", async () => {
  const api = new FakeDatabricks();
  const r = folder([file("load", LOAD, "PYTHON"), file("sql/report", "SELECT 1\n", "SQL"), file("conf/settings.json", '{"a":1}\n'), file("/Workspace/Shared/etl/lib/util.scala", "object U\n", "SCALA")]);
  const first = await deploy(api, r);
  assert.equal(first.live.exists, false);
  assert.deepEqual(first.live.changes.map((c) => c.field), ["(folder)", "files/load", "files/sql/report", "files/conf/settings.json", "files/lib/util.scala"]);
  assert.equal(first.result.did, "imported 4 files in /Shared/etl");
  assert.deepEqual(first.result.outputs, { object_id: String(api.workspace.get("/Shared/etl")!.id) });
  const imports = api.writes().filter((w) => w.path.endsWith("/import")).map((w) => [(w.body as { path: string }).path, (w.body as { format: string }).format, (w.body as { language?: string }).language]);
  assert.deepEqual(imports, [["/Shared/etl/load", "SOURCE", "PYTHON"], ["/Shared/etl/sql/report", "SOURCE", "SQL"], ["/Shared/etl/conf/settings.json", "RAW", undefined], ["/Shared/etl/lib/util.scala", "SOURCE", "SCALA"]]);

  const writes = api.writes().length;
  const second = await deploy(api, r);
  assert.deepEqual([second.live.changes, second.live.intentChanged, second.result.did, second.result.mutated], [[], false, "unchanged", false]);
  assert.equal(api.writes().length, writes, "the exported notebooks carry Databricks' header and still compare equal: zero writes");
  assert.deepEqual(second.live.outputs, first.result.outputs);
  assert.equal((await notebooksKind.check(r, kindContext(api), "settled", {})).ok, true);
});

test("sync: only the edited notebook is imported again; files not in the spec are deleted, a stray folder at once", async () => {
  const api = new FakeDatabricks();
  api.workspacePrefix = true; // listings answer /Workspace/… paths: still one spelling
  await deploy(api, folder([file("load", LOAD, "PYTHON"), file("old", "print('old')", "PYTHON"), file("tmp/a.txt", "a"), file("tmp/b.txt", "b")]));
  api.putWorkspace("/Shared/etl/scratch", { type: "NOTEBOOK", language: "PYTHON", content: Buffer.from("hand-made") });
  const writes = api.writes().length;
  const r = folder([file("load", LOAD.replace("done", "finished"), "PYTHON")]);
  const { live, result } = await deploy(api, r);
  assert.deepEqual(
    live.changes.map((c) => [c.field, c.from === undefined ? undefined : String(c.from).split(" ")[0], String(c.to).split(" ")[0]]),
    [
      ["files/old", "present", "deleted"],
      ["files/scratch", "present", "deleted"],
      ["files/tmp/", "present", "deleted"],
      ["files/load", "PYTHON", "PYTHON"],
    ],
  );
  assert.deepEqual(
    api.writes().slice(writes).map((w) => [w.path.split("/").pop(), (w.body as { path: string; recursive?: boolean }).path, (w.body as { recursive?: boolean }).recursive]),
    [["delete", "/Shared/etl/old", true], ["delete", "/Shared/etl/scratch", true], ["delete", "/Shared/etl/tmp", true], ["import", "/Shared/etl/load", undefined]],
  );
  assert.equal(result.did, "imported 1 file, deleted 3 not in the spec in /Shared/etl");
  assert.deepEqual([...api.workspace.keys()].filter((p) => p.startsWith("/Shared/etl/")), ["/Shared/etl/load"]);
});

test("a plain file that becomes a notebook (or a file where a folder is wanted) is deleted first: overwrite does not change types", async () => {
  const api = new FakeDatabricks();
  await deploy(api, folder([file("job", "print(1)"), file("sub", "a file")]));
  const r = folder([file("job", "print(1)", "PYTHON"), file("sub/x.txt", "x")]);
  const { live } = await deploy(api, r);
  assert.deepEqual(live.changes.map((c) => [c.field, c.from, String(c.to).split(" ").slice(0, 2).join(" ")]), [
    ["files/sub", "present", "deleted"],
    ["files/job", "file", "PYTHON notebook"],
    ["files/sub/x.txt", undefined, "created (file"],
  ]);
  assert.equal(api.workspace.get("/Shared/etl/job")!.type, "NOTEBOOK");
  assert.equal(api.workspace.get("/Shared/etl/sub")!.type, "DIRECTORY");
  assert.equal((await deploy(api, r)).result.mutated, false);
});

test("a file outside the folder is refused; remove deletes the folder recursively unless retained", async () => {
  const api = new FakeDatabricks();
  await assert.rejects(notebooksKind.inspect(folder([file("/Shared/other/x", "x", "PYTHON")]), kindContext(api)), /notebooks etl: \/Shared\/other\/x is not inside the folder \/Shared\/etl/);
  const r = folder([file("a/b/c", "print(1)", "PYTHON")]);
  await deploy(api, r);
  assert.deepEqual(api.writes().filter((w) => w.path.endsWith("/mkdirs")).map((w) => (w.body as { path: string }).path), ["/Shared/etl/a/b"], "mkdirs makes parents: one call");
  assert.deepEqual(await notebooksKind.remove({ ...r, retain: true }, kindContext(api), recordingProgress()), { did: "kept /Shared/etl (retain: true)", mutated: false });
  assert.deepEqual(await notebooksKind.remove(r, kindContext(api), recordingProgress()), { did: "deleted /Shared/etl and everything in it", mutated: true });
  assert.equal([...api.workspace.keys()].some((p) => p.startsWith("/Shared/etl")), false);
  assert.equal((await notebooksKind.check(r, kindContext(api), "settled", {})).ok, false);
});

test("a source gone since its plan: the inspection (down, prune) still finds the folder and keeps the file; the run refuses", async () => {
  const api = new FakeDatabricks();
  const r = folder([file("load", LOAD, "PYTHON"), file("util", "x = 1", "PYTHON")]);
  await deploy(api, r);
  rmSync(r.files[1]!.source.path);
  const live = await notebooksKind.inspect(r, kindContext(api));
  assert.deepEqual([live.exists, live.outputs], [true, { object_id: String(api.workspace.get("/Shared/etl")!.id) }]);
  assert.deepEqual(live.changes.map((c) => [c.field, String(c.to).split(":")[0]]), [["files/util", "unknown"]], "not listed for deletion");
  assert.match(live.effects![0]!, /^the step fails before any write: notebooks etl: cannot read .*util: ENOENT/);
  const writes = api.writes().length;
  await assert.rejects(notebooksKind.run(r, live, kindContext(api), recordingProgress()), /notebooks etl: util: cannot read/);
  assert.equal(api.writes().length, writes);
});
