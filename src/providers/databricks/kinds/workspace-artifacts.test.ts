/**
 * The init script, notebooks, secret scope and permissions kinds through the Databricks provider, its real client and
 * the engine, against the Databricks test server on virtual time: everything deployed in order (the folder's
 * object_id substituted into its permissions), a second run writing nothing, a canary vault value nowhere but the
 * workspace, an edit written alone, and down removing what berth made.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { test } from "node:test";
import { deploy, INSTANCE, planStep as step, startPatWorkspace, VAULT } from "../../../../test/support/databricks-provider.ts";
import { sourceFile } from "../../../../test/support/fake-databricks-api.ts";
import type { DatabricksWorkspaceRef, InitScriptResource, NotebooksResource, PermissionsResource, SecretScopeResource } from "../../../resources/databricks-resource.ts";
import { outputToken } from "../../../resources/outputs.ts";

const WS_ID = "5555666677778888";
const CANARY = "canary-dbx-9d41e2-never-shown";

async function setup() {
  const t = await startPatWorkspace({ id: WS_ID, users: ["ana@example.com"] });
  // The secret a scope copies, set in the vault before the run.
  t.vault.set("db-password", { value: CANARY, updatedOn: t.clock.now() - 60_000 });
  return t;
}

function artifacts(ref: DatabricksWorkspaceRef) {
  const scripts: InitScriptResource[] = [
    { kind: "initScript", key: "setup", workspace: ref, source: sourceFile("#!/bin/bash\npip install requests\n", "setup.sh"), destination: { workspace: "/Workspace/Shared/init/setup.sh" } },
    { kind: "initScript", key: "libs", workspace: ref, source: sourceFile("#!/bin/bash\necho libs\n", "libs.sh"), destination: { volumes: "/Volumes/main/ops/scripts/libs.sh" } },
    { kind: "initScript", key: "legacy", workspace: ref, source: sourceFile("#!/bin/bash\necho legacy\n", "legacy.sh"), destination: { dbfs: "dbfs:/init-scripts/legacy.sh" } },
  ];
  const notebooks: NotebooksResource = {
    kind: "notebooks",
    key: "etl",
    workspace: ref,
    folder: "/Shared/etl",
    files: [
      { path: "load", language: "PYTHON", source: sourceFile("# COMMAND ----------\nprint('load')\n", "load.py") },
      { path: "sql/report", language: "SQL", source: sourceFile("SELECT 1\n", "report.sql") },
      { path: "conf/settings.json", source: sourceFile('{"env": "dev"}\n', "settings.json") },
    ],
  };
  const scope: SecretScopeResource = { kind: "secretScope", key: "etl", workspace: ref, name: "dev-etl", backend: { type: "DATABRICKS", secrets: { "db-password": { vaultId: VAULT, secret: "db-password" } } }, acls: { "data-engineers": "READ" } };
  const notebooksStep = step(notebooks);
  const permissions: PermissionsResource = {
    kind: "permissions",
    key: "etl",
    workspace: ref,
    objectType: "directories",
    objectId: outputToken({ resource: notebooksStep.id, output: "object_id" }),
    owner: "notebooks etl",
    accessControlList: [
      // "users": the test server keeps a principal's type only for admins and users (other groups come back as user_name).
      { group_name: "users", permission_level: "CAN_RUN" },
      { user_name: "ana@example.com", permission_level: "CAN_EDIT" },
    ],
  };
  const steps = [...scripts.map((s) => step(s)), step(scope), notebooksStep, step(permissions, [notebooksStep.id])];
  return { scripts, notebooks, scope, permissions, steps };
}

test("init scripts, a notebooks folder, a secret scope and the folder's permissions: deployed through the client, then a second run writes nothing", async () => {
  const t = await setup();
  try {
    const a = artifacts(t.ref);
    const first = await deploy(t.provider(), a.steps, t.clock);
    assert.equal(first.status, "ok", first.error);

    assert.equal(t.ws.objectContent("/Shared/init/setup.sh"), "#!/bin/bash\npip install requests\n");
    assert.equal(t.ws.object("/Shared/init/setup.sh")?.object_type, "FILE");
    assert.equal(t.ws.volumeContent("/Volumes/main/ops/scripts/libs.sh"), "#!/bin/bash\necho libs\n");
    assert.equal(t.ws.dbfsContent("/init-scripts/legacy.sh"), "#!/bin/bash\necho legacy\n");
    assert.ok(first.events.some((e) => e.type === "step" && e.state === "done" && /DBFS: deprecated by Databricks; use workspace files or a volume/.test(e.message ?? "")));
    assert.deepEqual(
      t.ws.objects().filter((o) => o.path.startsWith("/Shared/etl/")).map((o) => [o.path, o.object_type, o.language]).sort(),
      [["/Shared/etl/conf", "DIRECTORY", undefined], ["/Shared/etl/conf/settings.json", "FILE", undefined], ["/Shared/etl/load", "NOTEBOOK", "PYTHON"], ["/Shared/etl/sql", "DIRECTORY", undefined], ["/Shared/etl/sql/report", "NOTEBOOK", "SQL"]],
    );
    assert.equal(t.ws.secretValue("dev-etl", "db-password"), CANARY);
    assert.deepEqual(t.ws.acls("dev-etl").sort((x, y) => x.principal.localeCompare(y.principal)), [{ principal: "data-engineers", permission: "READ" }], "made to match: the creator's MANAGE went");
    const folderId = String(t.ws.object("/Shared/etl")!.object_id);
    const direct = t.ws.permissions("directories", folderId)!.access_control_list.filter((e: { all_permissions: { inherited: boolean }[] }) => e.all_permissions.some((p) => !p.inherited));
    assert.deepEqual(direct.map((e: Record<string, unknown>) => [e.group_name ?? e.user_name, (e.all_permissions as { permission_level: string }[])[0]!.permission_level]).sort(), [["ana@example.com", "CAN_EDIT"], ["users", "CAN_RUN"]]);
    const applied = first.journal.find((e) => e.event === "applied" && e.step === a.steps[4]!.id);
    assert.deepEqual(applied?.outputs, { object_id: folderId }, "the folder's id is journaled: the permissions step got it");

    // The canary vault value went to the workspace and nowhere else berth writes or says.
    const said = JSON.stringify([first.events, first.journal, first.error]);
    assert.ok(!said.includes(CANARY), "the vault value is in no event, journal entry or error");
    assert.ok(said.includes("(set from vault kv-dev/db-password)") || first.events.some((e) => e.type === "step" && /1 secret set from the vault/.test(e.message ?? "")));

    const writes = t.dbx.writes();
    const again = t.provider();
    for (const s of a.steps.slice(0, 5)) assert.deepEqual((await again.inspect(s)).changes, [], s.id);
    const second = await deploy(again, a.steps, t.clock, "r2");
    assert.equal(second.status, "ok", second.error);
    assert.deepEqual(t.dbx.requests.filter((r) => r.write).slice(writes).map((r) => r.path), [], "the second run wrote nothing");
  } finally {
    await t.close();
  }
});

test("an edit is written alone: one notebook imported, a file not in the spec deleted, a rotated vault secret put; down removes what berth made", async () => {
  const t = await setup();
  try {
    const a = artifacts(t.ref);
    assert.equal((await deploy(t.provider(), a.steps, t.clock)).status, "ok");
    writeFileSync(a.notebooks.files[0]!.source.path, "# COMMAND ----------\nprint('load v2')\n");
    const edited: NotebooksResource = { ...a.notebooks, files: [{ ...a.notebooks.files[0]!, source: sourceFile("# COMMAND ----------\nprint('load v2')\n", "load.py") }, a.notebooks.files[1]!] };
    t.vault.set("db-password", { value: `${CANARY}-rotated`, updatedOn: t.clock.now() + 1000 });
    t.clock.advance(5000);
    const before = t.dbx.requests.length;
    const result = await deploy(t.provider(), [step(a.scope), step(edited)], t.clock, "r2");
    assert.equal(result.status, "ok", result.error);
    assert.deepEqual(
      t.dbx.requests.slice(before).filter((r) => r.write).map((r) => r.path),
      ["/api/2.0/secrets/put", "/api/2.0/workspace/delete", "/api/2.0/workspace/import"],
      "the rotated secret, the file gone from the spec (its folder at once), the edited notebook",
    );
    assert.equal(t.ws.secretValue("dev-etl", "db-password"), `${CANARY}-rotated`);
    assert.equal(t.ws.object("/Shared/etl/conf"), undefined);
    assert.ok(!JSON.stringify(result.events).includes(CANARY));

    // What prune and down find: the untagged kinds from the plans deployed before, as long as they exist.
    const listing = t.provider();
    listing.remember([...a.steps, step(edited)]);
    assert.deepEqual((await listing.owned(INSTANCE, [])).map((o) => [o.ref.kind, o.ref.name, o.id]), [
      ["initScript", "legacy", undefined],
      ["initScript", "libs", undefined],
      ["initScript", "setup", undefined],
      ["notebooks", "etl", String(t.ws.object("/Shared/etl")!.object_id)],
      ["secretScope", "etl", undefined],
    ]);
    // What down removes: permissions go with their object (never listed), the rest in reverse order.
    const down = [step(edited, [], "undeploy"), step(a.scope, [], "undeploy"), ...a.scripts.map((s) => step(s, [], "undeploy"))];
    const removed = await deploy(t.provider(), down, t.clock, "r3");
    assert.equal(removed.status, "ok", removed.error);
    assert.equal(t.ws.object("/Shared/etl"), undefined);
    assert.equal(t.ws.object("/Shared/init/setup.sh"), undefined);
    assert.equal(t.ws.volumeContent("/Volumes/main/ops/scripts/libs.sh"), undefined);
    assert.equal(t.ws.dbfsContent("/init-scripts/legacy.sh"), undefined);
    assert.deepEqual(t.ws.scopes(), []);
  } finally {
    await t.close();
  }
});
