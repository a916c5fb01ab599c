/**
 * Rules of spec.databricks that the schema cannot say: the workspace and vaults it names exist, every reference by
 * spec name (init scripts, clusters, job clusters, notebooks, tasks) resolves, clusters have one size and stop by
 * themselves outside development, permission levels fit their object, names do not clash once prefixed, and a
 * Key Vault-backed scope is only asked for with a sign-in that can make one.
 */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { databricksContext, signsInWithEntra } from "../../catalog/databricks/context.ts";
import { NOTEBOOK_LANGUAGES, workspacePathOf } from "../../catalog/databricks/notebooks.ts";
import { initScriptDestination } from "../../catalog/databricks/init-scripts.ts";
import { scopeVaultName } from "../../catalog/databricks/secret-scopes.ts";
import { fileProblem, listFolder } from "../../catalog/databricks/source-files.ts";
import { PERMISSION_LEVELS } from "../../resources/databricks-permissions.ts";
import { didYouMean } from "../../util/did-you-mean.ts";
import type { JobClusterSpec, PermissionSpec } from "../databricks-schema.ts";
import type { ResolvedSpec } from "../resolve.ts";
import { problem, type SpecRule } from "./rule.ts";

type Path = (string | number)[];

/** Folders many people share: a notebooks folder berth keeps exact must be one of its own below them. */
const SHARED_FOLDERS = /^\/(Shared|Users|Repos|Volumes)?\/?$|^\/(Users|Repos)\/[^/]+\/?$/;

/** A workspace path without the /Workspace alias and a trailing '/'. */
const bare = (p: string): string => p.replace(/^\/Workspace(?=\/)/, "").replace(/\/+$/, "") || "/";

/** `path` is `folder` or below it. */
const within = (path: string, folder: string): boolean => path === folder || path.startsWith(`${folder}/`);

const unknown = (spec: ResolvedSpec, at: Path, what: string, name: string, known: readonly string[]): Diagnostic =>
  problem(spec, at, "DBX-REF-UNKNOWN", `${what} "${name}" is not declared`, known.length ? `${didYouMean(name, known) ?? `declared: ${known.join(", ")}`}` : `declare it first`);

function sized(spec: ResolvedSpec, at: Path, c: JobClusterSpec, allPurpose: boolean, development: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  if ((c.num_workers === undefined) === (c.autoscale === undefined)) out.push(problem(spec, at, "DBX-CLUSTER-SIZE", "a cluster needs exactly one of num_workers and autoscale", "num_workers: 2, or autoscale: { min_workers: 1, max_workers: 4 }"));
  if (c.autoscale && c.autoscale.min_workers > c.autoscale.max_workers) out.push(problem(spec, [...at, "autoscale"], "DBX-CLUSTER-SIZE", `autoscale min_workers ${c.autoscale.min_workers} is above max_workers ${c.autoscale.max_workers}`));
  if (c.data_security_mode === "SINGLE_USER" && !c.single_user_name) out.push(problem(spec, [...at, "data_security_mode"], "DBX-SINGLE-USER", "data_security_mode SINGLE_USER needs single_user_name", "single_user_name: the user or service principal the cluster is for"));
  if (allPurpose && !development && !c.autotermination_minutes)
    out.push(problem(spec, [...at, "autotermination_minutes"], "DBX-AUTOTERMINATION", "an all-purpose cluster outside development must stop by itself: autotermination_minutes is missing or 0", "autotermination_minutes: 30 (10–10000)"));
  return out;
}

function permissions(spec: ResolvedSpec, at: Path, list: readonly PermissionSpec[] | undefined, type: keyof typeof PERMISSION_LEVELS): Diagnostic[] {
  return (list ?? []).flatMap((p, i) => {
    const out: Diagnostic[] = [];
    const principals = [p.user, p.group, p.servicePrincipal].filter((x) => x !== undefined).length;
    if (principals !== 1) out.push(problem(spec, [...at, i], "DBX-PERMISSION", "a permission names exactly one of user, group, servicePrincipal", "e.g. { group: data-engineers, level: CAN_RESTART }"));
    if (p.group === "admins") out.push(problem(spec, [...at, i, "group"], "DBX-PERMISSION", "the admins group's permissions cannot be changed: Databricks gives it CAN_MANAGE everywhere", "remove this entry"));
    if (!PERMISSION_LEVELS[type].includes(p.level) || p.level === "IS_OWNER")
      out.push(problem(spec, [...at, i, "level"], "DBX-PERMISSION", `${p.level} is not a level berth sets on ${type}`, `one of ${PERMISSION_LEVELS[type].filter((l) => l !== "IS_OWNER").join(", ")} (the owner is kept as it is)`));
    return out;
  });
}

export const databricksRules: SpecRule = (spec) => {
  const d = spec.platform.spec.databricks;
  const ctx = databricksContext(spec);
  if (!d || !ctx) return [];
  const out: Diagnostic[] = [];
  const root = ["spec", "databricks"];
  const azure = spec.platform.spec.azure;
  const workspaces = Object.keys(azure?.databricksWorkspaces ?? {});
  const vaults = Object.keys(azure?.keyVaults ?? {});

  if ((d.workspace === undefined) === (d.url === undefined)) out.push(problem(spec, root, "DBX-WORKSPACE", "spec.databricks needs exactly one of workspace (a workspace of spec.azure.databricksWorkspaces) and url (one made elsewhere)", workspaces.length ? `workspace: ${workspaces[0]}` : "url: https://adb-<id>.<n>.azuredatabricks.net"));
  if (d.workspace !== undefined && !workspaces.includes(d.workspace)) out.push(unknown(spec, [...root, "workspace"], "Databricks workspace (spec.azure.databricksWorkspaces)", d.workspace, workspaces));
  if (d.resourceId && !d.url) out.push(problem(spec, [...root, "resourceId"], "DBX-WORKSPACE", "resourceId goes with url; a workspace of spec.azure has its id already"));

  const vault = (at: Path, name: string | undefined, why: string) => {
    if (name === undefined) out.push(problem(spec, at, "DBX-VAULT-UNKNOWN", `${why} reads a vault, and none is named: spec.azure.keyVaults declares ${vaults.length ? vaults.join(", ") : "none"}`, "name it with keyVault: <vault>"));
    else if (!vaults.includes(name)) out.push(unknown(spec, at, "Key Vault (spec.azure.keyVaults)", name, vaults));
  };
  const auth = d.auth;
  for (const kind of ["servicePrincipal", "pat", "oauthM2M"] as const) if (kind in auth) vault([...root, "auth", kind, "keyVault"], (auth as Record<string, { keyVault: string }>)[kind]!.keyVault, `auth ${kind}`);
  if (!azure && ("azure" in auth || "servicePrincipal" in auth)) out.push(problem(spec, [...root, "auth"], "DBX-NO-AZURE", `auth ${Object.keys(auth)[0]} signs in through Azure, and the spec has no spec.azure`, "add spec.azure (subscription, tenant), or sign in with workloadIdentity"));

  const scripts = Object.keys(d.initScripts);
  const clusters = Object.keys(d.clusters);
  const notebooks = Object.keys(d.notebooks);
  const named = new Map<string, string>();
  const clash = (kind: string, name: string, at: Path) => {
    const key = `${kind}\u0000${name.toLowerCase()}`;
    const other = named.get(key);
    if (other) out.push(problem(spec, at, "DBX-NAME-CLASH", `the ${kind} name "${name}" is also the name of ${other}`, "give one of them another name: berth finds workspace objects by tag, but people find them by name"));
    else named.set(key, at.join("."));
  };

  const destinations = new Map<string, string>();
  for (const [name, s] of Object.entries(d.initScripts)) {
    const at = [...root, "initScripts", name];
    const where = initScriptDestination(ctx.root, s);
    const other = destinations.get(where);
    if (other) out.push(problem(spec, [...at, "file"], "DBX-INIT-SCRIPT-CLASH", `init scripts ${other} and ${name} would both be ${where}: each would overwrite the other on every run`, "rename one of the files, or give one another destination (to:)"));
    destinations.set(where, name);
    const missing = fileProblem(ctx.baseDir, s.file);
    if (missing) out.push(problem(spec, [...at, "file"], "DBX-SOURCE-MISSING", `init script ${missing}`, "file is relative to the spec file"));
    if (typeof s.to === "object" && "dbfs" in s.to)
      out.push(problem(spec, [...at, "to"], "DBX-DBFS-INIT-SCRIPT", `init script ${name} goes to DBFS (${s.to.dbfs}): Databricks has ended DBFS init scripts`, "leave `to` out (a workspace file) or use { volume: /Volumes/<catalog>/<schema>/<volume> } on Unity Catalog", "warning"));
  }
  /** Each notebooks entry's files, relative to its folder; undefined when the folder is not there. */
  const folders = new Map<string, string[] | undefined>();
  for (const [name, n] of Object.entries(d.notebooks)) {
    const at = [...root, "notebooks", name];
    const found = listFolder(ctx.baseDir, n.source);
    if ("problem" in found) {
      out.push(problem(spec, [...at, "source"], "DBX-SOURCE-MISSING", `notebooks folder ${found.problem}`, "source is a folder of the repository, relative to the spec file"));
      folders.set(name, undefined);
      continue;
    }
    folders.set(name, found.files.map((f) => f.relative));
    // The folder is berth's: whatever else is in it is deleted, so it must be one of its own.
    const path = bare(n.path);
    if (SHARED_FOLDERS.test(path))
      out.push(problem(spec, [...at, "path"], "DBX-NOTEBOOK-PATH", `${n.path} is a folder everyone shares: berth keeps a notebooks folder holding exactly its files, and would delete everything else in it`, `a folder of its own, e.g. ${n.path.replace(/\/+$/, "")}/${name}`));
    const overlapping = [
      ...Object.entries(d.notebooks).filter(([other]) => other !== name).map(([other, o]) => ({ what: `notebooks ${other} (${o.path})`, path: bare(o.path) })),
      { what: `the init scripts' folder (${ctx.root}/init-scripts)`, path: bare(`${ctx.root}/init-scripts`) },
    ].filter((o) => within(path, o.path) || within(o.path, path));
    for (const o of overlapping) out.push(problem(spec, [...at, "path"], "DBX-NOTEBOOK-PATH", `${n.path} overlaps ${o.what}: berth would delete the other's files from it on every run`, "give each notebooks entry a folder of its own, apart from spec.databricks.root"));
    const paths = new Map<string, string>();
    for (const f of found.files) {
      const path = workspacePathOf(n.path, f.relative);
      const other = paths.get(path);
      if (other) out.push(problem(spec, [...at, "source"], "DBX-NOTEBOOK-CLASH", `${other} and ${f.relative} would both be the workspace object ${path}`, "a notebook's workspace path drops its extension: rename one of them"));
      paths.set(path, f.relative);
    }
  }

  for (const [name, c] of Object.entries(d.clusters)) {
    const at = [...root, "clusters", name];
    out.push(...sized(spec, at, c, true, ctx.development));
    c.initScripts.forEach((s, i) => scripts.includes(s) || out.push(unknown(spec, [...at, "initScripts", i], "init script", s, scripts)));
    out.push(...permissions(spec, [...at, "permissions"], c.permissions, "clusters"));
    clash("cluster", c.name ?? `${ctx.prefix}${name}`, at);
  }
  for (const [name, n] of Object.entries(d.notebooks)) out.push(...permissions(spec, [...root, "notebooks", name, "permissions"], n.permissions, "directories"));
  for (const [name, j] of Object.entries(d.jobs)) {
    const at = [...root, "jobs", name];
    const keys = j.tasks.map((t) => t.key);
    for (const [jc, c] of Object.entries(j.jobClusters)) {
      out.push(...sized(spec, [...at, "jobClusters", jc], c, false, ctx.development));
      c.initScripts.forEach((s, i) => scripts.includes(s) || out.push(unknown(spec, [...at, "jobClusters", jc, "initScripts", i], "init script", s, scripts)));
    }
    j.tasks.forEach((t, i) => {
      const tat = [...at, "tasks", i];
      if (keys.indexOf(t.key) !== i) out.push(problem(spec, [...tat, "key"], "DBX-TASK", `two tasks of job ${name} are keyed "${t.key}"`));
      if ((t.cluster === undefined) === (t.jobCluster === undefined)) out.push(problem(spec, tat, "DBX-TASK", "a task runs on exactly one of cluster (an all-purpose cluster) and jobCluster", clusters.length ? `cluster: ${clusters[0]}` : "declare a cluster or a jobCluster"));
      if (t.cluster !== undefined && !clusters.includes(t.cluster)) out.push(unknown(spec, [...tat, "cluster"], "cluster", t.cluster, clusters));
      if (t.jobCluster !== undefined && !(t.jobCluster in j.jobClusters)) out.push(unknown(spec, [...tat, "jobCluster"], `job cluster of job ${name}`, t.jobCluster, Object.keys(j.jobClusters)));
      const entry = t.notebook.split("/")[0]!;
      if (!t.notebook.includes("/")) out.push(problem(spec, [...tat, "notebook"], "DBX-TASK", `"${t.notebook}" names no file: a task's notebook is <notebooks entry>/<file>`, notebooks.length ? `e.g. ${notebooks[0]}/main.py` : "declare spec.databricks.notebooks first"));
      else if (!notebooks.includes(entry)) out.push(unknown(spec, [...tat, "notebook"], "notebooks entry", entry, notebooks));
      else {
        const files = folders.get(entry);
        const file = t.notebook.slice(entry.length + 1);
        const match = files?.find((f) => f === file || f.replace(/\.[^./]+$/, "") === file);
        if (files && !match)
          out.push(problem(spec, [...tat, "notebook"], "DBX-NOTEBOOK-UNKNOWN", `${file} is not a file of the notebooks folder ${entry} (${d.notebooks[entry]!.source})`, `${didYouMean(file, files) ?? `files there: ${files.slice(0, 8).join(", ") || "(none)"}`}`));
        else if (match && !NOTEBOOK_LANGUAGES[/\.[^./]+$/.exec(match)?.[0]?.toLowerCase() ?? ""])
          out.push(problem(spec, [...tat, "notebook"], "DBX-TASK", `${match} is deployed as a plain workspace file, and a notebook task runs notebooks`, `a notebook has one of the extensions ${Object.keys(NOTEBOOK_LANGUAGES).join(", ")}`));
      }
      t.dependsOn.forEach((k, di) => keys.includes(k) || out.push(unknown(spec, [...tat, "dependsOn", di], `task of job ${name}`, k, keys)));
    });
    out.push(...permissions(spec, [...at, "permissions"], j.permissions, "jobs"));
    clash("job", j.name ?? `${ctx.prefix}${name}`, at);
  }
  // Access control (permissions, secret ACLs) is a Premium feature: a Standard workspace refuses it.
  const sku = d.workspace ? azure?.databricksWorkspaces[d.workspace]?.sku : undefined;
  if (sku === "standard") {
    const controlled: Path[] = [
      ...Object.entries(d.clusters).filter(([, c]) => c.permissions?.length).map(([n]) => [...root, "clusters", n, "permissions"]),
      ...Object.entries(d.notebooks).filter(([, c]) => c.permissions?.length).map(([n]) => [...root, "notebooks", n, "permissions"]),
      ...Object.entries(d.jobs).filter(([, c]) => c.permissions?.length).map(([n]) => [...root, "jobs", n, "permissions"]),
      ...Object.entries(d.secretScopes).filter(([, c]) => Object.keys(c.acls).length).map(([n]) => [...root, "secretScopes", n, "acls"]),
    ];
    for (const at of controlled) out.push(problem(spec, at, "DBX-PREMIUM", `access control needs a Premium workspace, and ${d.workspace} is Standard`, `set spec.azure.databricksWorkspaces.${d.workspace}.sku: premium, or remove this`));
  }

  for (const [name, s] of Object.entries(d.secretScopes)) {
    const at = [...root, "secretScopes", name];
    vault([...at, "keyVault"], scopeVaultName(ctx, s.keyVault), `secret scope ${name}`);
    if (s.backend === "keyVault" && !signsInWithEntra(ctx.workspace.auth))
      out.push(problem(spec, [...at, "backend"], "DBX-SCOPE-BACKEND", `a Key Vault-backed scope can only be made with an Entra ID sign-in, and this workspace is reached with ${ctx.workspace.auth.type}`, "backend: databricks (berth copies the values from the vault), or sign in with azure or servicePrincipal (Entra ID)"));
    if (s.backend === "keyVault" && Object.keys(s.secrets).length) out.push(problem(spec, [...at, "secrets"], "DBX-SCOPE-BACKEND", "a Key Vault-backed scope shows every secret of its vault under its own name: secrets maps keys only for backend databricks", "remove secrets, or set backend: databricks"));
    if (s.backend === "databricks" && !Object.keys(s.secrets).length) out.push(problem(spec, [...at, "secrets"], "DBX-SCOPE-BACKEND", "a Databricks-backed scope with no secrets holds nothing", "map each key to a vault secret: secrets: { db-password: sql-admin-password }", "warning"));
    clash("secret scope", s.name ?? `${ctx.prefix}${name}`, at);
  }
  return out;
};
