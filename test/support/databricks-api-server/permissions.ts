/**
 * Permissions API (`/api/2.0/permissions/{clusters|jobs|directories|notebooks}/{id}`): GET shows every principal's
 * permissions — direct ones, the creator's (CAN_MANAGE on a cluster, IS_OWNER on a job), and inherited ones (the admins
 * group from the root, a folder's entries on what is below it); PUT replaces the direct entries, PATCH adds to them.
 * Levels are checked per object type, named users and service principals must be in the workspace.
 */
import { invalid, missing } from "./errors.ts";
import { api, type Call, ok, type Reply, type Route } from "./route.ts";
import type { Json } from "./types.ts";
import { principalField, type Ace, type Workspace } from "./world.ts";

interface ObjectType {
  readonly object_type: string;
  readonly levels: readonly string[];
  /** The missing-object message, or undefined when the object exists. */
  readonly absent: (ws: Workspace, id: string) => string | undefined;
}

const WORKSPACE_LEVELS = ["CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"];
const wsObject = (type: "DIRECTORY" | "NOTEBOOK") => (ws: Workspace, id: string) =>
  [...ws.objects.values()].some((o) => String(o.object_id) === id && o.object_type === type) ? undefined : `${type === "DIRECTORY" ? "Directory" : "Notebook"} ${id} does not exist.`;

const TYPES: Readonly<Record<string, ObjectType>> = {
  clusters: { object_type: "cluster", levels: ["CAN_ATTACH_TO", "CAN_RESTART", "CAN_MANAGE"], absent: (ws, id) => (ws.clusters.has(id) ? undefined : `Cluster ${id} does not exist.`) },
  jobs: { object_type: "job", levels: ["CAN_VIEW", "CAN_MANAGE_RUN", "IS_OWNER", "CAN_MANAGE"], absent: (ws, id) => (ws.jobs.has(Number(id)) ? undefined : `Job ${id} does not exist.`) },
  directories: { object_type: "directory", levels: WORKSPACE_LEVELS, absent: wsObject("DIRECTORY") },
  notebooks: { object_type: "notebook", levels: WORKSPACE_LEVELS, absent: wsObject("NOTEBOOK") },
};

/** Inherited entries of a workspace object: each ancestor folder's direct entries. */
function inherited(ws: Workspace, type: string, id: string): { from: string; ace: Ace }[] {
  if (type !== "directories" && type !== "notebooks") return [];
  const obj = [...ws.objects.values()].find((o) => String(o.object_id) === id);
  const out: { from: string; ace: Ace }[] = [];
  for (let p = obj?.path ?? "/"; p !== "/"; ) {
    p = p.slice(0, p.lastIndexOf("/")) || "/";
    const dir = ws.objects.get(p);
    if (dir && p !== "/") for (const ace of ws.acl.get(`/directories/${dir.object_id}`) ?? []) out.push({ from: `/directories/${dir.object_id}`, ace });
  }
  return out;
}

export function permissionsView(ws: Workspace, type: string, id: string): Json | undefined {
  const t = TYPES[type];
  if (!t || t.absent(ws, id)) return undefined;
  const byPrincipal = new Map<string, Json[]>();
  const fields = new Map<string, NonNullable<Ace["field"]>>();
  const add = (principal: string, p: Json, field?: Ace["field"]): void => {
    if (field) fields.set(principal, field);
    byPrincipal.set(principal, [...(byPrincipal.get(principal) ?? []), p]);
  };
  for (const ace of ws.acl.get(`/${type}/${id}`) ?? []) add(ace.principal, { permission_level: ace.permission_level, inherited: false }, ace.field);
  for (const { from, ace } of inherited(ws, type, id)) add(ace.principal, { permission_level: ace.permission_level, inherited: true, inherited_from_object: [from] }, ace.field);
  const root = type === "directories" || type === "notebooks" ? "/directories/" : `/${type}/`;
  add("admins", { permission_level: "CAN_MANAGE", inherited: true, inherited_from_object: [root] });
  return {
    object_id: `/${type}/${id}`,
    object_type: t.object_type,
    access_control_list: [...byPrincipal.entries()].map(([principal, all_permissions]) => ({ [fields.get(principal) ?? principalField(principal)]: principal, all_permissions })),
  };
}

function target(c: Call): { type: string; id: string; t: ObjectType } {
  const [type, id] = c.params as [string, string];
  const t = TYPES[type];
  if (!t) throw invalid(`Permissions for ${type} are not modelled by this test server (clusters, jobs, directories, notebooks are).`);
  const absent = t.absent(c.ws, id);
  if (absent) throw missing(absent);
  return { type, id, t };
}

/** The entries of a PUT/PATCH body, checked. */
function entries(c: Call, t: ObjectType): Ace[] {
  const list: Json[] = c.body.access_control_list ?? [];
  if (!Array.isArray(list)) throw invalid("access_control_list must be a list.");
  return list.map((e) => {
    const principal = e.user_name ?? e.group_name ?? e.service_principal_name;
    if (typeof principal !== "string" || !principal) throw invalid("Each access control entry needs one of user_name, group_name, service_principal_name.");
    if (!t.levels.includes(e.permission_level)) throw invalid(`Permission level ${e.permission_level} is not supported for ${t.object_type}. Valid levels: ${t.levels.join(", ")}.`);
    if (e.group_name === undefined && !c.ws.users.has(principal)) throw invalid(`Principal: ${e.user_name !== undefined ? "UserName" : "ServicePrincipal"}(${principal}) does not exist`);
    if (e.group_name === "admins") throw invalid("The admins group's permissions cannot be changed.");
    if (e.permission_level === "IS_OWNER" && e.group_name !== undefined) throw invalid("A group cannot be the owner of a job.");
    const field = e.user_name !== undefined ? "user_name" : e.group_name !== undefined ? "group_name" : "service_principal_name";
    return { principal, permission_level: e.permission_level, field };
  });
}

/** A job keeps exactly one owner: the given one, else the current one. */
function withOwner(type: string, prev: readonly Ace[], next: Ace[]): Ace[] {
  if (type !== "jobs") return next;
  const owners = next.filter((a) => a.permission_level === "IS_OWNER");
  if (owners.length > 1) throw invalid("A job can only have one owner (IS_OWNER).");
  if (owners.length) return next;
  const owner = prev.find((a) => a.permission_level === "IS_OWNER");
  return owner ? [owner, ...next.filter((a) => a.principal !== owner.principal)] : next;
}

function set(c: Call): Reply {
  const { type, id, t } = target(c);
  const key = `/${type}/${id}`;
  c.ws.acl.set(key, withOwner(type, c.ws.acl.get(key) ?? [], entries(c, t)));
  return ok(permissionsView(c.ws, type, id));
}

function update(c: Call): Reply {
  const { type, id, t } = target(c);
  const key = `/${type}/${id}`;
  const prev = c.ws.acl.get(key) ?? [];
  const given = entries(c, t);
  let next = [...prev.filter((a) => !given.some((g) => g.principal === a.principal)), ...given];
  // A new owner replaces the old one.
  if (given.some((g) => g.permission_level === "IS_OWNER")) next = next.filter((a) => a.permission_level !== "IS_OWNER" || given.includes(a));
  c.ws.acl.set(key, withOwner(type, prev, next));
  return ok(permissionsView(c.ws, type, id));
}

function levels(c: Call): Reply {
  const { t } = target(c);
  return ok({ permission_levels: t.levels.map((permission_level) => ({ permission_level, description: `${permission_level} on a ${t.object_type}` })) });
}

const P = "permissions/([a-z-]+)/([^/]+)";
export const permissionRoutes: readonly Route[] = [
  { method: "GET", path: api("2.0", P), handle: (c) => ok(permissionsView(c.ws, target(c).type, target(c).id)) },
  { method: "PUT", path: api("2.0", P), handle: set },
  { method: "PATCH", path: api("2.0", P), handle: update },
  { method: "GET", path: api("2.0", `${P}/permissionLevels`), handle: levels },
];
