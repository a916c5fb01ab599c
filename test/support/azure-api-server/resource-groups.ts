/**
 * Microsoft.Resources: resource groups (synchronous create, long-running delete that takes everything in the group
 * with it) and the generic resource lists with `$filter` (tagName/tagValue, resourceType, name, location).
 */
import { ArmError, badRequest } from "./errors.ts";
import { normalizeLocation, parsePath, resourceGroupId } from "./ids.ts";
import { json, operationHeaders, type Reply } from "./reply.ts";
import { removeTree } from "./resources.ts";
import { authorize } from "./types/authorization.ts";
import type { Json } from "./types.ts";
import type { World } from "./world.ts";

const RG_TYPE = "Microsoft.Resources/resourceGroups";

const notFound = (name: string): ArmError => new ArmError(404, "ResourceGroupNotFound", `Resource group '${name}' could not be found.`);

const rgView = (rg: Json): Json => structuredClone(rg);

export function handleResourceGroup(w: World, method: string, name: string, body: Json | undefined, query: URLSearchParams, caller: string): Reply {
  const id = resourceGroupId(w.subscriptionId, name);
  const prev = w.store.get(id);
  switch (method) {
    case "HEAD":
      return json(prev ? 204 : 404);
    case "GET":
      if (!prev) throw notFound(name);
      return json(200, rgView(prev));
    case "PUT":
    case "PATCH": {
      authorize(w, caller, `${RG_TYPE}/write`, id);
      if (method === "PATCH" && !prev) throw notFound(name);
      if (prev?.properties?.provisioningState === "Deleting") throw new ArmError(409, "ResourceGroupBeingDeleted", `The resource group '${name}' is in deprovisioning state and cannot perform this operation.`);
      const location = method === "PATCH" ? prev!.location : body?.location === undefined ? undefined : normalizeLocation(body.location);
      if (!location) throw badRequest("LocationRequired", "The location property is required for this definition.");
      if (prev && prev.location !== location)
        throw new ArmError(409, "InvalidResourceGroupLocation", `Invalid resource group location '${location}'. The Resource group already exists in location '${prev.location}'.`);
      const tags = method === "PATCH" ? (body?.tags ?? prev!.tags) : (body?.tags ?? {});
      const rg: Json = { id: prev?.id ?? id, name: prev?.name ?? name, type: RG_TYPE, location, ...(body?.managedBy ?? prev?.managedBy ? { managedBy: body?.managedBy ?? prev?.managedBy } : {}), tags, properties: { provisioningState: "Succeeded" } };
      w.store.put(rg);
      return json(prev ? 200 : 201, rgView(rg));
    }
    case "DELETE": {
      if (!prev) throw notFound(name);
      authorize(w, caller, `${RG_TYPE}/delete`, id);
      if (prev.properties.provisioningState === "Deleting") return json(202);
      prev.properties.provisioningState = "Deleting";
      const op = w.ops.start({
        kind: "delete",
        resourceId: prev.id,
        namespace: "Microsoft.Resources",
        location: String(prev.location),
        apiVersion: query.get("api-version")!,
        durationMs: w.latency(RG_TYPE),
        finish: () => {
          for (const r of w.store.inResourceGroup(w.subscriptionId, name)) removeTree(w, String(r.id));
          removeTree(w, prev.id);
          return {};
        },
      });
      // Resource group deletion answers with Location only, as ARM does.
      return json(202, undefined, operationHeaders(w, op, false));
    }
    default:
      throw new ArmError(405, "MethodNotAllowed", `The HTTP method '${method}' is not supported.`);
  }
}

interface Filter {
  readonly tagName?: string;
  readonly tagValue?: string;
  readonly resourceType?: string;
  readonly name?: string;
  readonly location?: string;
}

function parseFilter(filter: string | null): Filter {
  if (!filter) return {};
  const out: Record<string, string> = {};
  for (const clause of filter.split(/\s+and\s+/i)) {
    const m = /^\s*(tagName|tagValue|resourceType|name|location)\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(clause);
    if (!m) throw badRequest("InvalidFilterInQueryString", `Invalid $filter '${filter}' specified in the query string.`);
    const key = m[1]!.toLowerCase();
    out[key === "tagname" ? "tagName" : key === "tagvalue" ? "tagValue" : key === "resourcetype" ? "resourceType" : key] = m[2]!.replace(/''/g, "'");
  }
  if (out.tagValue !== undefined && out.tagName === undefined) throw badRequest("InvalidFilterInQueryString", "tagValue can only be used together with tagName.");
  return out;
}

const tagOf = (tags: Json | undefined, name: string): string | undefined => {
  const key = Object.keys(tags ?? {}).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : String(tags![key]);
};

function keep(f: Filter, r: Json): boolean {
  if (f.tagName !== undefined) {
    const v = tagOf(r.tags, f.tagName);
    if (v === undefined || (f.tagValue !== undefined && v !== f.tagValue)) return false;
  }
  if (f.resourceType !== undefined && String(r.type).toLowerCase() !== f.resourceType.toLowerCase()) return false;
  if (f.name !== undefined && String(r.name).toLowerCase() !== f.name.toLowerCase()) return false;
  if (f.location !== undefined && String(r.location) !== normalizeLocation(f.location)) return false;
  return true;
}

/** The generic resource view of a list (no properties), as /resources answers. */
const generic = (r: Json): Json => {
  const out: Json = { id: r.id, name: r.name, type: r.type };
  for (const k of ["kind", "location", "managedBy", "sku", "identity", "tags"]) if (r[k] !== undefined) out[k] = structuredClone(r[k]);
  return out;
};

/** GET /subscriptions/{s}/resources or …/resourceGroups/{rg}/resources: top-level tracked resources. */
export function listResources(w: World, resourceGroup: string | undefined, query: URLSearchParams): Reply {
  if (resourceGroup && !w.store.get(resourceGroupId(w.subscriptionId, resourceGroup))) throw notFound(resourceGroup);
  const f = parseFilter(query.get("$filter"));
  const found = w.store.all().filter((r) => {
    const p = parsePath(String(r.id));
    if (!p.type || p.names.length !== 1 || p.scope.toLowerCase().includes("/providers/") || !p.resourceGroup) return false;
    if (resourceGroup && p.resourceGroup.toLowerCase() !== resourceGroup.toLowerCase()) return false;
    return keep(f, r);
  });
  return json(200, { value: found.map(generic) });
}

export function listResourceGroups(w: World, query: URLSearchParams): Reply {
  const f = parseFilter(query.get("$filter"));
  return json(200, { value: w.store.ofType(RG_TYPE).filter((r) => keep(f, r)).map(rgView) });
}
