/**
 * Workspace API (`/api/2.0/workspace/*`): a tree of directories, notebooks and files. mkdirs makes parents; import
 * does not (404 "The parent folder (…) does not exist."); AUTO import of a notebook source drops the extension;
 * export in SOURCE format puts the `# Databricks notebook source` header on a notebook imported without it, as
 * Databricks does (berth must normalise that away when it compares). Paths may carry the `/Workspace` alias.
 */
import { DbxError, exists, invalid, missing } from "./errors.ts";
import { api, type Call, ok, param, type Reply, type Route } from "./route.ts";
import type { Json } from "./types.ts";
import type { Workspace, World, WsObject } from "./world.ts";

const MAX_IMPORT = 10 * 1024 * 1024;
const LANGUAGES = ["PYTHON", "SQL", "SCALA", "R"];
/** Notebook source extension → language, and the first line a notebook source starts with. */
const BY_EXT: Readonly<Record<string, string>> = { py: "PYTHON", sql: "SQL", scala: "SCALA", r: "R" };
const EXT: Readonly<Record<string, string>> = { PYTHON: "py", SQL: "sql", SCALA: "scala", R: "r" };
export const HEADER: Readonly<Record<string, string>> = {
  PYTHON: "# Databricks notebook source",
  SQL: "-- Databricks notebook source",
  SCALA: "// Databricks notebook source",
  R: "# Databricks notebook source",
};

/** The normalised path: `/Workspace` alias dropped, no trailing slash; must be absolute. */
export function wsPath(p: unknown): string {
  if (typeof p !== "string" || p === "") throw invalid("Missing required field: path");
  if (!p.startsWith("/")) throw invalid(`Path (${p}) doesn't start with '/'`);
  const bare = p.replace(/^\/Workspace(?=\/|$)/, "").replace(/\/+$/, "");
  return bare === "" ? "/" : bare;
}

const parentOf = (p: string): string => p.slice(0, p.lastIndexOf("/")) || "/";
const childrenOf = (ws: Workspace, dir: string): WsObject[] => [...ws.objects.values()].filter((o) => o.path !== "/" && parentOf(o.path) === dir);

export function objectView(o: WsObject): Json {
  return {
    object_type: o.object_type,
    path: o.path,
    object_id: o.object_id,
    resource_id: String(o.object_id),
    ...(o.language ? { language: o.language } : {}),
    created_at: o.created_at,
    modified_at: o.modified_at,
    ...(o.object_type === "FILE" ? { size: o.content?.length ?? 0 } : {}),
  };
}

function found(ws: Workspace, path: string): WsObject {
  const o = ws.objects.get(path);
  if (!o) throw missing(`Path (${path}) doesn't exist.`);
  return o;
}

/** mkdir -p; the Users folder itself is protected (homes come with users). */
export function mkdirs(w: World, ws: Workspace, path: string): void {
  const parts = path.split("/").filter(Boolean);
  let cur = "";
  const now = w.clock.now();
  for (const part of parts) {
    cur += `/${part}`;
    const o = ws.objects.get(cur);
    if (o && o.object_type !== "DIRECTORY") throw exists(`Cannot create directory ${path} because a ${o.object_type.toLowerCase()} already exists at ${cur}.`);
    if (!o) {
      if (parentOf(cur) === "/Users") throw new DbxError(403, "DIRECTORY_PROTECTED", "Folder Users is protected");
      ws.objects.set(cur, { object_type: "DIRECTORY", object_id: w.nextId("object"), path: cur, created_at: now, modified_at: now });
    }
  }
}

function importObject(c: Call): Reply {
  const { w, ws } = c;
  let path = wsPath(c.body.path);
  const format = String(c.body.format ?? "SOURCE").toUpperCase();
  const content = Buffer.from(String(c.body.content ?? ""), "base64");
  if (content.length > MAX_IMPORT) throw new DbxError(400, "MAX_NOTEBOOK_SIZE_EXCEEDED", `File size imported is (${content.length} bytes), exceeded max size (${MAX_IMPORT} bytes)`);
  let type: WsObject["object_type"];
  let language: string | undefined = c.body.language;
  if (format === "SOURCE") {
    if (!language) throw invalid("The language field is required when the format is SOURCE.");
    if (!LANGUAGES.includes(language)) throw invalid(`Invalid language ${language}. Valid values: ${LANGUAGES.join(", ")}.`);
    type = "NOTEBOOK";
  } else if (format === "AUTO") {
    const ext = /\.([A-Za-z]+)$/.exec(path)?.[1]?.toLowerCase();
    const lang = ext ? BY_EXT[ext] : undefined;
    const text = content.toString();
    if (lang && text.startsWith(HEADER[lang]!)) {
      type = "NOTEBOOK";
      language = lang;
      path = path.slice(0, -(ext!.length + 1));
    } else if (ext === "ipynb") {
      type = "NOTEBOOK";
      language = "PYTHON";
      path = path.slice(0, -6);
    } else {
      type = "FILE";
      language = undefined;
    }
  } else if (format === "RAW") {
    type = "FILE";
    language = undefined;
  } else if (format === "JUPYTER") {
    type = "NOTEBOOK";
    language = "PYTHON";
  } else {
    throw invalid(`Import format ${format} is not modelled by this test server (SOURCE, AUTO, RAW, JUPYTER are).`);
  }
  const parent = ws.objects.get(parentOf(path));
  if (!parent || parent.object_type !== "DIRECTORY") throw missing(`The parent folder (${parentOf(path)}) does not exist.`);
  const prev = ws.objects.get(path);
  if (prev?.object_type === "DIRECTORY") throw exists(`Path (${path}) already exists as a directory.`);
  if (prev && !c.body.overwrite) throw exists(`Path (${path}) already exists.`);
  const now = w.clock.now();
  ws.objects.set(path, { object_type: type, object_id: prev?.object_id ?? w.nextId("object"), path, ...(language ? { language } : {}), content, created_at: prev?.created_at ?? now, modified_at: now });
  return ok({});
}

/** A notebook's SOURCE export: the header line first, as Databricks writes it. */
export function notebookSource(o: WsObject): Buffer {
  const text = (o.content ?? Buffer.alloc(0)).toString();
  const header = HEADER[o.language ?? "PYTHON"]!;
  return Buffer.from(text.startsWith(header) ? text : `${header}\n${text}`);
}

function exportObject(c: Call): Reply {
  const o = found(c.ws, wsPath(param(c, "path")));
  const format = String(param(c, "format") ?? "SOURCE").toUpperCase();
  if (o.object_type === "DIRECTORY") throw invalid(`Exporting a directory (${o.path}) is not modelled by this test server.`);
  if (!["SOURCE", "AUTO", "RAW", "JUPYTER"].includes(format)) throw invalid(`Export format ${format} is not modelled by this test server.`);
  const bytes = o.object_type === "NOTEBOOK" ? notebookSource(o) : (o.content ?? Buffer.alloc(0));
  if (String(param(c, "direct_download")) === "true") return { status: 200, raw: bytes, headers: { "Content-Type": "application/octet-stream" } };
  return ok({ content: bytes.toString("base64"), ...(o.object_type === "NOTEBOOK" ? { file_type: EXT[o.language ?? "PYTHON"] } : {}) });
}

function list(c: Call): Reply {
  const dir = found(c.ws, wsPath(param(c, "path")));
  if (dir.object_type !== "DIRECTORY") return ok({ objects: [objectView(dir)] });
  const objects = childrenOf(c.ws, dir.path).sort((a, b) => a.path.localeCompare(b.path)).map(objectView);
  // An empty directory answers {} — no `objects` key at all.
  return ok(objects.length ? { objects } : {});
}

function remove(c: Call): Reply {
  const path = wsPath(c.body.path);
  const o = found(c.ws, path);
  if (path === "/" || path === "/Users" || path === "/Shared" || path === "/Repos") throw new DbxError(403, "DIRECTORY_PROTECTED", `Folder ${path.slice(1) || "/"} is protected`);
  const below = [...c.ws.objects.keys()].filter((p) => p.startsWith(`${path}/`));
  if (o.object_type === "DIRECTORY" && below.length && c.body.recursive !== true) throw new DbxError(400, "DIRECTORY_NOT_EMPTY", `Folder (${path}) is not empty`);
  for (const p of [path, ...below]) {
    const gone = c.ws.objects.get(p)!;
    c.ws.objects.delete(p);
    c.ws.acl.delete(`/${gone.object_type === "DIRECTORY" ? "directories" : gone.object_type === "NOTEBOOK" ? "notebooks" : "files"}/${gone.object_id}`);
  }
  return ok({});
}

export const workspaceRoutes: readonly Route[] = [
  { method: "POST", path: api("2.0", "workspace/mkdirs"), handle: (c) => (mkdirs(c.w, c.ws, wsPath(c.body.path)), ok({})) },
  { method: "POST", path: api("2.0", "workspace/import"), handle: importObject },
  { method: "GET", path: api("2.0", "workspace/export"), handle: exportObject },
  { method: "GET", path: api("2.0", "workspace/get-status"), handle: (c) => ok(objectView(found(c.ws, wsPath(param(c, "path"))))) },
  { method: "GET", path: api("2.0", "workspace/list"), handle: list },
  { method: "POST", path: api("2.0", "workspace/delete"), handle: remove },
];
