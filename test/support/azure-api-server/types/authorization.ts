/**
 * Microsoft.Authorization: the built-in role definitions berth uses (real ids), role assignments (principal lookup
 * with a replication delay, duplicates refused), and the caller's permissions (the scenario can deny actions).
 */
import { ArmError, badRequest, conflict } from "../errors.ts";
import type { Json } from "../types.ts";
import type { TypeBehaviour, World } from "../world.ts";

interface RoleDefinition {
  readonly id: string;
  readonly roleName: string;
  readonly description: string;
  readonly actions: readonly string[];
  readonly dataActions: readonly string[];
}

export const ROLE_DEFINITIONS: readonly RoleDefinition[] = [
  { id: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", roleName: "Owner", description: "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.", actions: ["*"], dataActions: [] },
  { id: "b24988ac-6180-42a0-ab88-20f7382dd24c", roleName: "Contributor", description: "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.", actions: ["*"], dataActions: [] },
  { id: "acdd72a7-3c48-4e46-bc6c-2d0aacf5ad54", roleName: "Reader", description: "View all resources, but does not allow you to make any changes.", actions: ["*/read"], dataActions: [] },
  { id: "4d97b98b-1d4f-4787-a291-c67834d212e7", roleName: "Network Contributor", description: "Lets you manage networks, but not access to them.", actions: ["Microsoft.Network/*"], dataActions: [] },
  { id: "7f951dda-4ed3-4680-a7ca-43fe172d538d", roleName: "AcrPull", description: "acr pull", actions: ["Microsoft.ContainerRegistry/registries/pull/read"], dataActions: [] },
  { id: "4633458b-17de-408a-b874-0445c86b69e6", roleName: "Key Vault Secrets User", description: "Read secret contents.", actions: [], dataActions: ["Microsoft.KeyVault/vaults/secrets/getSecret/action", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"] },
  { id: "00482a5a-887f-4fb3-b363-3b7fe8e74483", roleName: "Key Vault Administrator", description: "Perform all data plane operations on a key vault and all objects in it.", actions: ["Microsoft.KeyVault/vaults/*/read"], dataActions: ["Microsoft.KeyVault/vaults/*"] },
  { id: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7", roleName: "Key Vault Secrets Officer", description: "Perform any action on the secrets of a key vault, except manage permissions.", actions: ["Microsoft.KeyVault/vaults/*/read"], dataActions: ["Microsoft.KeyVault/vaults/secrets/*"] },
  { id: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", roleName: "User Access Administrator", description: "Lets you manage user access to Azure resources.", actions: ["*/read", "Microsoft.Authorization/*"], dataActions: [] },
];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function roleDefinitionView(w: World, r: RoleDefinition): Json {
  return {
    id: `/subscriptions/${w.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${r.id}`,
    name: r.id,
    type: "Microsoft.Authorization/roleDefinitions",
    properties: {
      roleName: r.roleName,
      type: "BuiltInRole",
      description: r.description,
      assignableScopes: ["/"],
      permissions: [{ actions: r.actions, notActions: [], dataActions: r.dataActions, notDataActions: [] }],
    },
  };
}

/** `roleName eq 'X'` (the one filter berth sends); undefined filter lists all. */
export function roleDefinitions(w: World, filter: string | null): Json[] {
  const m = filter ? /roleName\s+eq\s+'([^']*)'/i.exec(filter) : null;
  if (filter && !m) throw badRequest("InvalidFilterInQueryString", `The filter '${filter}' is not supported. Supported filters are roleName eq '{value}' and type eq 'BuiltInRole|CustomRole'.`);
  return ROLE_DEFINITIONS.filter((r) => !m || r.roleName === m[1]).map((r) => roleDefinitionView(w, r));
}

export const roleDefinitionById = (guid: string): RoleDefinition | undefined => ROLE_DEFINITIONS.find((r) => r.id.toLowerCase() === guid.toLowerCase());

// Wildcard action match as RBAC does it: "*", "Microsoft.Network/*", "*/read".
export const matchesAction = (pattern: string, action: string): boolean => new RegExp("^" + pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join(".*") + "$", "i").test(action);

export function permissionsBody(w: World): Json {
  return { value: [{ actions: ["*"], notActions: [...(w.scenario.deniedActions ?? [])], dataActions: [], notDataActions: [] }] };
}

/** 403 AuthorizationFailed when the scenario denies the caller this action. */
export function authorize(w: World, callerObjectId: string, action: string, scope: string): void {
  if ((w.scenario.deniedActions ?? []).some((p) => matchesAction(p, action)))
    throw new ArmError(
      403,
      "AuthorizationFailed",
      `The client '${callerObjectId}' with object id '${callerObjectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
}

export const roleAssignments: TypeBehaviour = {
  tracked: false,
  validate(ctx) {
    const { w } = ctx;
    if (!GUID.test(ctx.name)) throw badRequest("InvalidRoleAssignmentId", `The role assignment ID '${ctx.name}' is not valid. The role assignment ID must be a GUID.`);
    const p = ctx.body.properties ?? {};
    const roleGuid = String(p.roleDefinitionId ?? "").split("/").pop() ?? "";
    if (!roleDefinitionById(roleGuid)) throw badRequest("RoleDefinitionDoesNotExist", `The specified role definition with ID '${roleGuid}' does not exist.`);
    const principal = String(p.principalId ?? "");
    const since = w.principals.get(principal);
    // A principalType lets ARM skip the directory lookup, which is how Azure documents avoiding the replication delay.
    const visible = since !== undefined && (p.principalType !== undefined || w.clock.now() - since >= (w.scenario.principalReplicationMs ?? 0));
    if (!visible)
      throw badRequest(
        "PrincipalNotFound",
        `Principal ${principal} does not exist in the directory ${w.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
      );
    if (ctx.prev) {
      const q = ctx.prev.properties;
      if (String(q.principalId) !== principal || String(q.roleDefinitionId).toLowerCase() !== String(p.roleDefinitionId).toLowerCase())
        throw conflict("RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.");
      return;
    }
    const scope = ctx.path.scope.toLowerCase();
    const dup = w.store
      .ofType("Microsoft.Authorization/roleAssignments")
      .find((a) => String(a.properties?.scope).toLowerCase() === scope && String(a.properties?.principalId) === principal && String(a.properties?.roleDefinitionId).split("/").pop()?.toLowerCase() === roleGuid.toLowerCase());
    if (dup) throw conflict("RoleAssignmentExists", "The role assignment already exists.", );
  },
  assign(ctx, res) {
    const now = new Date(ctx.w.clock.now()).toISOString();
    res.properties.scope = ctx.path.scope;
    res.properties.principalType ??= "ServicePrincipal";
    res.properties.createdOn = ctx.prev?.properties?.createdOn ?? now;
    res.properties.updatedOn = now;
  },
};
