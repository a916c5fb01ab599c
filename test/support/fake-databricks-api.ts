/**
 * An in-memory DatabricksApi for unit tests of the workspace-artifact kinds: the Workspace API, DBFS, the Files API,
 * secrets and permissions, answering as the published API does (error codes, export adding the notebook header,
 * import not making parents), with every write recorded. Not a server: the kinds' requests arrive as DatabricksCalls,
 * so tests run in milliseconds; the real client against the test server is covered by the integration tests.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabricksWorkspaceRef, SourceFile } from "../../src/resources/databricks-resource.ts";
import type { KindContext } from "../../src/providers/databricks/kind.ts";
import type { Progress } from "../../src/providers/provider.ts";
import { DatabricksRequestError, type DatabricksApi, type DatabricksCall, type Json, unlessMissing } from "../../src/providers/databricks/api.ts";
import { NOTEBOOK_HEADER } from "../../src/providers/databricks/notebook-source.ts";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

interface WsObject {
  type: "DIRECTORY" | "NOTEBOOK" | "FILE";
  language?: keyof typeof NOTEBOOK_HEADER;
  content?: Buffer;
  id: number;
}

interface Scope {
  backend_type: "DATABRICKS" | "AZURE_KEYVAULT";
  keyvault_metadata?: { resource_id: string; dns_name: string };
  secrets: Map<string, { value: string; ts: number }>;
  acls: Map<string, string>;
}

export interface FakeRequest {
  readonly method: Method;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: unknown;
  readonly operation: string;
}

const missing = (op: string, message: string) => new DatabricksRequestError(op, 404, "RESOURCE_DOES_NOT_EXIST", message);
const bad = (op: string, code: string, message: string, status = 400) => new DatabricksRequestError(op, status, code, message);

const parentOf = (p: string): string => (p.lastIndexOf("/") <= 0 ? "/" : p.slice(0, p.lastIndexOf("/")));

export class FakeDatabricks implements DatabricksApi {
  readonly describe = "fake (https://adb-1.1.azuredatabricks.net)";
  readonly host = "https://adb-1.1.azuredatabricks.net";
  entra = true;
  /** The workspace's clock (ms): secrets get their last_updated_timestamp from it. */
  now = 1_700_000_000_000;
  /** Answer listings with `/Workspace/…` paths, as newer workspaces do. */
  workspacePrefix = false;
  /** The principal a new scope's MANAGE ACL names (the caller). */
  caller = "deployer@example.com";
  readonly requests: FakeRequest[] = [];
  readonly workspace = new Map<string, WsObject>([["/", { type: "DIRECTORY", id: 1 }]]);
  readonly dbfs = new Map<string, Buffer | "dir">([["/", "dir"]]);
  readonly volumes = new Map<string, Buffer | "dir">();
  readonly scopes = new Map<string, Scope>();
  readonly permissions = new Map<string, Json[]>();
  readonly vault = new Map<string, { value: string; updatedOn?: number }>();
  readonly vaultReads: string[] = [];
  #nextId = 100;
  #handles = new Map<number, { path: string; parts: Buffer[]; overwrite: boolean }>();

  writes(): FakeRequest[] {
    return this.requests.filter((r) => r.method !== "GET");
  }

  // --- fixtures ---
  setVault(vaultId: string, secret: string, value: string, updatedOn?: number): void {
    this.vault.set(`${vaultId}/${secret}`, { value, ...(updatedOn !== undefined ? { updatedOn } : {}) });
  }

  putWorkspace(path: string, o: Omit<WsObject, "id">): void {
    for (let p = parentOf(path); !this.workspace.has(p); p = parentOf(p)) this.workspace.set(p, { type: "DIRECTORY", id: this.#nextId++ });
    this.workspace.set(path, { ...o, id: this.#nextId++ });
  }

  // --- DatabricksApi ---
  get = (call: DatabricksCall) => this.#serve("GET", call);
  post = (call: DatabricksCall) => this.#serve("POST", call);
  put = (call: DatabricksCall) => this.#serve("PUT", call);
  patch = (call: DatabricksCall) => this.#serve("PATCH", call);
  delete = (call: DatabricksCall) => this.#serve("DELETE", call);

  find = (call: DatabricksCall): Promise<Json | undefined> => unlessMissing(() => this.get(call));

  async getBytes(call: DatabricksCall): Promise<Uint8Array | undefined> {
    this.requests.push({ method: "GET", path: call.path, operation: call.operation, ...(call.query ? { query: call.query } : {}) });
    const file = this.volumes.get(this.#volumePath(call.path, "/api/2.0/fs/files"));
    return file instanceof Buffer ? new Uint8Array(file) : undefined;
  }

  async vaultSecret(ref: { vaultId: string; secret: string }): Promise<{ value: string; updatedOn?: number }> {
    this.vaultReads.push(`${ref.vaultId}/${ref.secret}`);
    const got = this.vault.get(`${ref.vaultId}/${ref.secret}`);
    if (!got) throw new Error(`vault secret ${ref.secret} not found`);
    return got;
  }

  async vaultUri(vaultId: string): Promise<string> {
    return `https://${vaultId.split("/").pop()}.vault.azure.net/`;
  }

  async #serve(method: Method, call: DatabricksCall): Promise<Json> {
    this.requests.push({ method, path: call.path, operation: call.operation, ...(call.query ? { query: call.query } : {}), ...(call.body !== undefined ? { body: call.body } : {}) });
    const route = this.#routes[`${method} ${call.path}`];
    if (route) return route(call, call.operation);
    if (call.path.startsWith("/api/2.0/fs/")) return this.#files(method, call);
    const perm = /^\/api\/2\.0\/permissions\/([a-z]+)\/(.+)$/.exec(call.path);
    if (perm) return this.#permission(method, perm[1]!, decodeURIComponent(perm[2]!), call);
    throw bad(call.operation, "ENDPOINT_NOT_FOUND", `No API found for '${method} ${call.path}'`, 404);
  }

  // --- Workspace API ---
  #ws(path: string): string {
    const p = path.replace(/\/+$/, "") || "/";
    return p.startsWith("/Workspace/") ? p.slice("/Workspace".length) : p;
  }

  #shown = (path: string): string => (this.workspacePrefix ? `/Workspace${path}` : path);

  #routes: Record<string, (call: DatabricksCall, op: string) => Json> = {
    "GET /api/2.0/workspace/get-status": (call, op) => {
      const path = this.#ws(String(call.query!.path!));
      const o = this.workspace.get(path);
      if (!o) throw missing(op, `Path (${path}) doesn't exist.`);
      return { path: this.#shown(path), object_type: o.type, object_id: o.id, ...(o.language ? { language: o.language } : {}) };
    },
    "GET /api/2.0/workspace/list": (call, op) => {
      const path = this.#ws(String(call.query!.path!));
      if (this.workspace.get(path)?.type !== "DIRECTORY") throw missing(op, `Path (${path}) doesn't exist.`);
      const objects = [...this.workspace].filter(([p]) => p !== path && parentOf(p) === path).map(([p, o]) => ({ path: this.#shown(p), object_type: o.type, object_id: o.id, ...(o.language ? { language: o.language } : {}) }));
      return objects.length ? { objects } : {};
    },
    "GET /api/2.0/workspace/export": (call, op) => {
      const path = this.#ws(String(call.query!.path!));
      const o = this.workspace.get(path);
      if (!o) throw missing(op, `Path (${path}) doesn't exist.`);
      if (o.type === "DIRECTORY") throw bad(op, "INVALID_PARAMETER_VALUE", "Exporting a directory is only supported for DBC format");
      // Databricks writes its header line and ends the source with one newline.
      const content = o.type === "NOTEBOOK" ? Buffer.from(`${NOTEBOOK_HEADER[o.language!]}\n${o.content!.toString("utf8").replace(/\s+$/, "")}\n`) : o.content!;
      return { content: content.toString("base64"), file_type: o.type === "NOTEBOOK" ? "py" : "" };
    },
    "POST /api/2.0/workspace/mkdirs": (call, op) => {
      const path = this.#ws((call.body as Json).path);
      for (let p = path; p !== "/"; p = parentOf(p)) {
        const o = this.workspace.get(p);
        if (o && o.type !== "DIRECTORY") throw bad(op, "RESOURCE_ALREADY_EXISTS", `Path (${p}) already exists.`);
      }
      const chain: string[] = [];
      for (let p = path; p !== "/" && !this.workspace.has(p); p = parentOf(p)) chain.unshift(p);
      for (const p of chain) this.workspace.set(p, { type: "DIRECTORY", id: this.#nextId++ });
      return {};
    },
    "POST /api/2.0/workspace/import": (call, op) => {
      const b = call.body as Json;
      let path = this.#ws(b.path);
      const content = Buffer.from(b.content ?? "", "base64");
      if (this.workspace.get(parentOf(path))?.type !== "DIRECTORY") throw missing(op, `The parent folder (${parentOf(path)}) does not exist.`);
      let o: Omit<WsObject, "id">;
      if (b.format === "SOURCE") {
        if (!b.language) throw bad(op, "INVALID_PARAMETER_VALUE", "language is required for SOURCE");
        o = { type: "NOTEBOOK", language: b.language, content: this.#stripHeader(content, b.language) };
      } else if (b.format === "RAW") o = { type: "FILE", content };
      else if (b.format === "AUTO") {
        const header = Object.entries(NOTEBOOK_HEADER).find(([, h]) => content.toString("utf8").startsWith(h));
        if (header) {
          path = path.replace(/\.[^./]+$/, "");
          o = { type: "NOTEBOOK", language: header[0] as WsObject["language"], content: this.#stripHeader(content, header[0] as keyof typeof NOTEBOOK_HEADER) };
        } else o = { type: "FILE", content };
      } else throw bad(op, "INVALID_PARAMETER_VALUE", `format ${b.format} not supported here`);
      const existing = this.workspace.get(path);
      if (existing && !b.overwrite) throw bad(op, "RESOURCE_ALREADY_EXISTS", `Path (${path}) already exists.`, 400);
      // Overwrite replaces an object of the same type only.
      if (existing && existing.type !== o.type) throw bad(op, "RESOURCE_ALREADY_EXISTS", `Path (${path}) already exists as a ${existing.type.toLowerCase()}.`, 400);
      this.workspace.set(path, { ...o, id: existing?.id ?? this.#nextId++ });
      return {};
    },
    "POST /api/2.0/workspace/delete": (call, op) => {
      const b = call.body as Json;
      const path = this.#ws(b.path);
      const o = this.workspace.get(path);
      if (!o) throw missing(op, `Path (${path}) doesn't exist.`);
      const under = [...this.workspace.keys()].filter((p) => p.startsWith(`${path}/`));
      if (under.length && !b.recursive) throw bad(op, "DIRECTORY_NOT_EMPTY", `Folder (${path}) is not empty`);
      for (const p of [path, ...under]) this.workspace.delete(p);
      return {};
    },

    // --- DBFS ---
    "GET /api/2.0/dbfs/get-status": (call, op) => {
      const f = this.dbfs.get(String(call.query!.path!));
      if (f === undefined) throw missing(op, `No file or directory exists on path ${call.query!.path}.`);
      return { path: call.query!.path, is_dir: f === "dir", file_size: f === "dir" ? 0 : f.length };
    },
    "GET /api/2.0/dbfs/read": (call, op) => {
      const f = this.dbfs.get(String(call.query!.path!));
      if (!(f instanceof Buffer)) throw missing(op, `No file exists on path ${call.query!.path}.`);
      const offset = Number(call.query!.offset ?? 0);
      const length = Math.min(Number(call.query!.length ?? 1 << 20), 1 << 20);
      const slice = f.subarray(offset, offset + length);
      return { bytes_read: slice.length, data: slice.toString("base64") };
    },
    "POST /api/2.0/dbfs/mkdirs": (call) => {
      for (let p = (call.body as Json).path; p !== "/"; p = parentOf(p)) this.dbfs.set(p, "dir");
      return {};
    },
    "POST /api/2.0/dbfs/put": (call, op) => {
      const b = call.body as Json;
      const data = Buffer.from(b.contents, "base64");
      if (data.length > 1 << 20) throw bad(op, "MAX_BLOCK_SIZE_EXCEEDED", "File contents larger than 1 MB");
      if (this.dbfs.has(b.path) && !b.overwrite) throw bad(op, "RESOURCE_ALREADY_EXISTS", `A file or directory already exists at ${b.path}.`);
      this.dbfs.set(b.path, data);
      return {};
    },
    "POST /api/2.0/dbfs/create": (call) => {
      const handle = this.#nextId++;
      this.#handles.set(handle, { path: (call.body as Json).path, parts: [], overwrite: !!(call.body as Json).overwrite });
      return { handle };
    },
    "POST /api/2.0/dbfs/add-block": (call, op) => {
      const b = call.body as Json;
      const data = Buffer.from(b.data, "base64");
      if (data.length > 1 << 20) throw bad(op, "MAX_BLOCK_SIZE_EXCEEDED", "Block larger than 1 MB");
      this.#handles.get(b.handle)!.parts.push(data);
      return {};
    },
    "POST /api/2.0/dbfs/close": (call) => {
      const h = this.#handles.get((call.body as Json).handle)!;
      this.dbfs.set(h.path, Buffer.concat(h.parts));
      this.#handles.delete((call.body as Json).handle);
      return {};
    },
    "POST /api/2.0/dbfs/delete": (call, op) => {
      if (!this.dbfs.delete((call.body as Json).path)) throw missing(op, `No file or directory exists on path ${(call.body as Json).path}.`);
      return {};
    },

    // --- secrets ---
    "GET /api/2.0/secrets/scopes/list": () => ({
      scopes: [...this.scopes].map(([name, s]) => ({ name, backend_type: s.backend_type, ...(s.keyvault_metadata ? { keyvault_metadata: s.keyvault_metadata } : {}) })),
    }),
    "POST /api/2.0/secrets/scopes/create": (call, op) => {
      const b = call.body as Json;
      if (this.scopes.has(b.scope)) throw bad(op, "RESOURCE_ALREADY_EXISTS", `Scope ${b.scope} already exists!`);
      const type = b.scope_backend_type ?? "DATABRICKS";
      if (type === "AZURE_KEYVAULT" && !this.entra) throw bad(op, "INVALID_PARAMETER_VALUE", "Scope with Azure KeyVault must have userAADToken defined!");
      const acls = new Map<string, string>([[b.initial_manage_principal ?? this.caller, "MANAGE"]]);
      this.scopes.set(b.scope, { backend_type: type, ...(b.backend_azure_keyvault ? { keyvault_metadata: b.backend_azure_keyvault } : {}), secrets: new Map(), acls });
      return {};
    },
    "POST /api/2.0/secrets/scopes/delete": (call, op) => {
      if (!this.scopes.delete((call.body as Json).scope)) throw missing(op, `Scope ${(call.body as Json).scope} does not exist!`);
      return {};
    },
    "GET /api/2.0/secrets/list": (call, op) => {
      const s = this.#scope(String(call.query!.scope!), op);
      return { secrets: [...s.secrets].map(([key, v]) => ({ key, last_updated_timestamp: v.ts })) };
    },
    "POST /api/2.0/secrets/put": (call, op) => {
      const b = call.body as Json;
      const s = this.#scope(b.scope, op);
      if (s.backend_type !== "DATABRICKS") throw bad(op, "BAD_REQUEST", "Cannot write secrets to Azure KeyVault-backed scope");
      s.secrets.set(b.key, { value: b.string_value, ts: this.now });
      return {};
    },
    "POST /api/2.0/secrets/delete": (call, op) => {
      const b = call.body as Json;
      if (!this.#scope(b.scope, op).secrets.delete(b.key)) throw missing(op, `Secret ${b.key} does not exist`);
      return {};
    },
    "GET /api/2.0/secrets/acls/list": (call, op) => ({ items: [...this.#scope(String(call.query!.scope!), op).acls].map(([principal, permission]) => ({ principal, permission })) }),
    "POST /api/2.0/secrets/acls/put": (call, op) => {
      const b = call.body as Json;
      this.#scope(b.scope, op).acls.set(b.principal, b.permission);
      return {};
    },
    "POST /api/2.0/secrets/acls/delete": (call, op) => {
      const b = call.body as Json;
      if (!this.#scope(b.scope, op).acls.delete(b.principal)) throw missing(op, `ACL for ${b.principal} does not exist`);
      return {};
    },
  };

  #stripHeader(content: Buffer, language: keyof typeof NOTEBOOK_HEADER): Buffer {
    const text = content.toString("utf8");
    return Buffer.from(text.startsWith(`${NOTEBOOK_HEADER[language]}\n`) ? text.slice(NOTEBOOK_HEADER[language].length + 1) : text);
  }

  #scope(name: string, op: string): Scope {
    const s = this.scopes.get(name);
    if (!s) throw missing(op, `Scope ${name} does not exist!`);
    return s;
  }

  // --- Files API ---
  #volumePath(apiPath: string, prefix: string): string {
    return decodeURIComponent(apiPath.slice(prefix.length));
  }

  #files(method: Method, call: DatabricksCall): Json {
    const op = call.operation;
    if (call.path.startsWith("/api/2.0/fs/directories/")) {
      const path = this.#volumePath(call.path, "/api/2.0/fs/directories");
      if (method !== "PUT") throw bad(op, "NOT_IMPLEMENTED", method);
      for (let p = path; p.split("/").length > 5; p = parentOf(p)) this.volumes.set(p, "dir");
      return {};
    }
    const path = this.#volumePath(call.path, "/api/2.0/fs/files");
    if (method === "PUT") {
      if (this.volumes.get(parentOf(path)) !== "dir" && parentOf(path).split("/").length > 4) throw missing(op, `The parent directory ${parentOf(path)} does not exist.`);
      if (this.volumes.has(path) && call.query?.overwrite !== "true") throw bad(op, "ALREADY_EXISTS", `${path} already exists`, 409);
      this.volumes.set(path, Buffer.from(call.raw ?? new Uint8Array()));
      return {};
    }
    if (method === "DELETE") {
      if (!this.volumes.delete(path)) throw missing(op, `${path} does not exist`);
      return {};
    }
    throw bad(op, "NOT_IMPLEMENTED", method);
  }

  // --- permissions ---
  #permission(method: Method, type: string, id: string, call: DatabricksCall): Json {
    const key = `${type}/${id}`;
    const acl = this.permissions.get(key);
    if (!acl) throw bad(call.operation, "RESOURCE_DOES_NOT_EXIST", `${type} ${id} does not exist.`, 404);
    if (method === "GET") return { object_id: `/${type}/${id}`, object_type: type.replace(/s$/, ""), access_control_list: acl };
    if (method !== "PUT") throw bad(call.operation, "NOT_IMPLEMENTED", method);
    const sent = ((call.body as Json).access_control_list ?? []) as Json[];
    const inherited = acl.filter((e) => (e.all_permissions as Json[]).some((p) => p.inherited));
    const direct = sent.map((e) => {
      const { permission_level, ...who } = e;
      return { ...who, all_permissions: [{ permission_level, inherited: false }] };
    });
    // Jobs keep exactly one owner: a PUT without one is refused.
    if (type === "jobs" && direct.filter((e) => e.all_permissions[0]!.permission_level === "IS_OWNER").length !== 1) throw bad(call.operation, "INVALID_PARAMETER_VALUE", "The job must have exactly one owner.");
    this.permissions.set(key, [...direct, ...inherited.map((e) => ({ ...e, all_permissions: (e.all_permissions as Json[]).filter((p) => p.inherited) }))]);
    return {};
  }
}

// --- what the kinds' tests share ---


export const WORKSPACE: DatabricksWorkspaceRef = { name: "main", url: "https://adb-1.1.azuredatabricks.net", auth: { type: "azure" } };

export const kindContext = (api: DatabricksApi): KindContext => ({ api, instance: "demo/dev", adopt: false, now: () => 0, workspace: WORKSPACE });

/** Collects notes, so a test can check none names a secret. */
export const recordingProgress = (): Progress & { notes: string[] } => {
  const notes: string[] = [];
  return { notes, note: (m: string) => void notes.push(m) };
};

/** A repository file in a fresh temporary folder, with the digest a plan would carry. */
export function sourceFile(content: string | Uint8Array, name = "file"): SourceFile {
  const dir = mkdtempSync(join(tmpdir(), "berth-dbx-"));
  const path = join(dir, name);
  writeFileSync(path, content);
  return { path, sha256: createHash("sha256").update(content).digest("hex") };
}
