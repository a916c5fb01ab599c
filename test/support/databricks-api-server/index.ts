/**
 * A Databricks test server: the workspace REST APIs berth deploys with (clusters, jobs, workspace, DBFS, Files,
 * secrets, permissions) and the workspace OAuth endpoint, for several workspaces on one server (`/ws/<id>/api/...`;
 * root `/api/...` is the default workspace), over HTTPS on 127.0.0.1 (and plain HTTP for the SDK proof), with time on
 * an injectable clock and injectable faults. See README.md beside this file.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { testCertificate } from "../azure-api-server/tls.ts";
import { serverClock } from "../clock.ts";
import { readBody } from "../https-io.ts";
import { Auth } from "./auth.ts";
import { clusterRoutes, clusterView } from "./clusters.ts";
import { DbxError, FAULT_CODES } from "./errors.ts";
import { Faults } from "./faults.ts";
import { fileRoutes } from "./files.ts";
import { jobRoutes } from "./jobs.ts";
import { permissionRoutes, permissionsView } from "./permissions.ts";
import type { Call, Reply, Route } from "./route.ts";
import { secretRoutes } from "./secrets.ts";
import { Timeline } from "./timeline.ts";
import type { DatabricksApiServer, Json, RequestRecord, Scenario, WorkspaceSpec, WorkspaceState } from "./types.ts";
import { objectView, workspaceRoutes, wsPath } from "./workspace.ts";
import { newWorkspaceId, Workspace, type World } from "./world.ts";

export type { ClusterStartFault, DatabricksApiServer, Json, RequestFault, RequestMatch, RequestRecord, Scenario, ServicePrincipal, WorkspaceSpec, WorkspaceState } from "./types.ts";
export { DATABRICKS_RESOURCE } from "./auth.ts";

const ROUTES: readonly Route[] = [...clusterRoutes, ...jobRoutes, ...workspaceRoutes, ...fileRoutes, ...secretRoutes, ...permissionRoutes];
const WS_PREFIX = /^\/ws\/([A-Za-z0-9-]+)(\/.*)?$/;

export async function startDatabricksApiServer(scenario: Scenario = {}): Promise<DatabricksApiServer> {
  const { realTime, clock, own: ownClock } = serverClock(scenario);
  const stop = new AbortController();
  const cert = testCertificate();
  let base = "";
  let httpBase = "";
  const ids = { object: 1_000_000_000_000, job: 100_000_000_000_000, run: 500_000_000_000_000 };
  const w: World = {
    scenario,
    clock,
    timeline: new Timeline(clock, stop.signal),
    realTime,
    workspaces: new Map(),
    defaultWorkspace: scenario.defaultWorkspace ?? newWorkspaceId(),
    base: () => base,
    workspace(id) {
      let ws = w.workspaces.get(id);
      if (!ws) w.workspaces.set(id, (ws = new Workspace(id, undefined, clock.now(), () => w.nextId("object"))));
      return ws;
    },
    addUser(ws, principal) {
      if (ws.users.has(principal)) return;
      ws.users.add(principal);
      const home = `/Users/${principal}`;
      const now = clock.now();
      if (!ws.objects.has(home)) {
        const object_id = w.nextId("object");
        ws.objects.set(home, { object_type: "DIRECTORY", object_id, path: home, created_at: now, modified_at: now });
        ws.acl.set(`/directories/${object_id}`, [{ principal, permission_level: "CAN_MANAGE" }]);
      }
    },
    startFaults: [],
    nextId: (kind) => (ids[kind] += kind === "object" ? 1 + Math.floor(Math.random() * 1000) : 1 + Math.floor(Math.random() * 100)),
  };
  const auth = new Auth(w);
  const faults = new Faults();
  for (const f of scenario.faults ?? []) faults.add(f);
  const addWorkspace = (spec: WorkspaceSpec): Workspace => {
    const ws = w.workspace(spec.id);
    if (spec.resourceId) ws.resourceId ??= spec.resourceId;
    for (const u of spec.users ?? []) w.addUser(ws, u);
    return ws;
  };
  for (const spec of scenario.workspaces ?? []) addWorkspace(spec);
  const requests: RequestRecord[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", "http://x");
    const method = (req.method ?? "GET").toUpperCase();
    const m = WS_PREFIX.exec(url.pathname);
    const wsId = m ? m[1]! : w.defaultWorkspace;
    const path = m ? (m[2] ?? "/") : url.pathname;
    const route = ROUTES.find((r) => r.method === method && r.path.test(path));
    const token = path.startsWith("/oidc/");
    const write = method !== "GET" && method !== "HEAD" && !token && !route?.read;
    const record = (status: number, code?: string): void => {
      requests.push({ method, path, query: url.search, workspace: wsId, status, ...(code ? { error_code: code } : {}), at: clock.now(), write });
    };
    const fault = faults.take({ method, path, workspace: wsId });
    if (fault?.reset) {
      record(0, "ConnectionReset");
      req.socket.destroy();
      return;
    }
    let reply: Reply;
    if (fault && !fault.after) {
      const status = fault.status ?? 500;
      const code = fault.code ?? FAULT_CODES[status] ?? "INTERNAL_ERROR";
      reply = { status, body: fault.body ?? new DbxError(status, code, fault.message ?? `Injected fault ${code}.`).body(scenario.errorMetadata), headers: fault.retryAfter !== undefined ? { "Retry-After": String(fault.retryAfter) } : {} };
    } else {
      reply = await clock.busy(Promise.resolve().then(() => dispatch(method, path, wsId, url.searchParams, raw, req.headers, route)));
    }
    if (fault?.after && fault.hold) {
      record(0, "Held");
      fault.onHold?.({ method, path, workspace: wsId });
      return;
    }
    if (fault?.after) {
      record(0, "ConnectionReset");
      req.socket.destroy();
      return;
    }
    const b = reply.body as Json | undefined;
    record(reply.status, reply.status >= 400 ? (b?.error_code ?? (typeof b?.error === "string" ? b.error : undefined)) : undefined);
    const body = reply.raw ?? (reply.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(reply.body)));
    res.writeHead(reply.status, {
      "x-databricks-org-id": wsId,
      ...(reply.raw === undefined && body.length ? { "Content-Type": "application/json" } : {}),
      ...(reply.raw !== undefined ? { "Content-Length": String(body.length) } : {}),
      ...(reply.headers ?? {}),
    });
    res.end(method === "HEAD" ? undefined : body);
  };

  function dispatch(method: string, path: string, wsId: string, query: URLSearchParams, raw: Buffer, headers: IncomingMessage["headers"], route: Route | undefined): Reply {
    const ws = w.workspace(wsId);
    try {
      w.timeline.settle();
      if (path === "/oidc/.well-known/oauth-authorization-server" && method === "GET") {
        const issuer = `${base}/ws/${wsId}/oidc`;
        return { status: 200, body: { issuer, token_endpoint: `${issuer}/v1/token`, authorization_endpoint: `${issuer}/v1/authorize` } };
      }
      if (path === "/oidc/v1/token" && method === "POST") return auth.token(ws, new URLSearchParams(raw.toString()), headers.authorization);
      if (!route) throw new DbxError(404, "ENDPOINT_NOT_FOUND", `No API found for '${method} ${path}'`);
      const caller = auth.authenticate(ws, headers);
      let body: Json = {};
      if (raw.length && !path.startsWith("/api/2.0/fs/files/")) {
        try {
          body = JSON.parse(raw.toString()) as Json;
        } catch {
          throw new DbxError(400, "MALFORMED_REQUEST", "Invalid JSON given in the body of the request - failed to parse the request body as JSON.");
        }
        if (body === null || typeof body !== "object" || Array.isArray(body)) throw new DbxError(400, "MALFORMED_REQUEST", "Invalid JSON given in the body of the request - expected a map");
      }
      const call: Call = { w, ws, method, path, query, body, raw, headers, caller, params: route.path.exec(path)!.slice(1) };
      return route.handle(call);
    } catch (e) {
      if (e instanceof DbxError) return { status: e.status, body: e.body(scenario.errorMetadata), headers: e.headers };
      throw e;
    }
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error_code: "INTERNAL_ERROR", message: String(e instanceof Error ? e.stack : e) }));
      }
    });
  };
  const server = createServer({ key: cert.key, cert: cert.cert }, onRequest);
  const httpServer = createHttpServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  httpBase = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;

  const state = (ws: Workspace): WorkspaceState => {
    const settled = <T>(f: () => T): T => (w.timeline.settle(), f());
    const host = `${base.replace(/^https:\/\//, "")}/ws/${ws.id}`;
    return {
      id: ws.id,
      url: `https://${host}`,
      host,
      get resourceId() {
        return auth.resourceIdOf(ws);
      },
      users: () => [...ws.users],
      addedUsers: () => ws.addedUsers.map((a) => ({ ...a })),
      clusters: () => settled(() => [...ws.clusters.values()].map(clusterView)),
      cluster: (id) => settled(() => (ws.clusters.has(id) ? clusterView(ws.clusters.get(id)!) : undefined)),
      clusterEvents: (id) => settled(() => structuredClone(ws.clusters.get(id)?.events ?? [])),
      jobs: () => [...ws.jobs.values()].map((j) => structuredClone({ job_id: j.job_id, settings: j.settings, created_time: j.created_time, creator_user_name: j.creator_user_name })),
      job: (id) => (ws.jobs.has(id) ? structuredClone({ ...ws.jobs.get(id)! }) : undefined),
      runs: () => settled(() => [...ws.runs.values()].map(({ cancel: _c, ...r }) => structuredClone(r))),
      objects: () => [...ws.objects.values()].map(objectView),
      object: (p) => {
        const o = ws.objects.get(wsPath(p));
        return o ? objectView(o) : undefined;
      },
      objectContent: (p) => ws.objects.get(wsPath(p))?.content?.toString(),
      dbfs: () => [...ws.dbfs.entries()].map(([path, f]) => ({ path, is_dir: f.is_dir, file_size: f.content.length, modification_time: f.modified })),
      dbfsContent: (p) => ws.dbfs.get(p.replace(/^dbfs:/, ""))?.content.toString(),
      volumeFiles: () => [...ws.volumes.entries()].map(([path, f]) => ({ path, is_directory: f.is_dir, file_size: f.content.length, last_modified: f.modified })),
      volumeContent: (p) => ws.volumes.get(p)?.content.toString(),
      scopes: () => [...ws.scopes.values()].map((s) => ({ name: s.name, backend_type: s.backend_type, ...(s.keyvault_metadata ? { keyvault_metadata: { ...s.keyvault_metadata } } : {}) })),
      secrets: (scope) => [...(ws.scopes.get(scope)?.secrets.entries() ?? [])].map(([key, s]) => ({ key, last_updated_timestamp: s.last_updated_timestamp })),
      secretValue: (scope, key) => ws.scopes.get(scope)?.secrets.get(key)?.value,
      acls: (scope) => [...(ws.scopes.get(scope)?.acls.entries() ?? [])].map(([principal, permission]) => ({ principal, permission })),
      permissions: (type, id) => permissionsView(ws, type, id),
    };
  };

  return {
    url: base,
    httpUrl: httpBase,
    defaultWorkspace: w.defaultWorkspace,
    ca: cert.cert,
    caPath: cert.certPath,
    clock,
    requests,
    writes: (workspace) => requests.filter((r) => r.write && (workspace === undefined || r.workspace === workspace)).length,
    addWorkspace: (spec) => state(addWorkspace(spec)),
    workspace: (id) => state(w.workspace(id)),
    azureHook: { workspaceUrl: (id, resourceId) => state(addWorkspace({ id, resourceId })).host },
    createPat: (workspaceId, principal) => auth.createPat(w.workspace(workspaceId), principal),
    addFault: (f) => faults.add(f),
    setClusterStartFault: (f) => void w.startFaults.push({ fault: f, remaining: f.times ?? 1 }),
    async close() {
      stop.abort();
      ownClock?.stop();
      server.closeAllConnections();
      httpServer.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), new Promise<void>((resolve) => httpServer.close(() => resolve()))]);
    },
  };
}
