/**
 * Generic ARM resource handling for every type: scope checks (subscription, resource group, parent, extension scope),
 * provider registration, permissions, locks, PUT/PATCH/GET/DELETE/list/POST actions, and long-running provisioning
 * through operations. What differs per type lives in types/ (behaviourOf).
 */
import { AZURE_TYPES } from "../../../src/resources/azure-types.ts";
import { ArmError, badRequest, conflict, notFound } from "./errors.ts";
import { type ArmPath, lowerId, normalizeLocation, parentId, parsePath, typeOfId } from "./ids.ts";
import type { Operation } from "./operations.ts";
import { json, operationHeaders, type Reply } from "./reply.ts";
import { Store, take } from "./store.ts";
import { authorize } from "./types/authorization.ts";
import { behaviourOf } from "./types/index.ts";
import type { Json } from "./types.ts";
import type { TypeBehaviour, World, WriteContext } from "./world.ts";

const TYPE_CASING = new Map(Object.keys(AZURE_TYPES).map((t) => [t.toLowerCase(), t]));
const canonicalType = (t: string): string => TYPE_CASING.get(t.toLowerCase()) ?? t;
const canonicalId = (id: string): string => id.replace(/\/resourcegroups\//i, "/resourceGroups/").replace(/\/providers\//gi, "/providers/");

export interface ArmRequest {
  readonly method: string;
  readonly path: ArmPath;
  readonly query: URLSearchParams;
  readonly body: Json | undefined;
  /** Object id of the caller (from its token). */
  readonly caller: string;
}

/** The GET view of a stored resource. */
export function view(w: World, res: Json): Json {
  const b = behaviourOf(String(res.type));
  return Store.view(b.read ? b.read(w, res) : res);
}

/** Removes a resource and everything below it, letting each type react (Key Vault soft delete, AKS node group). */
export function removeTree(w: World, id: string): void {
  for (const gone of w.store.removeWithWriteOnly(id)) behaviourOf(String(gone.resource.type)).removed?.(w, gone.resource, gone.writeOnly);
}

function resourceGroupOf(w: World, p: ArmPath): Json | undefined {
  return p.resourceGroup ? w.store.get(`/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroup}`) : undefined;
}

/** 404s for a missing resource group, parent or extension scope, in ARM's words. */
function checkScope(w: World, p: ArmPath, id: string): void {
  if (p.resourceGroup) {
    const rg = resourceGroupOf(w, p);
    if (!rg) throw new ArmError(404, "ResourceGroupNotFound", `Resource group '${p.resourceGroup}' could not be found.`);
  }
  const parent = parentId(id);
  if (parent && !w.store.get(parent)) throw new ArmError(404, "ParentResourceNotFound", `Can not perform requested operation on nested resource. Parent resource '${parsePath(parent).names.join("/")}' not found.`);
  if (p.scope.toLowerCase().includes("/providers/") && !w.store.get(p.scope)) throw notFound(typeOfId(p.scope), p.scope.split("/").pop() ?? "", p.resourceGroup);
}

function checkWritable(w: World, p: ArmPath): void {
  if (p.resourceGroup && resourceGroupOf(w, p)?.properties?.provisioningState === "Deleting")
    throw conflict("ResourceGroupBeingDeleted", `The resource group '${p.resourceGroup}' is in deprovisioning state and cannot perform this operation.`);
  const ns = p.namespace ?? "";
  const provider = w.providers.get(ns.toLowerCase());
  if (provider && provider.state !== "Registered")
    throw conflict("MissingSubscriptionRegistration", `The subscription is not registered to use namespace '${provider.namespace}'. See https://aka.ms/rps-not-found for how to register subscriptions.`);
}

const lockKeyOf = (b: TypeBehaviour, ctx: WriteContext): string | undefined => b.lockKey?.(ctx) ?? (b.asyncPut || b.asyncDelete ? lowerId(ctx.id) : undefined);

function takeLock(w: World, b: TypeBehaviour, ctx: WriteContext): string | undefined {
  const key = lockKeyOf(b, ctx);
  if (key === undefined) return undefined;
  const holder = w.locks.get(key);
  if (holder !== undefined) throw b.lockError?.(ctx, holder) ?? conflict("AnotherOperationInProgress", `Another operation is in progress on resource '${ctx.id}' (${holder}). Retry after it completes.`);
  return key;
}

function deepMerge(base: Json, patch: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = v && typeof v === "object" && !Array.isArray(v) && base[k] && typeof base[k] === "object" && !Array.isArray(base[k]) ? deepMerge(base[k], v) : v;
  return out;
}

function write(w: World, req: ArmRequest, patch: boolean): Reply {
  const p = req.path;
  const id = canonicalId(p.id!);
  const type = canonicalType(p.type!);
  const b = behaviourOf(type);
  checkScope(w, p, id);
  checkWritable(w, p);
  authorize(w, req.caller, `${type}/write`, id);
  const prev = w.store.get(id);
  if (patch && !prev) throw notFound(type, p.names.join("/"), p.resourceGroup);
  const input = req.body ?? {};
  const body = patch ? deepMerge(structuredClone(prev!), input) : structuredClone(input);
  if (body.properties) delete body.properties.provisioningState;
  if (body.location !== undefined) body.location = normalizeLocation(body.location);
  const name = p.names[p.names.length - 1]!;
  const ctx: WriteContext = { w, id: prev?.id ?? id, path: p, type, name, body, prev };
  const tracked = b.tracked ?? (p.names.length === 1 && !p.scope.toLowerCase().includes("/providers/"));
  if (tracked && !body.location) throw badRequest("LocationRequired", "The location property is required for this definition.");
  if (tracked && prev && prev.location !== body.location)
    throw badRequest("InvalidResourceLocation", `The resource '${name}' already exists in location '${prev.location}' in resource group '${p.resourceGroup}'. A resource with the same name cannot be created in location '${body.location}'. Please select a new resource name.`);
  const lock = takeLock(w, b, ctx);
  b.validate?.(ctx);

  // Proxy resources (children, extension resources) keep tags when given, as ARM does for most of them.
  const res: Json = { id: ctx.id, name, type, ...(tracked ? { location: body.location } : {}), ...(tracked || body.tags !== undefined ? { tags: body.tags ?? {} } : {}) };
  for (const k of ["sku", "kind", "identity", "zones", "managedBy", "plan", "extendedLocation"]) if (body[k] !== undefined) res[k] = structuredClone(body[k]);
  res.properties = structuredClone(body.properties ?? {});
  const secrets: Json = {};
  for (const path of b.writeOnly ?? []) {
    const v = take(res, path);
    if (v !== undefined) secrets[path] = v;
  }
  b.assign?.(ctx, res);
  const stamp = new Date(w.clock.now()).toISOString();
  res.systemData = {
    createdBy: prev?.systemData?.createdBy ?? req.caller,
    createdByType: "Application",
    createdAt: prev?.systemData?.createdAt ?? stamp,
    lastModifiedBy: req.caller,
    lastModifiedByType: "Application",
    lastModifiedAt: stamp,
  };
  const latency = w.latency(type);
  const status = prev ? 200 : 201;

  if (b.asyncPut && latency > 0) {
    res.properties.provisioningState = prev ? "Updating" : (b.creatingState ?? "Creating");
    w.store.put(res);
    if (Object.keys(secrets).length) w.store.setWriteOnly(ctx.id, secrets);
    const op = provision(w, ctx.id, type, name, "put", req, latency, lock);
    return json(status, view(w, res), operationHeaders(w, op));
  }
  if (b.asyncPut) res.properties.provisioningState = "Succeeded";
  w.store.put(res);
  if (Object.keys(secrets).length) w.store.setWriteOnly(ctx.id, secrets);
  if (b.asyncPut) finishProvisioning(w, ctx.id, type, name);
  if (lock !== undefined && latency > 0) {
    // A synchronous write that goes on settling after it answers (federated credentials): its lock stays taken for
    // its latency. Holding the answer instead would deadlock a client that marks its requests busy on a shared
    // virtual clock (berth's ArmClient does), since that clock cannot move while a request is in flight.
    const op = w.ops.start({
      kind: "put",
      resourceId: ctx.id,
      namespace: p.namespace!,
      location: "global",
      apiVersion: req.query.get("api-version")!,
      durationMs: latency,
      finish: () => {
        w.locks.delete(lock);
        return {};
      },
    });
    w.locks.set(lock, op.id);
  }
  return json(status, view(w, res));
}

/** Ends a write's provisioning: Succeeded (and the type's follow-up), or Failed with a scenario's provisioning fault. */
function finishProvisioning(w: World, id: string, type: string, name: string): { code: string; message: string } | undefined {
  const res = w.store.get(id);
  if (!res) return { code: "ResourceNotFound", message: `The resource ${id} was deleted while it was being provisioned.` };
  const fault = w.faults.takeProvisioning(type, name);
  if (fault) {
    res.properties.provisioningState = "Failed";
    return { code: fault.code, message: fault.message };
  }
  res.properties.provisioningState = "Succeeded";
  behaviourOf(type).provisioned?.(w, res);
  return undefined;
}

function provision(w: World, id: string, type: string, name: string, kind: "put", req: ArmRequest, latency: number, lock: string | undefined): Operation {
  const op = w.ops.start({
    kind,
    resourceId: id,
    namespace: req.path.namespace!,
    location: String(w.store.get(id)?.location ?? "global"),
    apiVersion: req.query.get("api-version")!,
    durationMs: latency,
    finish: () => {
      if (lock !== undefined) w.locks.delete(lock);
      const error = finishProvisioning(w, id, type, name);
      return error ? { error } : {};
    },
    read: () => {
      const r = w.store.get(id);
      return r ? view(w, r) : undefined;
    },
  });
  if (lock !== undefined) w.locks.set(lock, op.id);
  return op;
}

function remove(w: World, req: ArmRequest): Reply {
  const p = req.path;
  const id = canonicalId(p.id!);
  const type = canonicalType(p.type!);
  const b = behaviourOf(type);
  const prev = w.store.get(id);
  if (!prev) return json(204);
  authorize(w, req.caller, `${type}/delete`, id);
  const ctx: WriteContext = { w, id: prev.id, path: p, type, name: String(prev.name), body: prev, prev };
  const lock = takeLock(w, b, ctx);
  b.validateDelete?.(w, prev);
  const latency = w.latency(type);
  if (b.asyncDelete && latency > 0) {
    if (prev.properties) prev.properties.provisioningState = "Deleting";
    const op = w.ops.start({
      kind: "delete",
      resourceId: prev.id,
      namespace: p.namespace!,
      location: String(prev.location ?? "global"),
      apiVersion: req.query.get("api-version")!,
      durationMs: latency,
      finish: () => {
        if (lock !== undefined) w.locks.delete(lock);
        removeTree(w, prev.id);
        return {};
      },
    });
    if (lock !== undefined) w.locks.set(lock, op.id);
    return json(202, undefined, operationHeaders(w, op));
  }
  removeTree(w, prev.id);
  return json(200);
}

function get(w: World, req: ArmRequest): Reply {
  const p = req.path;
  const res = w.store.get(p.id!);
  if (res) return json(200, view(w, res));
  checkScope(w, p, canonicalId(p.id!));
  throw notFound(canonicalType(p.type!), p.names.join("/"), p.resourceGroup);
}

function list(w: World, req: ArmRequest): Reply {
  const p = req.path;
  const type = p.type!;
  let found: Json[];
  if (p.id) {
    if (!w.store.get(p.id)) {
      checkScope(w, p, canonicalId(p.id));
      throw notFound(typeOfId(p.id), p.names.join("/"), p.resourceGroup);
    }
    found = w.store.children(p.id, type);
  } else if (p.scope.toLowerCase().includes("/providers/")) {
    // Extension resources at a scope (role assignments on a vault).
    found = w.store.ofType(type).filter((r) => lowerId(String(r.id)).startsWith(lowerId(p.scope) + "/providers/"));
  } else if (p.resourceGroup) {
    checkScope(w, p, `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroup}`);
    found = w.store.inResourceGroup(p.subscriptionId!, p.resourceGroup).filter((r) => String(r.type).toLowerCase() === type.toLowerCase());
  } else {
    found = w.store.ofType(type).filter((r) => parsePath(String(r.id)).subscriptionId?.toLowerCase() === p.subscriptionId?.toLowerCase());
  }
  return json(200, { value: found.map((r) => view(w, r)) });
}

function action(w: World, req: ArmRequest): Reply {
  const p = req.path;
  const type = canonicalType(p.type!.split("/").slice(0, -1).join("/"));
  const res = w.store.get(p.id!);
  if (!res) {
    checkScope(w, p, canonicalId(p.id!));
    throw notFound(type, p.names.join("/"), p.resourceGroup);
  }
  const handler = behaviourOf(type).actions?.[p.action!.toLowerCase()];
  if (!handler) throw new ArmError(404, "InvalidResourceType", `The resource type '${p.type!.split("/").slice(1).join("/")}' could not be found in the namespace '${p.namespace}'.`);
  authorize(w, req.caller, `${type}/${p.action}/action`, String(res.id));
  const out = handler(w, res, req.body ?? {});
  return json(out.status ?? 200, out.body);
}

/** Handles any resource path; `resourceType` is what the api-version was checked against. */
export function handleResource(w: World, req: ArmRequest): Reply {
  const p = req.path;
  const method = req.method.toUpperCase();
  if (method === "POST" && p.collection && p.action && p.id) return action(w, req);
  if (p.collection) {
    if (method !== "GET") throw new ArmError(405, "MethodNotAllowed", `The HTTP method '${method}' is not supported on a collection.`);
    return list(w, req);
  }
  switch (method) {
    case "PUT":
      return write(w, req, false);
    case "PATCH":
      return write(w, req, true);
    case "GET":
      return get(w, req);
    case "HEAD":
      return json(w.store.get(p.id!) ? 204 : 404);
    case "DELETE":
      return remove(w, req);
    default:
      throw new ArmError(405, "MethodNotAllowed", `The HTTP method '${method}' is not supported.`);
  }
}

/** The type whose api-version a request must carry (the resource's type for a POST action). */
export function resourceTypeOf(method: string, p: ArmPath): string | undefined {
  if (!p.type) return undefined;
  if (method.toUpperCase() === "POST" && p.collection && p.action && p.id) return p.type.split("/").slice(0, -1).join("/");
  return p.type;
}
