/**
 * The principal berth deploys as, read from the credential's own ARM token (its `oid` claim), and role assignments
 * planned for it (AzureResource.assignee "deployer") made concrete: the real principal id in the body, and the name
 * every grant has — a GUID of scope, role definition and principal — so the same grant is found again on every run.
 */
import type { TokenCredential } from "@azure/core-auth";
import { nameGuid } from "../../catalog/azure/role-assignment.ts";
import type { AzureResource } from "../../resources/azure-resource.ts";

const ROLE_ASSIGNMENTS = "/providers/Microsoft.Authorization/roleAssignments/";

/** The `oid` claim of an access token (a JWT); undefined when the token is not one or carries none. */
export function objectIdOf(token: string): string | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8")) as { oid?: unknown };
    return typeof claims.oid === "string" ? claims.oid : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the deploying principal's object id once per provider. */
export class Deployer {
  #objectId: Promise<string> | undefined;

  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
  ) {}

  objectId(): Promise<string> {
    this.#objectId ??= this.credential.getToken(this.scope).then((t) => {
      const oid = t ? objectIdOf(t.token) : undefined;
      if (!oid) throw new Error("the deploying credential's token names no principal (no oid claim): berth cannot grant it access to the vault it reads");
      return oid;
    });
    return this.#objectId;
  }
}

/** The role assignment for the principal `objectId`: its real name, id and principal. */
export function assignedTo(resource: AzureResource, objectId: string): AzureResource {
  const at = resource.id.indexOf(ROLE_ASSIGNMENTS);
  if (at < 0) throw new Error(`${resource.id} is not a role assignment`);
  const scope = resource.id.slice(0, at);
  const properties = (resource.body.properties ?? {}) as { roleDefinitionId?: string };
  const name = nameGuid(`${scope}|${String(properties.roleDefinitionId ?? "").split("/").pop()}|${objectId}`);
  return { ...resource, id: `${scope}${ROLE_ASSIGNMENTS}${name}`, name, body: { ...resource.body, properties: { ...properties, principalId: objectId } } };
}
