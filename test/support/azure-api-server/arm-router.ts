/**
 * Resource Manager dispatch: bearer token, api-version, then the endpoint family — subscription, resource groups,
 * generic lists, provider registration, operation status/result, deleted vaults, role definitions, permissions,
 * and finally any resource path (resources.ts).
 */
import { checkApiVersion } from "./api-versions.ts";
import type { Entra } from "./entra.ts";
import { ArmError } from "./errors.ts";
import { parsePath } from "./ids.ts";
import { Operations } from "./operations.ts";
import { handleProviders } from "./providers.ts";
import { json, type Reply } from "./reply.ts";
import { handleResourceGroup, listResourceGroups, listResources } from "./resource-groups.ts";
import { handleResource, resourceTypeOf } from "./resources.ts";
import { permissionsBody, roleDefinitionById, roleDefinitionView, roleDefinitions } from "./types/authorization.ts";
import { deletedVaultId, purgeRefusal } from "./types/keyvault.ts";
import type { Json } from "./types.ts";
import type { World } from "./world.ts";

export interface ArmCall {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: Json | undefined;
  readonly authorization: string | undefined;
}

const RG_VERSION_KEY = "Microsoft.Resources/resourceGroups";

export function routeArm(w: World, entra: Entra, call: ArmCall): Reply {
  const caller = entra.verify(call.authorization).oid;
  w.ops.settle();
  const method = call.method.toUpperCase();
  const q = call.query;
  const version = q.get("api-version");
  const extra = w.scenario.extraApiVersions;
  const seg = call.path.split("/").filter(Boolean).map(decodeURIComponent);
  const low = seg.map((s) => s.toLowerCase());
  if (low[0] !== "subscriptions" || seg.length < 2) {
    checkApiVersion(undefined, version);
    if (low[0] === "subscriptions" && method === "GET") return json(200, { value: [subscriptionView(w)] });
    throw new ArmError(404, "InvalidResourceType", `The resource type could not be found for path '${call.path}'.`);
  }
  if (seg[1]!.toLowerCase() !== w.subscriptionId.toLowerCase()) throw new ArmError(404, "SubscriptionNotFound", `The subscription '${seg[1]}' could not be found.`);
  if (seg.length === 2) {
    checkApiVersion(undefined, version);
    return json(200, subscriptionView(w));
  }
  // Resource groups and the generic lists.
  if (low[2] === "resourcegroups" && (seg.length <= 4 || (seg.length === 5 && low[4] === "resources"))) {
    checkApiVersion(RG_VERSION_KEY, version, extra);
    if (seg.length === 3) return listResourceGroups(w, q);
    if (seg.length === 4) return handleResourceGroup(w, method, seg[3]!, call.body, q, caller);
    return listResources(w, seg[3], q);
  }
  if (seg.length === 3 && low[2] === "resources") {
    checkApiVersion("Microsoft.Resources/resources", version, extra);
    return listResources(w, undefined, q);
  }
  // Subscription-level provider endpoints.
  if (low[2] === "providers" && seg.length <= 5 && !low.includes("resourcegroups")) {
    if (seg.length === 3 || (seg.length === 4 && method === "GET") || (seg.length === 5 && method === "POST" && /^(un)?register$/.test(low[4]!))) {
      checkApiVersion("providers", version, extra);
      return handleProviders(w, method, seg[3], seg[4]);
    }
  }
  const opAt = low.findIndex((s) => s === "operationstatuses" || s === "operationresults" || s === "asyncoperations");
  if (low[2] === "providers" && opAt > 0 && seg.length === opAt + 2) return operation(w, low[opAt]!, seg[opAt + 1]!);

  const p = parsePath(call.path);
  const type = p.type?.toLowerCase();
  if (type?.startsWith("microsoft.keyvault/locations/deletedvaults") || type === "microsoft.keyvault/deletedvaults") {
    checkApiVersion("deletedVaults", version, extra);
    return deletedVaults(w, method, p.names, type.endsWith("/purge"), q);
  }
  if (type === "microsoft.authorization/roledefinitions") {
    checkApiVersion("roleDefinitions", version, extra);
    if (method !== "GET") throw new ArmError(405, "MethodNotAllowed", "Only built-in role definitions are served; they are read-only.");
    if (p.collection) return json(200, { value: roleDefinitions(w, q.get("$filter")) });
    const def = roleDefinitionById(p.names[0]!);
    if (!def) throw new ArmError(404, "RoleDefinitionDoesNotExist", `The specified role definition with ID '${p.names[0]}' does not exist.`);
    return json(200, roleDefinitionView(w, def));
  }
  if (type === "microsoft.authorization/permissions" && p.collection) {
    checkApiVersion("permissions", version, extra);
    if (p.resourceGroup && !w.store.get(`/subscriptions/${w.subscriptionId}/resourceGroups/${p.resourceGroup}`))
      throw new ArmError(404, "ResourceGroupNotFound", `Resource group '${p.resourceGroup}' could not be found.`);
    if (p.scope.toLowerCase().includes("/providers/") && !w.store.get(p.scope))
      throw new ArmError(404, "ResourceNotFound", `The Resource '${p.scope}' was not found.`);
    return json(200, permissionsBody(w));
  }
  checkApiVersion(resourceTypeOf(method, p), version, extra);
  if (!p.type) throw new ArmError(404, "InvalidResourceType", `The resource type could not be found for path '${call.path}'.`);
  return handleResource(w, { method, path: p, query: q, body: call.body, caller });
}

const subscriptionView = (w: World): Json => ({
  id: `/subscriptions/${w.subscriptionId}`,
  subscriptionId: w.subscriptionId,
  tenantId: w.tenantId,
  displayName: "berth test subscription",
  state: "Enabled",
});

function operation(w: World, kind: string, id: string): Reply {
  const op = w.ops.get(id);
  if (!op) throw new ArmError(404, "OperationNotFound", `The operation '${id}' could not be found.`);
  const retry = { "Retry-After": String(w.scenario.retryAfterSeconds ?? 10) };
  if (kind !== "operationresults") return json(200, Operations.statusBody(op), op.status === "InProgress" ? retry : {});
  if (op.status === "InProgress") return json(202, undefined, { ...retry, Location: Operations.urls(op, w.base(), w.subscriptionId).location });
  if (op.status === "Failed") return json(400, { error: op.outcome!.error });
  if (op.kind === "delete") return json(204);
  if (op.kind === "post") return op.outcome?.result ? json(200, op.outcome.result) : json(204);
  const res = op.read?.();
  return res ? json(200, res) : json(204);
}

function deletedVaults(w: World, method: string, names: readonly string[], purge: boolean, q: URLSearchParams): Reply {
  if (names.length <= 1 && method === "GET") return json(200, { value: [...w.deletedVaults.values()].filter((d) => !names[0] || String(d.view.properties.location).toLowerCase() === names[0].toLowerCase()).map((d) => structuredClone(d.view)) });
  const [location, name] = [names[0]!, names[1]!];
  const deleted = w.deletedVaults.get(name.toLowerCase());
  const here = deleted && String(deleted.view.properties.location).toLowerCase() === location.toLowerCase() ? deleted : undefined;
  if (!purge) {
    if (method !== "GET") throw new ArmError(405, "MethodNotAllowed", `The HTTP method '${method}' is not supported.`);
    if (!here) throw new ArmError(404, "ResourceNotFound", `The Resource 'Microsoft.KeyVault/deletedVaults/${name}' was not found.`);
    return json(200, structuredClone(here.view));
  }
  if (method !== "POST") throw new ArmError(405, "MethodNotAllowed", `The HTTP method '${method}' is not supported.`);
  const refusal = here ? purgeRefusal(w, name) : new ArmError(404, "ResourceNotFound", `The Resource 'Microsoft.KeyVault/deletedVaults/${name}' was not found.`);
  if (refusal) throw refusal;
  const op = w.ops.start({
    kind: "post",
    resourceId: deletedVaultId(w, location, name),
    namespace: "Microsoft.KeyVault",
    location,
    apiVersion: q.get("api-version")!,
    durationMs: w.latency("Microsoft.KeyVault/deletedVaults"),
    finish: () => {
      w.deletedVaults.delete(name.toLowerCase());
      return {};
    },
  });
  return json(202, undefined, { Location: Operations.urls(op, w.base(), w.subscriptionId).location, "Retry-After": String(w.scenario.retryAfterSeconds ?? 10) });
}
