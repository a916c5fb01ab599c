/**
 * A resource's identity across providers: provider + type + scope + name. Its key is the one string form, used as
 * the step id, in the journal and in `needs`. For Kubernetes: type `apiVersion/kind`, scope the namespace or
 * `_cluster` (the keys are the ones berth has always written). For Azure: type the ARM resource type
 * (`Microsoft.KeyVault/vaults`, children spelled whole: `Microsoft.Sql/servers/databases`), scope the resource group
 * (`_subscription` for resource groups and subscription-level resources), name the ARM name (children `server/db`).
 */
export interface ResourceId {
  readonly provider: string;
  readonly type: string;
  readonly scope: string;
  readonly name: string;
}

export const CLUSTER_SCOPE = "_cluster";
export const SUBSCRIPTION_SCOPE = "_subscription";

export const keyOfId = (id: ResourceId): string => `${id.provider}:${id.type}:${id.scope}:${id.name}`;

/** The inverse of keyOfId; names may hold colons (RBAC `system:…`), types and scopes never do. */
export function idOfKey(key: string): ResourceId | undefined {
  const m = /^([^:]+):([^:]+):([^:]+):(.+)$/.exec(key);
  return m ? { provider: m[1]!, type: m[2]!, scope: m[3]!, name: m[4]! } : undefined;
}
