/**
 * ARM ids and paths: `{scope}/providers/{namespace}/{type}/{name}[/{childType}/{childName}…]`, where the scope is a
 * subscription, a resource group, or (extension resources such as role assignments) another resource's id.
 */
export interface ArmPath {
  readonly subscriptionId?: string;
  readonly resourceGroup?: string;
  /** What the last `/providers/` is under ('' for tenant level). */
  readonly scope: string;
  readonly namespace?: string;
  /** `Namespace/type[/childType…]`, for the segments after the namespace. */
  readonly type?: string;
  /** Names of the type segments (`vnet`, `subnet`); one fewer than types for a collection path. */
  readonly names: readonly string[];
  /** Path ends on a type segment (a collection, or a POST action after a name). */
  readonly collection: boolean;
  /** A trailing segment after a complete id (POST …/listClusterUserCredential). */
  readonly action?: string;
  /** The resource id (scope through the last name), when the path names one. */
  readonly id?: string;
}

const segmentsOf = (path: string): string[] => path.split("/").filter((s) => s !== "").map(decodeURIComponent);

export function parsePath(path: string): ArmPath {
  const seg = segmentsOf(path);
  const lower = seg.map((s) => s.toLowerCase());
  const subscriptionId = lower[0] === "subscriptions" ? seg[1] : undefined;
  const resourceGroup = subscriptionId && lower[2] === "resourcegroups" ? seg[3] : undefined;
  const at = lower.lastIndexOf("providers");
  if (at < 0) return { subscriptionId, resourceGroup, scope: "/" + seg.join("/"), names: [], collection: false };
  const scope = at === 0 ? "" : "/" + seg.slice(0, at).join("/");
  const namespace = seg[at + 1];
  const rest = seg.slice(at + 2);
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    types.push(rest[i]!);
    if (i + 1 < rest.length) names.push(rest[i + 1]!);
  }
  let collection = types.length > names.length;
  let action: string | undefined;
  // `…/{type}/{name}/{action}` reads as a collection of type `action`; which one it is depends on the method,
  // so both readings are kept: callers of a POST use `action`.
  if (collection && names.length > 0) action = types[types.length - 1];
  const type = namespace === undefined ? undefined : [namespace, ...types].join("/");
  const named = Math.min(types.length, names.length);
  const id = named > 0 ? [scope, "providers", namespace, ...types.slice(0, named).flatMap((t, i) => [t, names[i]!])].join("/") : undefined;
  if (!types.length) collection = false;
  return { subscriptionId, resourceGroup, scope, namespace, type, names, collection, action, id };
}

/** The type of a resource id (`Microsoft.Network/virtualNetworks/subnets`), with a resource group's special case. */
export function typeOfId(id: string): string {
  const p = parsePath(id);
  if (p.type) return p.type;
  if (p.resourceGroup) return "Microsoft.Resources/resourceGroups";
  return "Microsoft.Resources/subscriptions";
}

/** The parent of a child resource id (a subnet's VNet), or undefined for a top-level resource. */
export function parentId(id: string): string | undefined {
  const p = parsePath(id);
  if (!p.id || p.names.length < 2) return undefined;
  const seg = p.id.split("/");
  return seg.slice(0, -2).join("/");
}

export const lowerId = (id: string): string => id.toLowerCase().replace(/\/+$/, "");

export const resourceGroupId = (subscriptionId: string, resourceGroup: string): string => `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;

/** The last name of an id; children's ARM `name` is the last segment only. */
export const nameOfId = (id: string): string => id.split("/").filter(Boolean).pop() ?? "";

/** ARM answers locations normalised ("West Europe" → "westeurope"), whatever the request spelled. */
export const normalizeLocation = (location: unknown): string => String(location).toLowerCase().replace(/\s+/g, "");
