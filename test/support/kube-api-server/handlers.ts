/** The verbs on a resource: get, list, create, update, patch (apply, merge, strategic, json), delete, deletecollection. */
import { randomUUID } from "node:crypto";
import { recordUpdate, serverSideApply } from "./apply.ts";
import { applyDefaults, initialStatus } from "./defaults.ts";
import { jsonPatch, mergePatch, strategicMerge } from "./patch.ts";
import { apiVersionOf, type Registry, type ResourceDef } from "./resources.ts";
import { fromLabelSelector, matches, matchesFields, parseFieldSelector, parseLabelSelector } from "./selectors.ts";
import { alreadyExists, ApiError, badRequest, conflict, type FieldError, forbidden, invalid, notFound, type Target } from "./status.ts";
import type { Store } from "./store.ts";
import type { Obj } from "./types.ts";
import { clone, deepEqual, isObject, isoSeconds, safeSuffix } from "./util.ts";
import { validate } from "./validation.ts";

export interface ResourceRequest {
  verb: "get" | "list" | "create" | "update" | "patch" | "delete" | "deletecollection";
  def: ResourceDef;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  query: URLSearchParams;
  body: unknown;
  contentType: string;
  userAgent: string;
}

export interface Result {
  code: number;
  body: Obj;
}

export interface HandlerContext {
  store: Store;
  registry: Registry;
  /** called after every successful write so the simulator can react (e.g. a Namespace was deleted) */
  changed(): void;
  /** Mutating admission of a new object, after defaulting and before validation (the workload identity webhook). */
  admit?(o: Obj): void;
}

const PROTECTED_NAMESPACES = new Set(["default", "kube-system", "kube-public"]);

export const target = (def: ResourceDef, name: string): Target => ({ group: def.group, plural: def.plural, kind: def.kind, name });

/** Object as served through `def` (its apiVersion). */
export const present = (o: Obj, def: ResourceDef): Obj => ({ ...clone(o), apiVersion: apiVersionOf(def) });

const defaultManager = (ua: string): string => ua.split("/")[0]?.trim() || "unknown";

/** Spec-like content: everything except metadata and status. */
const specPart = (o: Obj): Obj => Object.fromEntries(Object.entries(o).filter(([k]) => k !== "metadata" && k !== "status"));

export class Handlers {
  private readonly ctx: HandlerContext;
  constructor(ctx: HandlerContext) {
    this.ctx = ctx;
  }

  handle(r: ResourceRequest): Result {
    if (r.subresource === "scale") return this.scale(r);
    if (r.subresource && r.subresource !== "status") throw notFound(target(r.def, `${r.name}/${r.subresource}`));
    const verbs: Record<ResourceRequest["verb"], (r: ResourceRequest) => Result> = {
      get: (q) => this.get(q),
      list: (q) => this.list(q),
      create: (q) => this.create(q),
      update: (q) => this.update(q),
      patch: (q) => this.patch(q),
      delete: (q) => this.delete(q),
      deletecollection: (q) => this.deleteCollection(q),
    };
    return verbs[r.verb](r);
  }

  private dryRun = (r: ResourceRequest): boolean => r.query.getAll("dryRun").includes("All");

  private find(r: ResourceRequest): Obj {
    const o = this.ctx.store.get(r.def.group, r.def.kind, r.def.namespaced ? r.namespace : undefined, r.name!);
    if (!o) throw notFound(target(r.def, r.name!));
    return o;
  }

  private get(r: ResourceRequest): Result {
    return { code: 200, body: present(this.find(r), r.def) };
  }

  /** Items of a list request after selectors, namespace and pagination. */
  selected(r: ResourceRequest): { items: Obj[]; continueToken?: string } {
    const labels = parseLabelSelector(r.query.get("labelSelector") ?? "");
    const fields = parseFieldSelector(r.query.get("fieldSelector") ?? "");
    let items = this.ctx.store
      .list(r.def.group, r.def.kind, r.def.namespaced ? r.namespace : undefined)
      .filter((o) => matches(labels, o.metadata?.labels) && matchesFields(fields, o));
    const start = Number(Buffer.from(r.query.get("continue") ?? "", "base64").toString() || "0");
    const limit = Number(r.query.get("limit") ?? "0");
    items = items.slice(start);
    if (limit > 0 && items.length > limit) {
      return { items: items.slice(0, limit), continueToken: Buffer.from(String(start + limit)).toString("base64") };
    }
    return { items };
  }

  private list(r: ResourceRequest): Result {
    const { items, continueToken } = this.selected(r);
    const metadata: Obj = { resourceVersion: this.ctx.store.resourceVersion };
    if (continueToken) metadata.continue = continueToken;
    return { code: 200, body: { kind: `${r.def.kind}List`, apiVersion: apiVersionOf(r.def), metadata, items: items.map((o) => present(o, r.def)) } };
  }

  private decode(r: ResourceRequest): Obj {
    if (!isObject(r.body)) throw badRequest("the body of the request could not be decoded as an object");
    const o = clone(r.body);
    const want = apiVersionOf(r.def);
    if (o.kind !== undefined && o.kind !== r.def.kind)
      throw badRequest(`the kind in the data (${o.kind}) does not match the expected kind (${r.def.kind}) for ${r.def.plural}`);
    if (o.apiVersion !== undefined && o.apiVersion !== want)
      throw badRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (${want})`);
    o.apiVersion = want;
    o.kind = r.def.kind;
    o.metadata = isObject(o.metadata) ? o.metadata : {};
    if (r.def.namespaced) {
      if (o.metadata.namespace !== undefined && r.namespace !== undefined && o.metadata.namespace !== r.namespace)
        throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
      o.metadata.namespace = r.namespace ?? o.metadata.namespace;
    } else delete o.metadata.namespace;
    if (r.name !== undefined && o.metadata.name !== undefined && o.metadata.name !== r.name)
      throw badRequest(`the name of the object (${o.metadata.name}) does not match the name on the URL (${r.name})`);
    if (r.name !== undefined) o.metadata.name ??= r.name;
    return o;
  }

  /** Namespace must exist and not be terminating for new namespaced content. */
  private admitNamespace(r: ResourceRequest, name: string): void {
    if (!r.def.namespaced) return;
    const ns = this.ctx.store.get("", "Namespace", undefined, r.namespace ?? "");
    if (!ns) throw notFound({ group: "", plural: "namespaces", kind: "Namespace", name: r.namespace ?? "" });
    if (ns.metadata.deletionTimestamp || ns.status?.phase === "Terminating")
      throw forbidden(target(r.def, name), `unable to create new content in namespace ${r.namespace} because it is being terminated`);
  }

  private validateOrThrow(o: Obj, old: Obj | undefined, def: ResourceDef): void {
    const errs = validateObject(o, old);
    if (errs) throw invalid(def.kind, def.group, o.metadata?.name ?? "", errs);
  }

  /** Final steps shared by create paths: ids, defaults, validation, status, generation. */
  private prepareCreate(r: ResourceRequest, o: Obj): Obj {
    if (!o.metadata.name && o.metadata.generateName) o.metadata.name = `${o.metadata.generateName}${safeSuffix(randomUUID(), 5)}`;
    this.validateName(o, r.def);
    this.admitNamespace(r, o.metadata.name);
    if (this.ctx.store.get(r.def.group, r.def.kind, o.metadata.namespace, o.metadata.name)) throw alreadyExists(target(r.def, o.metadata.name));
    for (const k of ["resourceVersion", "creationTimestamp", "deletionTimestamp", "generation", "selfLink"]) delete o.metadata[k];
    o.metadata.uid = randomUUID();
    applyDefaults(o);
    this.ctx.admit?.(o);
    this.validateOrThrow(o, undefined, r.def);
    if (r.def.statusSubresource) {
      const s = initialStatus(r.def.kind);
      if (s) o.status = s;
      else delete o.status;
    }
    if (r.def.generation) o.metadata.generation = 1;
    return o;
  }

  private validateName(o: Obj, def: ResourceDef): void {
    if (!o.metadata.name && !o.metadata.generateName)
      throw invalid(def.kind, def.group, "", [{ field: "metadata.name", detail: "Required value: name or generateName is required", reason: "FieldValueRequired" }]);
  }

  private create(r: ResourceRequest): Result {
    const o = this.prepareCreate(r, this.decode(r));
    o.metadata.managedFields = recordUpdate(undefined, o, r.query.get("fieldManager") ?? defaultManager(r.userAgent), o.apiVersion, r.def.statusSubresource);
    if (this.dryRun(r)) return { code: 201, body: present(o, r.def) };
    const stored = this.ctx.store.create(o);
    this.ctx.changed();
    return { code: 201, body: present(stored, r.def) };
  }

  private update(r: ResourceRequest): Result {
    const next = this.decode(r);
    const old = this.find(r);
    const rv = next.metadata.resourceVersion;
    if (rv !== undefined && rv !== "" && rv !== old.metadata.resourceVersion) throw conflict(target(r.def, r.name!));
    return this.commitUpdate(r, old, next, r.query.get("fieldManager") ?? defaultManager(r.userAgent));
  }

  /** Writes `next` over `old`: keeps identity and (for the main resource) status, defaults, validates, bumps generation. */
  private commitUpdate(r: ResourceRequest, old: Obj, input: Obj, manager: string, managed?: Obj[]): Result {
    let next = input;
    if (r.subresource === "status") {
      next = { ...clone(old), status: clone(input.status) };
    } else if (r.def.statusSubresource) {
      if (old.status !== undefined) next.status = clone(old.status);
      else delete next.status;
    }
    for (const k of ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"]) {
      if (old.metadata[k] !== undefined) next.metadata[k] = old.metadata[k];
      else delete next.metadata[k];
    }
    next.metadata.name = old.metadata.name;
    if (r.def.namespaced) next.metadata.namespace = old.metadata.namespace;
    applyDefaults(next);
    this.validateOrThrow(next, old, r.def);
    if (r.def.generation && !deepEqual(specPart(next), specPart(old))) next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    next.metadata.managedFields = managed ?? recordUpdate(old, next, manager, next.apiVersion, r.def.statusSubresource, r.subresource);
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    if (deepEqual(withoutTimes(next), withoutTimes(old))) return { code: 200, body: present(old, r.def) };
    if (this.dryRun(r)) return { code: 200, body: present(next, r.def) };
    if (next.metadata.deletionTimestamp && !(next.metadata.finalizers ?? []).length) {
      const gone = this.ctx.store.remove(old);
      this.ctx.changed();
      return { code: 200, body: present(gone ?? next, r.def) };
    }
    const stored = this.ctx.store.update(next);
    this.ctx.changed();
    return { code: 200, body: present(stored, r.def) };
  }

  private patch(r: ResourceRequest): Result {
    const type = r.contentType.split(";")[0]!.trim();
    if (type === "application/apply-patch+yaml") return this.apply(r);
    if (r.query.get("force") !== null)
      throw invalid("PatchOptions", "meta.k8s.io", "", [{ field: "force", detail: "Forbidden: may not be specified for non-apply patch", reason: "FieldValueForbidden" }]);
    const PATCHERS: Record<string, (t: Obj, p: unknown) => unknown> = {
      "application/merge-patch+json": mergePatch,
      "application/strategic-merge-patch+json": (t, p) => strategicMerge(t, p),
      "application/json-patch+json": jsonPatch,
    };
    const patcher = PATCHERS[type];
    if (!patcher) throw new ApiError(415, `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
    const old = this.find(r);
    const patched = patcher(clone(old), r.body);
    if (!isObject(patched)) throw badRequest("the patch did not produce an object");
    const rv = isObject(r.body) ? r.body.metadata?.resourceVersion : undefined;
    if (typeof rv === "string" && rv !== old.metadata.resourceVersion) throw conflict(target(r.def, r.name!));
    const next = this.decode({ ...r, body: patched });
    return this.commitUpdate(r, old, next, r.query.get("fieldManager") ?? defaultManager(r.userAgent));
  }

  private apply(r: ResourceRequest): Result {
    const manager = r.query.get("fieldManager");
    if (!manager)
      throw invalid("PatchOptions", "meta.k8s.io", "", [{ field: "fieldManager", detail: "Required value: is required for apply patch", reason: "FieldValueRequired" }]);
    const force = r.query.get("force") === "true";
    const applied = this.decode(r);
    const statusSub = r.def.statusSubresource && r.subresource !== "status";
    const live = this.ctx.store.get(r.def.group, r.def.kind, r.def.namespaced ? r.namespace : undefined, r.name!);
    if (!live) {
      const merged = serverSideApply({ live: undefined, applied, manager, force, statusSubresource: statusSub, apiVersion: applied.apiVersion });
      const o = this.prepareCreate(r, merged);
      if (this.dryRun(r)) return { code: 201, body: present(o, r.def) };
      const stored = this.ctx.store.create(o);
      this.ctx.changed();
      return { code: 201, body: present(stored, r.def) };
    }
    const rv = applied.metadata.resourceVersion;
    if (rv !== undefined && rv !== live.metadata.resourceVersion) throw conflict(target(r.def, r.name!));
    const merged = serverSideApply({ live, applied, manager, force, statusSubresource: statusSub, apiVersion: applied.apiVersion });
    return this.commitUpdate(r, live, merged, manager, merged.metadata.managedFields);
  }

  private delete(r: ResourceRequest): Result {
    const o = this.find(r);
    const opts: Obj = isObject(r.body) ? r.body : {};
    const pre = opts.preconditions ?? {};
    if ((pre.uid && pre.uid !== o.metadata.uid) || (pre.resourceVersion && pre.resourceVersion !== o.metadata.resourceVersion))
      throw conflict(target(r.def, r.name!));
    const policy = String(r.query.get("propagationPolicy") ?? opts.propagationPolicy ?? (opts.orphanDependents === true || r.query.get("orphanDependents") === "true" ? "Orphan" : "Background"));
    if (r.def.kind === "Namespace") return this.deleteNamespace(r, o);
    if (this.dryRun(r)) return { code: 200, body: present(o, r.def) };
    if (policy === "Orphan") this.orphanDependents(o);
    const finalizers: string[] = [...(o.metadata.finalizers ?? [])];
    if (policy === "Foreground" && !finalizers.includes("foregroundDeletion")) finalizers.push("foregroundDeletion");
    if (finalizers.length > 0) {
      // 200 unless the caller set orphanDependents=false (then 202), as the API server answers pending deletions
      const code = opts.orphanDependents === false || r.query.get("orphanDependents") === "false" ? 202 : 200;
      if (o.metadata.deletionTimestamp && deepEqual(finalizers, o.metadata.finalizers)) return { code, body: present(o, r.def) };
      const pending = clone(o);
      pending.metadata.deletionTimestamp ??= isoSeconds(this.ctx.store.now());
      pending.metadata.deletionGracePeriodSeconds ??= 0;
      pending.metadata.finalizers = finalizers;
      const stored = this.ctx.store.update(pending);
      this.ctx.changed();
      return { code, body: present(stored, r.def) };
    }
    const gone = this.ctx.store.remove(o)!;
    this.ctx.changed();
    return { code: 200, body: present(gone, r.def) };
  }

  private orphanDependents(owner: Obj): void {
    for (const d of this.ctx.store.list()) {
      const refs: Obj[] = d.metadata?.ownerReferences ?? [];
      if (!refs.some((ref) => ref.uid === owner.metadata.uid)) continue;
      const next = clone(d);
      next.metadata.ownerReferences = refs.filter((ref) => ref.uid !== owner.metadata.uid);
      if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
      this.ctx.store.update(next);
    }
  }

  private deleteNamespace(r: ResourceRequest, ns: Obj): Result {
    if (PROTECTED_NAMESPACES.has(ns.metadata.name)) throw forbidden(target(r.def, ns.metadata.name), "this namespace may not be deleted");
    if (ns.metadata.deletionTimestamp) return { code: 200, body: present(ns, r.def) };
    if (this.dryRun(r)) return { code: 200, body: present(ns, r.def) };
    const next = clone(ns);
    next.metadata.deletionTimestamp = isoSeconds(this.ctx.store.now());
    next.status = { ...(next.status ?? {}), phase: "Terminating" };
    const stored = this.ctx.store.update(next);
    this.ctx.changed();
    return { code: 200, body: present(stored, r.def) };
  }

  private deleteCollection(r: ResourceRequest): Result {
    const { items } = this.selected(r);
    const deleted = items.map((o) => this.delete({ ...r, verb: "delete", name: o.metadata.name, namespace: o.metadata.namespace }).body);
    return { code: 200, body: { kind: `${r.def.kind}List`, apiVersion: apiVersionOf(r.def), metadata: { resourceVersion: this.ctx.store.resourceVersion }, items: deleted } };
  }

  /** autoscaling/v1 Scale view of replicas (GET, PUT, PATCH). */
  private scale(r: ResourceRequest): Result {
    const o = this.find(r);
    const view = (x: Obj): Obj => ({
      kind: "Scale",
      apiVersion: "autoscaling/v1",
      metadata: { name: x.metadata.name, namespace: x.metadata.namespace, uid: x.metadata.uid, resourceVersion: x.metadata.resourceVersion, creationTimestamp: x.metadata.creationTimestamp },
      spec: { replicas: x.spec?.replicas ?? 0 },
      status: { replicas: x.status?.replicas ?? 0, selector: selectorString(x.spec?.selector) },
    });
    if (r.verb === "get") return { code: 200, body: view(o) };
    const patched =
      r.verb === "update" ? r.body : r.contentType.startsWith("application/json-patch+json") ? jsonPatch(view(o), r.body) : mergePatch(view(o), r.body);
    const replicas = isObject(patched) ? patched.spec?.replicas : undefined;
    if (typeof replicas !== "number") throw badRequest("spec.replicas must be a number");
    const next = clone(o);
    next.spec.replicas = replicas;
    const res = this.commitUpdate({ ...r, subresource: undefined }, o, next, r.query.get("fieldManager") ?? defaultManager(r.userAgent));
    return { code: 200, body: view(res.body) };
  }
}

const withoutTimes = (o: Obj): Obj => {
  const c = clone(o);
  for (const e of c.metadata?.managedFields ?? []) delete e.time;
  return c;
};

export function selectorString(sel: Obj | undefined): string {
  return fromLabelSelector(sel)
    .map((q) => {
      if (q.op === "=") return `${q.key}=${q.value}`;
      if (q.op === "!=") return `${q.key}!=${q.value}`;
      if (q.op === "in" || q.op === "notin") return `${q.key} ${q.op} (${q.values.join(",")})`;
      return q.op === "!" ? `!${q.key}` : q.key;
    })
    .join(",");
}

function validateObject(o: Obj, old: Obj | undefined): FieldError[] | undefined {
  const errs = validate(o, old);
  return errs.length > 0 ? errs : undefined;
}
