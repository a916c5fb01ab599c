import assert from "node:assert/strict";
import { test } from "node:test";
import type { PermissionsResource } from "../../../resources/databricks-resource.ts";
import { ProviderRequestFailed } from "../../provider.ts";
import { FakeDatabricks, kindContext, recordingProgress, WORKSPACE } from "../../../../test/support/fake-databricks-api.ts";
import { isPermissionLevel, PERMISSION_LEVELS, permissionsKind } from "./permissions.ts";

const perms = (objectType: PermissionsResource["objectType"], objectId: string, accessControlList: PermissionsResource["accessControlList"]): PermissionsResource => ({
  kind: "permissions",
  key: "nightly",
  workspace: WORKSPACE,
  objectType,
  objectId,
  owner: `${objectType} nightly`,
  accessControlList,
});

/** A job as the workspace shows it: its creator owns it, admins manage it by inheritance. */
const jobAcl = () => [
  { service_principal_name: "deployer-sp", all_permissions: [{ permission_level: "IS_OWNER", inherited: false }] },
  { group_name: "admins", all_permissions: [{ permission_level: "CAN_MANAGE", inherited: true, inherited_from_object: ["/jobs/"] }] },
];

async function deploy(api: FakeDatabricks, r: PermissionsResource) {
  const ctx = kindContext(api);
  const live = await permissionsKind.inspect(r, ctx);
  return { live, result: await permissionsKind.run(r, live, ctx, recordingProgress()) };
}

test("the permission-level table: what each object type takes", () => {
  assert.deepEqual(PERMISSION_LEVELS, {
    clusters: ["CAN_ATTACH_TO", "CAN_RESTART", "CAN_MANAGE"],
    jobs: ["CAN_VIEW", "CAN_MANAGE_RUN", "IS_OWNER", "CAN_MANAGE"],
    directories: ["CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"],
    notebooks: ["CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"],
  });
  assert.equal(isPermissionLevel("jobs", "CAN_MANAGE_RUN"), true);
  assert.equal(isPermissionLevel("clusters", "CAN_MANAGE_RUN"), false);
});

test("a job's ACL: the spec's entries PUT with the live owner kept; inherited entries never compared; then zero writes", async () => {
  const api = new FakeDatabricks();
  api.permissions.set("jobs/42", jobAcl());
  const r = perms("jobs", "42", [
    { group_name: "data-engineers", permission_level: "CAN_MANAGE_RUN" },
    { user_name: "ana@example.com", permission_level: "CAN_VIEW" },
  ]);
  const { live, result } = await deploy(api, r);
  assert.deepEqual(live.changes, [
    { field: "access_control_list/group data-engineers", to: "CAN_MANAGE_RUN" },
    { field: "access_control_list/user ana@example.com", to: "CAN_VIEW" },
  ]);
  assert.deepEqual(result, { did: "set 2 entries", mutated: true });
  assert.deepEqual(api.writes().map((w) => [w.method, w.path, w.body]), [
    ["PUT", "/api/2.0/permissions/jobs/42", { access_control_list: [{ group_name: "data-engineers", permission_level: "CAN_MANAGE_RUN" }, { user_name: "ana@example.com", permission_level: "CAN_VIEW" }, { service_principal_name: "deployer-sp", permission_level: "IS_OWNER" }] }],
  ]);
  const again = await deploy(api, r);
  assert.deepEqual([again.live.changes, again.live.intentChanged, again.result], [[], false, { did: "unchanged", mutated: false }]);
  assert.equal(api.writes().length, 1, "the owner and the inherited admins are not berth's: unchanged, zero writes");
  assert.equal((await permissionsKind.check(r, kindContext(api), "settled", {})).ok, true);

  // A grant added by hand is removed, a changed level put back.
  const acl = api.permissions.get("jobs/42")!;
  acl.push({ user_name: "mallory@example.com", all_permissions: [{ permission_level: "CAN_MANAGE_RUN", inherited: false }] });
  acl.find((e) => e.group_name === "data-engineers")!.all_permissions = [{ permission_level: "CAN_MANAGE", inherited: false }];
  const drifted = await permissionsKind.check(r, kindContext(api), "settled", {});
  assert.deepEqual([drifted.ok, drifted.reason], [false, "Drifted"]);
  assert.deepEqual((await deploy(api, r)).live.changes, [
    { field: "access_control_list/group data-engineers", from: "CAN_MANAGE", to: "CAN_MANAGE_RUN" },
    { field: "access_control_list/user mallory@example.com", from: "CAN_MANAGE_RUN", to: "removed" },
  ]);
  assert.equal(api.permissions.get("jobs/42")!.some((e) => e.user_name === "mallory@example.com"), false);
  assert.equal(api.permissions.get("jobs/42")!.some((e) => e.service_principal_name === "deployer-sp"), true, "the owner stays");
});

test("a cluster's creator keeps its CAN_MANAGE (a non-admin deployer is not locked out), unless the spec names it", async () => {
  const api = new FakeDatabricks();
  api.permissions.set("clusters/0101-abc", [
    { user_name: "deployer@example.com", all_permissions: [{ permission_level: "CAN_MANAGE", inherited: false }] },
    { group_name: "old-team", all_permissions: [{ permission_level: "CAN_MANAGE", inherited: false }] },
    { group_name: "admins", all_permissions: [{ permission_level: "CAN_MANAGE", inherited: true, inherited_from_object: ["/clusters/"] }] },
  ]);
  const r = perms("clusters", "0101-abc", [{ group_name: "data-engineers", permission_level: "CAN_ATTACH_TO" }]);
  const { live } = await deploy(api, r);
  assert.deepEqual(live.changes, [
    { field: "access_control_list/group data-engineers", to: "CAN_ATTACH_TO" },
    { field: "access_control_list/group old-team", from: "CAN_MANAGE", to: "removed" },
  ]);
  assert.deepEqual(api.writes()[0]!.body, { access_control_list: [{ group_name: "data-engineers", permission_level: "CAN_ATTACH_TO" }, { user_name: "deployer@example.com", permission_level: "CAN_MANAGE" }] });
  assert.equal((await deploy(api, r)).result.mutated, false, "the kept entry is no difference: zero writes");
  // Named by the spec, the principal's level is the spec's.
  const named = perms("clusters", "0101-abc", [{ user_name: "deployer@example.com", permission_level: "CAN_RESTART" }]);
  assert.deepEqual((await deploy(api, named)).live.changes, [
    { field: "access_control_list/group data-engineers", from: "CAN_ATTACH_TO", to: "removed" },
    { field: "access_control_list/user deployer@example.com", from: "CAN_MANAGE", to: "CAN_RESTART" },
  ]);
});

test("a spec that names the owner replaces the live one (and is compared with it)", async () => {
  const api = new FakeDatabricks();
  api.permissions.set("jobs/42", jobAcl());
  const r = perms("jobs", "42", [{ service_principal_name: "runner-sp", permission_level: "IS_OWNER" }]);
  assert.deepEqual((await deploy(api, r)).live.changes, [
    { field: "access_control_list/service principal deployer-sp", from: "IS_OWNER", to: "removed" },
    { field: "access_control_list/service principal runner-sp", to: "IS_OWNER" },
  ]);
  assert.deepEqual(api.writes()[0]!.body, { access_control_list: [{ service_principal_name: "runner-sp", permission_level: "IS_OWNER" }] });
  assert.equal((await deploy(api, r)).result.mutated, false);
});

test("levels are checked per object type before any request; an entry names exactly one principal", async () => {
  const api = new FakeDatabricks();
  api.permissions.set("clusters/0101-abc", []);
  const refused = (pattern: RegExp) => (e: unknown) => e instanceof ProviderRequestFailed && e.status === 400 && pattern.test(e.message);
  await assert.rejects(
    permissionsKind.run(perms("clusters", "0101-abc", [{ group_name: "g", permission_level: "CAN_VIEW" }]), { exists: true, ownership: "ours", changes: [], intentChanged: false }, kindContext(api), recordingProgress()),
    refused(/permissions of clusters nightly: CAN_VIEW is not a permission level of clusters \(one of CAN_ATTACH_TO, CAN_RESTART, CAN_MANAGE\), given to group g/),
  );
  await assert.rejects(permissionsKind.inspect(perms("clusters", "0101-abc", [{ group_name: "g", user_name: "u", permission_level: "CAN_RESTART" }]), kindContext(api)), refused(/entry 0 must name exactly one of user_name, group_name, service_principal_name/));
  assert.equal(api.requests.length, 0);
});

test("an object made by this run: every entry new at plan time; an object gone: refused; remove deletes nothing", async () => {
  const api = new FakeDatabricks();
  const token = perms("directories", "((berth.output databricks:notebooks:main:etl object_id))", [{ group_name: "readers", permission_level: "CAN_READ" }]);
  assert.deepEqual(await permissionsKind.inspect(token, kindContext(api)), { exists: false, ownership: "absent", changes: [{ field: "access_control_list/group readers", to: "CAN_READ" }], intentChanged: true });
  assert.equal(api.requests.length, 0, "nothing to ask about an object not made yet");
  const gone = perms("directories", "9999", [{ group_name: "readers", permission_level: "CAN_READ" }]);
  await assert.rejects(deploy(api, gone), (e: unknown) => e instanceof ProviderRequestFailed && e.status === 404 && /directories 9999 does not exist/.test(e.message));
  assert.deepEqual(await permissionsKind.remove(gone, kindContext(api), recordingProgress()), { did: "nothing to delete (goes with its object)", mutated: false });
  assert.equal(api.writes().length, 0);
});
