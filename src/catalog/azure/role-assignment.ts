/**
 * Role assignments: an extension resource below its scope. The name is a GUID derived from scope, role and
 * principal (UUID version 5 layout over SHA-1), so the same grant always has the same name and a re-run finds it.
 */
import { createHash } from "node:crypto";
import type { AzureDesired } from "../../resources/azure-resource.ts";
import { roleDefinitionId, BUILT_IN_ROLES } from "../../resources/azure-roles.ts";
import { keyOfId, SUBSCRIPTION_SCOPE } from "../../resources/identity.ts";
import { make, type AzureContext } from "./context.ts";
import type { ArmPlace } from "./ids.ts";

/** RFC 4122 name-based UUID (version 5) of `name` in the URL namespace. */
export function nameGuid(name: string): string {
  const ns = Buffer.from("6ba7b8119dad11d180b400c04fd430c8", "hex");
  const h = createHash("sha1").update(ns).update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export interface Grant {
  readonly role: string;
  readonly scope: ArmPlace;
  /** The principal's object id: an output token of the identity (principalId) or cluster (kubeletObjectId). */
  readonly principalId: string;
  readonly origin: readonly (string | number)[];
  readonly group?: readonly string[];
}

export function roleAssignment(ctx: AzureContext, g: Grant): AzureDesired {
  const type = "Microsoft.Authorization/roleAssignments";
  const name = nameGuid(`${g.scope.id}|${BUILT_IN_ROLES[g.role]}|${g.principalId}`);
  const scope = g.scope.resourceGroup ?? (g.scope.type === "Microsoft.Resources/resourceGroups" ? g.scope.name : SUBSCRIPTION_SCOPE);
  return make(ctx, {
    place: { type, name, resourceGroup: scope === SUBSCRIPTION_SCOPE ? undefined : scope, id: `${g.scope.id}/providers/${type}/${name}`, key: keyOfId({ provider: "azure", type, scope, name }) },
    origin: g.origin,
    group: g.group,
    // The scope's id is written out, not a token: the grant must still wait for the resource it is on.
    needs: [g.scope.key],
    body: { properties: { roleDefinitionId: roleDefinitionId(ctx.azure.subscriptionId, g.role), principalId: g.principalId, principalType: "ServicePrincipal" } },
  });
}

/** The principal a grant to the deploying principal names in the plan: the provider puts the real one in (AzureResource.assignee). */
export const DEPLOYER = "(the deploying principal)";

/**
 * A grant to the principal berth deploys as (what reads a vault's secret values at deploy time): planned with a
 * placeholder principal and name, made concrete by the Azure provider from its credential's token.
 */
export function deployerRoleAssignment(ctx: AzureContext, g: Omit<Grant, "principalId">): AzureDesired {
  const d = roleAssignment(ctx, { ...g, principalId: DEPLOYER });
  // Whoever deploys, the same step: no principalType (a user or an application may deploy).
  const properties = { ...(d.resource.body.properties as Record<string, unknown>) };
  delete properties.principalType;
  return { ...d, resource: { ...d.resource, body: { ...d.resource.body, properties }, assignee: "deployer" } };
}
