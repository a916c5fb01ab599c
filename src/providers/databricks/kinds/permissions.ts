/**
 * The access control list of a cluster, job, folder or notebook. berth manages the entries the spec lists: they are
 * compared with the object's direct (non-inherited) entries, leaving out the owner's IS_OWNER unless the spec names
 * an owner itself, and when they differ the whole list is PUT (the API replaces direct permissions) with the live
 * IS_OWNER entry kept, because a job must have exactly one owner. Live direct CAN_MANAGE entries of users and service
 * principals the spec does not name are kept too, and never compared: the creator of a cluster (often the principal
 * berth signs in as) holds one, and dropping it locks a non-admin deployer out of the cluster it just made — its
 * clusterState step could not stop it. The caller's identity is not known without another request, so every such
 * entry is kept (a group's is not: groups never get one by creating). Inherited entries (workspace admins, a parent
 * folder's) are the workspace's business and never compared.
 */
import type { PermissionEntry, PermissionsResource } from "../../../resources/databricks-resource.ts";
import { outputRefsIn } from "../../../resources/outputs.ts";
import { failed, ready, type Verdict } from "../../../readiness/verdict.ts";
import type { FieldChange, LiveState, Progress, RunResult } from "../../provider.ts";
import type { Json } from "../api.ts";
import type { KindContext, KindModule } from "../kind.ts";
import { lastErrorLines, refused, remembering } from "../kind-errors.ts";
import { PERMISSION_LEVELS } from "../../../resources/databricks-permissions.ts";

export { PERMISSION_LEVELS, isPermissionLevel } from "../../../resources/databricks-permissions.ts";

/** The three ways an entry names its principal, and how a change names it. */
const PRINCIPAL_FIELDS = [
  ["user_name", "user"],
  ["group_name", "group"],
  ["service_principal_name", "service principal"],
] as const;

type PrincipalField = (typeof PRINCIPAL_FIELDS)[number][0];

interface Grant {
  readonly field: PrincipalField;
  readonly name: string;
  readonly level: string;
}

const whatOf = (r: PermissionsResource): string => `permissions of ${r.owner}`;

const principalOf = (entry: Partial<Record<PrincipalField, string>>): { field: PrincipalField; name: string } | undefined => {
  const named = PRINCIPAL_FIELDS.filter(([field]) => typeof entry[field] === "string" && entry[field]);
  return named.length === 1 ? { field: named[0]![0], name: entry[named[0]![0]]! } : undefined;
};

const labelOf = (g: Pick<Grant, "field" | "name">): string => `${PRINCIPAL_FIELDS.find(([f]) => f === g.field)![1]} ${g.name}`;

/** The resource's entries as grants, refused when a level does not fit the object type or an entry names no one. */
export function wantedGrants(resource: PermissionsResource): Grant[] {
  const allowed = PERMISSION_LEVELS[resource.objectType];
  return resource.accessControlList.map((entry: PermissionEntry, i) => {
    const who = principalOf(entry);
    if (!who) throw refused(`${whatOf(resource)}: entry ${i} must name exactly one of user_name, group_name, service_principal_name`);
    if (!allowed.includes(entry.permission_level))
      throw refused(`${whatOf(resource)}: ${entry.permission_level} is not a permission level of ${resource.objectType} (one of ${allowed.join(", ")}), given to ${labelOf(who)}`);
    return { ...who, level: entry.permission_level };
  });
}

/** The object's direct grants, from a GET of its permissions. */
export function directGrants(live: Json): Grant[] {
  return ((live.access_control_list ?? []) as Json[]).flatMap((entry) => {
    const who = principalOf(entry);
    if (!who) return [];
    return ((entry.all_permissions ?? []) as Json[]).filter((p) => !p.inherited).map((p) => ({ ...who, level: String(p.permission_level) }));
  });
}

const idOf = (g: Pick<Grant, "field" | "name">): string => `${g.field}\u0000${g.name}`;

const levelsByPrincipal = (grants: readonly Grant[]): Map<string, { who: Grant; levels: string[] }> => {
  const out = new Map<string, { who: Grant; levels: string[] }>();
  for (const g of grants) {
    const at = out.get(idOf(g)) ?? { who: g, levels: [] };
    at.levels.push(g.level);
    out.set(idOf(g), at);
  }
  for (const v of out.values()) v.levels.sort();
  return out;
};

interface Work {
  readonly exists: boolean;
  readonly changes: FieldChange[];
  /** What the PUT sends: the spec's entries, plus the live owner when the spec names none and the kept CAN_MANAGE entries. */
  readonly body: { access_control_list: Record<string, string>[] };
}

const pathOf = (r: PermissionsResource): string => `/api/2.0/permissions/${r.objectType}/${encodeURIComponent(r.objectId)}`;

async function plan(resource: PermissionsResource, ctx: KindContext, progress?: Progress): Promise<Work> {
  const wanted = wantedGrants(resource);
  const live = await ctx.api.find({ path: pathOf(resource), operation: `${whatOf(resource)}: get ${resource.objectType} ${resource.objectId}`, progress });
  const specNamesOwner = wanted.some((g) => g.level === "IS_OWNER");
  const direct = live ? directGrants(live) : [];
  const named = new Set(wanted.map(idOf));
  const kept = direct.filter((g) => (g.level === "IS_OWNER" && !specNamesOwner) || (g.level === "CAN_MANAGE" && g.field !== "group_name" && !named.has(idOf(g))));
  const managed = direct.filter((g) => !kept.includes(g));
  const before = levelsByPrincipal(managed);
  const after = levelsByPrincipal(wanted);
  const changes: FieldChange[] = [];
  for (const id of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const from = before.get(id)?.levels.join(", ");
    const to = after.get(id)?.levels.join(", ");
    if (from === to) continue;
    const who = (after.get(id) ?? before.get(id))!.who;
    changes.push({ field: `access_control_list/${labelOf(who)}`, ...(from ? { from } : {}), to: to ?? "removed" });
  }
  const body = { access_control_list: [...wanted, ...kept].map((g) => ({ [g.field]: g.name, permission_level: g.level })) };
  return { exists: !!live, changes, body };
}

export const permissionsKind: KindModule<PermissionsResource> = {
  inspect: (resource, ctx) =>
    remembering(ctx.api, resource, async (): Promise<LiveState> => {
      if (outputRefsIn(resource.objectId).length) {
        // The object is made by this run: every entry is new.
        const changes = wantedGrants(resource).map((g) => ({ field: `access_control_list/${labelOf(g)}`, to: g.level }));
        return { exists: false, ownership: "absent", changes, intentChanged: true };
      }
      const work = await plan(resource, ctx);
      return work.exists ? { exists: true, ownership: "ours", changes: work.changes, intentChanged: work.changes.length > 0 } : { exists: false, ownership: "absent", changes: work.changes, intentChanged: true };
    }),

  run: (resource, _live, ctx, progress) =>
    remembering(ctx.api, resource, async (): Promise<RunResult> => {
      const work = await plan(resource, ctx, progress);
      if (!work.exists) throw refused(`${whatOf(resource)}: ${resource.objectType} ${resource.objectId} does not exist`, 404);
      if (!work.changes.length) return { did: "unchanged", mutated: false };
      await ctx.api.put({ path: pathOf(resource), body: work.body, operation: `${whatOf(resource)}: set ${resource.objectType} ${resource.objectId}`, idempotent: true, progress });
      return { did: `set ${work.changes.length} entr${work.changes.length === 1 ? "y" : "ies"}`, mutated: true };
    }),

  check: (resource, ctx, stage) =>
    remembering(ctx.api, resource, async (): Promise<Verdict> => {
      if (stage === "step") return ready("permissions set");
      const work = await plan(resource, ctx);
      if (!work.exists) return failed("Missing", `${resource.objectType} ${resource.objectId} does not exist any more`);
      return work.changes.length ? failed("Drifted", `${whatOf(resource)} differ: ${work.changes.map((c) => c.field).join(", ")}`) : ready("permissions as the spec says");
    }),

  explain: async (resource, ctx) => lastErrorLines(ctx.api, resource),

  // Permissions are part of their object: deleting the object deletes them, and nothing else should.
  remove: async () => ({ did: "nothing to delete (goes with its object)", mutated: false }),
};
