/**
 * DBFS (`/api/2.0/dbfs/*`: put ≤ 1 MB inline, streaming create/add-block/close, read, get-status, list, mkdirs,
 * delete) and the Files API for Unity Catalog volumes (`/api/2.0/fs/files/Volumes/...` raw PUT/GET/HEAD/DELETE,
 * `/api/2.0/fs/directories/...` PUT mkdir -p, GET list, DELETE). Both are plain path → bytes stores.
 */
import { DbxError, exists, invalid, missing } from "./errors.ts";
import { api, type Call, ok, page, param, type Reply, type Route } from "./route.ts";
import type { FileEntry } from "./world.ts";

const MAX_BLOCK = 1024 * 1024;

// ---- DBFS ----

function dbfsPath(p: unknown): string {
  if (typeof p !== "string" || !p) throw invalid("Missing required field: path");
  const bare = p.replace(/^dbfs:/, "");
  if (!bare.startsWith("/")) throw invalid(`Path must be absolute: ${p}`);
  return bare.replace(/\/+$/, "") || "/";
}

const parentOf = (p: string): string => p.slice(0, p.lastIndexOf("/")) || "/";

function mkdirsIn(store: Map<string, FileEntry>, path: string, now: number, notFile: (p: string) => DbxError): void {
  let cur = "";
  for (const part of path.split("/").filter(Boolean)) {
    cur += `/${part}`;
    const e = store.get(cur);
    if (e && !e.is_dir) throw notFile(cur);
    if (!e) store.set(cur, { is_dir: true, content: Buffer.alloc(0), modified: now });
  }
}

const dbfsNotDir = (p: string): DbxError => exists(`A file or directory already exists at the input path dbfs:${p}.`);

function dbfsWrite(c: Call, path: string, content: Buffer, overwrite: boolean): void {
  const store = c.ws.dbfs;
  const prev = store.get(path);
  if (prev?.is_dir) throw exists(`A directory already exists at the input path dbfs:${path}.`);
  if (prev && !overwrite) throw exists(`A file or directory already exists at the input path dbfs:${path}.`);
  const now = c.w.clock.now();
  mkdirsIn(store, parentOf(path), now, dbfsNotDir);
  store.set(path, { is_dir: false, content, modified: now });
}

function dbfsPut(c: Call): Reply {
  const path = dbfsPath(c.body.path);
  const content = Buffer.from(String(c.body.contents ?? ""), "base64");
  if (content.length > MAX_BLOCK) throw new DbxError(400, "MAX_BLOCK_SIZE_EXCEEDED", `The contents exceed the maximum inline size of ${MAX_BLOCK} bytes; use create, add-block and close.`);
  dbfsWrite(c, path, content, c.body.overwrite === true);
  return ok({});
}

function dbfsEntry(c: Call, p: unknown): { path: string; e: FileEntry } {
  const path = dbfsPath(p);
  const e = c.ws.dbfs.get(path);
  if (!e) throw missing(`No file or directory exists on path dbfs:${path}.`);
  return { path, e };
}

const statusView = (path: string, e: FileEntry) => ({ path, is_dir: e.is_dir, file_size: e.is_dir ? 0 : e.content.length, modification_time: e.modified });

function dbfsRead(c: Call): Reply {
  const { path, e } = dbfsEntry(c, param(c, "path"));
  if (e.is_dir) throw invalid(`Cannot read a directory: dbfs:${path}`);
  const offset = Number(param(c, "offset") ?? 0);
  const length = Number(param(c, "length") ?? MAX_BLOCK);
  if (length > MAX_BLOCK) throw new DbxError(400, "MAX_READ_SIZE_EXCEEDED", `length must be at most ${MAX_BLOCK} bytes.`);
  const data = e.content.subarray(offset, offset + length);
  return ok({ bytes_read: data.length, data: data.toString("base64") });
}

function dbfsList(c: Call): Reply {
  const { path, e } = dbfsEntry(c, param(c, "path"));
  if (!e.is_dir) return ok({ files: [statusView(path, e)] });
  const files = [...c.ws.dbfs.entries()].filter(([p]) => p !== "/" && parentOf(p) === path).sort(([a], [b]) => a.localeCompare(b)).map(([p, x]) => statusView(p, x));
  return ok(files.length ? { files } : {});
}

function dbfsDelete(c: Call): Reply {
  const path = dbfsPath(c.body.path);
  const e = c.ws.dbfs.get(path);
  if (!e) throw missing(`No file or directory exists on path dbfs:${path}.`);
  const below = [...c.ws.dbfs.keys()].filter((p) => p.startsWith(path === "/" ? "/" : `${path}/`) && p !== path);
  if (e.is_dir && below.length && c.body.recursive !== true) throw new DbxError(400, "IO_ERROR", `dbfs:${path} is a non-empty directory; use recursive: true.`);
  for (const p of [path, ...below]) if (p !== "/") c.ws.dbfs.delete(p);
  return ok({});
}

function dbfsCreate(c: Call): Reply {
  const path = dbfsPath(c.body.path);
  const prev = c.ws.dbfs.get(path);
  if (prev && (prev.is_dir || c.body.overwrite !== true)) throw exists(`A file or directory already exists at the input path dbfs:${path}.`);
  const handle = c.w.nextId("object");
  c.ws.handles.set(handle, { path, chunks: [] });
  return ok({ handle });
}

function handleOf(c: Call) {
  const h = c.ws.handles.get(Number(c.body.handle));
  if (!h) throw missing(`Handle ${c.body.handle} does not exist.`);
  return h;
}

function dbfsAddBlock(c: Call): Reply {
  const data = Buffer.from(String(c.body.data ?? ""), "base64");
  if (data.length > MAX_BLOCK) throw new DbxError(400, "MAX_BLOCK_SIZE_EXCEEDED", `A block may be at most ${MAX_BLOCK} bytes.`);
  handleOf(c).chunks.push(data);
  return ok({});
}

function dbfsClose(c: Call): Reply {
  const h = handleOf(c);
  c.ws.handles.delete(Number(c.body.handle));
  dbfsWrite(c, h.path, Buffer.concat(h.chunks), true);
  return ok({});
}

// ---- Files API (Unity Catalog volumes) ----

const notFound = (): DbxError => new DbxError(404, "NOT_FOUND", "The file being accessed is not found.");

/** `/Volumes/cat/schema/vol/...` from the URL (decoded); the volume must exist when the scenario lists volumes. */
function volumePath(c: Call): string {
  const p = decodeURIComponent(c.params[0] ?? "").replace(/\/+$/, "");
  const m = /^\/Volumes\/[^/]+\/[^/]+\/[^/]+/.exec(p);
  if (!m) throw invalid(`Invalid path ${p}: expected /Volumes/<catalog>/<schema>/<volume>/...`);
  const known = c.w.scenario.volumes;
  if (known && !known.includes(m[0])) throw new DbxError(404, "NOT_FOUND", `Volume ${m[0].slice("/Volumes/".length).replace(/\//g, ".")} does not exist.`);
  return p;
}

function filePut(c: Call): Reply {
  const path = volumePath(c);
  const prev = c.ws.volumes.get(path);
  if (prev?.is_dir) throw new DbxError(409, "ALREADY_EXISTS", `A directory already exists at ${path}.`);
  if (prev && param(c, "overwrite") !== "true") throw new DbxError(409, "ALREADY_EXISTS", `The file ${path} already exists.`);
  const now = c.w.clock.now();
  mkdirsIn(c.ws.volumes, parentOf(path), now, (p) => new DbxError(409, "ALREADY_EXISTS", `A file exists at ${p}, where a directory is needed.`));
  c.ws.volumes.set(path, { is_dir: false, content: Buffer.from(c.raw), modified: now });
  return { status: 204 };
}

function fileGet(c: Call): Reply {
  const e = c.ws.volumes.get(volumePath(c));
  if (!e || e.is_dir) throw notFound();
  return { status: 200, raw: e.content, headers: { "Content-Type": "application/octet-stream", "Last-Modified": new Date(e.modified).toUTCString() } };
}

function fileDelete(c: Call): Reply {
  const path = volumePath(c);
  const e = c.ws.volumes.get(path);
  if (!e || e.is_dir) throw notFound();
  c.ws.volumes.delete(path);
  return { status: 204 };
}

function dirPut(c: Call): Reply {
  mkdirsIn(c.ws.volumes, volumePath(c), c.w.clock.now(), (p) => new DbxError(409, "ALREADY_EXISTS", `A file exists at ${p}, where a directory is needed.`));
  return { status: 204 };
}

function dirGet(c: Call): Reply {
  const path = volumePath(c);
  const e = c.ws.volumes.get(path);
  if (!e?.is_dir) throw new DbxError(404, "NOT_FOUND", `The directory ${path} is not found.`);
  const all = [...c.ws.volumes.entries()]
    .filter(([p]) => parentOf(p) === path)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([p, x]) => ({ path: p, is_directory: x.is_dir, ...(x.is_dir ? {} : { file_size: x.content.length }), last_modified: x.modified, name: p.slice(p.lastIndexOf("/") + 1) }));
  const p = page(all, Number(param(c, "page_size") ?? 1000), param(c, "page_token") || undefined);
  return ok({ ...(p.items.length ? { contents: p.items } : {}), ...(p.next ? { next_page_token: p.next } : {}) });
}

function dirDelete(c: Call): Reply {
  const path = volumePath(c);
  const e = c.ws.volumes.get(path);
  if (!e?.is_dir) throw new DbxError(404, "NOT_FOUND", `The directory ${path} is not found.`);
  if ([...c.ws.volumes.keys()].some((p) => parentOf(p) === path)) throw new DbxError(409, "FAILED_PRECONDITION", `The directory ${path} is not empty.`);
  c.ws.volumes.delete(path);
  return { status: 204 };
}

export const fileRoutes: readonly Route[] = [
  { method: "POST", path: api("2.0", "dbfs/put"), handle: dbfsPut },
  { method: "POST", path: api("2.0", "dbfs/create"), handle: dbfsCreate },
  { method: "POST", path: api("2.0", "dbfs/add-block"), handle: dbfsAddBlock },
  { method: "POST", path: api("2.0", "dbfs/close"), handle: dbfsClose },
  { method: "GET", path: api("2.0", "dbfs/read"), handle: dbfsRead },
  { method: "GET", path: api("2.0", "dbfs/get-status"), handle: (c) => ok(statusView(dbfsEntry(c, param(c, "path")).path, dbfsEntry(c, param(c, "path")).e)) },
  { method: "GET", path: api("2.0", "dbfs/list"), handle: dbfsList },
  { method: "POST", path: api("2.0", "dbfs/mkdirs"), handle: (c) => (mkdirsIn(c.ws.dbfs, dbfsPath(c.body.path), c.w.clock.now(), dbfsNotDir), ok({})) },
  { method: "POST", path: api("2.0", "dbfs/delete"), handle: dbfsDelete },
  { method: "PUT", path: api("2.0", "fs/files(/.+)"), handle: filePut },
  { method: "GET", path: api("2.0", "fs/files(/.+)"), handle: fileGet },
  { method: "HEAD", path: api("2.0", "fs/files(/.+)"), handle: fileGet },
  { method: "DELETE", path: api("2.0", "fs/files(/.+)"), handle: fileDelete },
  { method: "PUT", path: api("2.0", "fs/directories(/.+)"), handle: dirPut },
  { method: "GET", path: api("2.0", "fs/directories(/.+)"), handle: dirGet },
  { method: "HEAD", path: api("2.0", "fs/directories(/.+)"), handle: (c) => (dirGet(c), { status: 200 }) },
  { method: "DELETE", path: api("2.0", "fs/directories(/.+)"), handle: dirDelete },
];
