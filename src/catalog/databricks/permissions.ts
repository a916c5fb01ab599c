/** Permissions: one step per object that declares them, after the object's own step (its id is an output token). */
import { DATABRICKS_PROVIDER, type DatabricksDesired, type PermissionEntry, type PermissionsResource } from "../../resources/databricks-resource.ts";
import { outputToken } from "../../resources/outputs.ts";
import { databricksKey } from "../../providers/databricks/planning.ts";
import type { PermissionSpec } from "../../spec/databricks-schema.ts";
import type { DatabricksContext } from "./context.ts";

export const aclEntry = (p: PermissionSpec): PermissionEntry => ({
  ...(p.user ? { user_name: p.user } : {}),
  ...(p.group ? { group_name: p.group } : {}),
  ...(p.servicePrincipal ? { service_principal_name: p.servicePrincipal } : {}),
  permission_level: p.level,
});

/** Object type and the output naming its id, per spec family. */
const OBJECTS = {
  clusters: { objectType: "clusters", output: "cluster_id" },
  jobs: { objectType: "jobs", output: "job_id" },
  notebooks: { objectType: "directories", output: "object_id" },
} as const;

export function synthPermissions(ctx: DatabricksContext, family: keyof typeof OBJECTS, name: string, ownerKey: string, permissions: readonly PermissionSpec[] | undefined): DatabricksDesired[] {
  if (!permissions) return [];
  const o = OBJECTS[family];
  const resource: PermissionsResource = {
    kind: "permissions",
    key: `${family}.${name}`,
    workspace: ctx.workspace,
    objectType: o.objectType,
    objectId: outputToken({ resource: ownerKey, output: o.output }),
    owner: ownerKey,
    accessControlList: permissions.map(aclEntry),
  };
  return [{ key: databricksKey(resource), provider: DATABRICKS_PROVIDER, resource, origin: ["spec", "databricks", family, name, "permissions"], group: ["databricks", family, name], needs: [...ctx.needs] }];
}
