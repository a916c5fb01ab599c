/** HTTP front: records requests, adds latency, injects request faults, routes discovery and resource paths. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { parse as parseYaml } from "yaml";
import { apiGroup, apiGroupList, apiVersions, resourceList, VERSION_INFO } from "./discovery.ts";
import type { Faults } from "./faults.ts";
import { present, type Handlers, type ResourceRequest } from "./handlers.ts";
import { openApiV3Document, openApiV3Root } from "./openapi.ts";
import { apiVersionOf, type Registry, type ResourceDef } from "./resources.ts";
import { matches, matchesFields, parseFieldSelector, parseLabelSelector } from "./selectors.ts";
import { ApiError, badRequest, statusForCode } from "./status.ts";
import { objTypeKey, typeKey, type Store } from "./store.ts";
import { toTable } from "./table.ts";
import type { Obj, RequestRecord, Scenario } from "./types.ts";
import { sleep } from "./util.ts";
import type { Clock } from "../../../src/util/clock.ts";

export interface HttpDeps {
  store: Store;
  registry: Registry;
  handlers: Handlers;
  faults: Faults;
  scenario(): Scenario;
  records: RequestRecord[];
  /** A request being answered holds virtual time still. */
  clock: Pick<Clock, "busy" | "now">;
  podLog(pod: Obj, query: URLSearchParams): string;
  address(): string;
}

interface Reply {
  code: number;
  body: Obj | string;
  headers?: Record<string, string>;
}

const json = (code: number, body: Obj, headers?: Record<string, string>): Reply => ({ code, body, ...(headers ? { headers } : {}) });

const notFoundPath = (): ApiError => new ApiError(404, "the server could not find the requested resource", {});

/** Fixed paths: discovery, version, health, openapi. */
function fixedRoutes(deps: HttpDeps): Record<string, (segments: string[]) => Reply | undefined> {
  return {
    version: () => json(200, VERSION_INFO),
    healthz: () => ({ code: 200, body: "ok" }),
    readyz: () => ({ code: 200, body: "ok" }),
    livez: () => ({ code: 200, body: "ok" }),
    openapi: (s) => {
      if (s[1] === "v3" && s.length === 2) return json(200, openApiV3Root(deps.registry));
      if (s[1] === "v3") {
        const doc = openApiV3Document(deps.registry, s.slice(2).join("/"));
        return doc ? json(200, doc) : undefined;
      }
      return undefined;
    },
  };
}

interface ParsedPath {
  def: ResourceDef;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

/** /api/v1/… and /apis/{g}/{v}/…: discovery document, or the resource a path names. */
function resolveApiPath(deps: HttpDeps, segments: string[]): Reply | ParsedPath {
  const legacy = segments[0] === "api";
  if (legacy && segments.length === 1) return json(200, apiVersions(deps.address()));
  if (!legacy && segments.length === 1) return json(200, apiGroupList(deps.registry));
  if (!legacy && segments.length === 2) {
    const g = apiGroup(deps.registry, segments[1]!);
    if (!g) throw notFoundPath();
    return json(200, g);
  }
  const group = legacy ? "" : segments[1]!;
  const version = legacy ? segments[1]! : segments[2]!;
  const rest = segments.slice(legacy ? 2 : 3);
  if (rest.length === 0) {
    const list = resourceList(deps.registry, group, version);
    if (!list) throw notFoundPath();
    return json(200, list);
  }
  const namespacedPath = rest[0] === "namespaces" && rest.length >= 3 && !(rest.length === 3 && (rest[2] === "status" || rest[2] === "finalize"));
  const [namespace, plural, name, subresource] = namespacedPath ? [rest[1], rest[2]!, rest[3], rest[4]] : [undefined, rest[0]!, rest[1], rest[2]];
  const def = deps.registry.byPlural(group, version, plural);
  if (!def || (namespacedPath && !def.namespaced) || (!namespacedPath && def.namespaced && name !== undefined) || rest.length > (namespacedPath ? 5 : 3))
    throw notFoundPath();
  return { def, namespace, name, subresource };
}

const VERB: Record<string, (p: ParsedPath) => ResourceRequest["verb"] | undefined> = {
  GET: (p) => (p.name === undefined ? "list" : "get"),
  POST: (p) => (p.name === undefined ? "create" : undefined),
  PUT: (p) => (p.name === undefined ? undefined : "update"),
  PATCH: (p) => (p.name === undefined ? undefined : "patch"),
  DELETE: (p) => (p.name === undefined ? "deletecollection" : "delete"),
};

function decodeBody(raw: Buffer, contentType: string): unknown {
  if (raw.length === 0) return undefined;
  if (/protobuf|cbor/.test(contentType))
    throw new ApiError(415, `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/apply-patch+yaml, application/merge-patch+json, application/strategic-merge-patch+json, application/json-patch+json (this test server does not decode ${contentType.split(";")[0]})`);
  const text = raw.toString("utf8");
  try {
    return contentType.includes("yaml") ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw badRequest(`the body of the request could not be decoded: ${(e as Error).message.split("\n")[0]}`);
  }
}

const wantsTable = (accept: string): boolean => /as=Table/.test(accept);

export function createHttpServer(deps: HttpDeps): { server: Server; closeStreams(): void } {
  const streams = new Set<ServerResponse>();
  const fixed = fixedRoutes(deps);

  const route = (req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): Reply | "streamed" => {
    const segments = url.pathname.split("/").filter((s) => s !== "");
    const method = req.method ?? "GET";
    const head = segments[0] ?? "";
    if (fixed[head]) {
      const r = fixed[head]!(segments);
      if (!r) throw notFoundPath();
      return r;
    }
    if (head !== "api" && head !== "apis") throw notFoundPath();
    const resolved = resolveApiPath(deps, segments);
    if ("code" in resolved) return resolved;
    if (resolved.def.kind === "Pod" && resolved.subresource === "log") {
      if (method !== "GET") throw new ApiError(405);
      const pod = deps.store.get("", "Pod", resolved.namespace, resolved.name!);
      if (!pod) throw new ApiError(404, `pods "${resolved.name}" not found`, { name: resolved.name!, kind: "pods" });
      return { code: 200, body: deps.podLog(pod, url.searchParams), headers: { "Content-Type": "text/plain" } };
    }
    const verb = VERB[method]?.(resolved);
    if (!verb) throw new ApiError(405);
    const contentType = String(req.headers["content-type"] ?? "application/json");
    const request: ResourceRequest = {
      verb,
      ...resolved,
      query: url.searchParams,
      body: decodeBody(raw, contentType),
      contentType,
      userAgent: String(req.headers["user-agent"] ?? ""),
    };
    if (verb === "list" && ["true", "1"].includes(url.searchParams.get("watch") ?? "")) {
      watch(deps, request, res, streams, wantsTable(String(req.headers.accept ?? "")));
      return "streamed";
    }
    const result = deps.handlers.handle(request);
    const accept = String(req.headers.accept ?? "");
    if ((verb === "get" || verb === "list") && wantsTable(accept) && result.code === 200 && !resolved.subresource) {
      const items = verb === "list" ? (result.body.items as Obj[]) : [result.body];
      return json(200, toTable(items, resolved.def.kind, deps.store.resourceVersion, url.searchParams.get("includeObject"), deps.store.now()));
    }
    return json(result.code, result.body);
  };

  const server = createServer((req, res) => {
    const at = deps.clock.now();
    // Until answered, time stands still; a watch stream is "answered" once its initial events are out.
    let answered!: () => void;
    void deps.clock.busy(new Promise<void>((resolve) => (answered = resolve)));
    res.once("close", () => answered()).once("finish", () => answered());
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    const contentType = req.headers["content-type"];
    const record = (status: number): void => {
      deps.records.push({ method, path: url.pathname, query: url.search.replace(/^\?/, ""), status, ...(contentType ? { contentType } : {}), at });
    };
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const latency = deps.scenario().requestLatencyMs ?? 0;
        if (latency > 0) await sleep(latency);
        const fault = deps.faults.take(method, url.pathname);
        if (fault?.type === "drop") {
          record(0);
          req.socket.destroy();
          return;
        }
        let reply: Reply | "streamed";
        try {
          if (fault?.type === "http") throw statusForCode(fault.status, fault.retryAfterSeconds);
          if (fault?.type === "unauthorized-once") throw new ApiError(401);
          reply = route(req, res, url, Buffer.concat(chunks));
        } catch (e) {
          const err = e instanceof ApiError ? e : new ApiError(500, `Internal error occurred: ${(e as Error).message}`);
          if (!(e instanceof ApiError)) console.error("kube-api-server:", e);
          reply = { code: err.code, body: err.toStatus(), headers: err.headers };
        }
        if (reply === "streamed") {
          record(200);
          answered();
          return;
        }
        const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
        res.writeHead(reply.code, { "Content-Type": "application/json", "Cache-Control": "no-cache, private", ...(reply.headers ?? {}) });
        res.end(text);
        record(reply.code);
      })();
    });
  });
  server.keepAliveTimeout = 60_000;
  return {
    server,
    closeStreams: () => {
      for (const s of streams) s.end();
      streams.clear();
    },
  };
}

/** A minimal watch (objects, or one-row Tables for `as=Table`): initial ADDED events (no or "0" resourceVersion) or a replay from history, then live changes; ends at timeoutSeconds. */
function watch(deps: HttpDeps, r: ResourceRequest, res: ServerResponse, streams: Set<ServerResponse>, table: boolean): void {
  const labels = parseLabelSelector(r.query.get("labelSelector") ?? "");
  const fields = parseFieldSelector(r.query.get("fieldSelector") ?? "");
  const key = typeKey(r.def.group, r.def.kind);
  const wanted = (o: Obj): boolean =>
    objTypeKey(o) === key && (!r.def.namespaced || r.namespace === undefined || o.metadata?.namespace === r.namespace) && matches(labels, o.metadata?.labels) && matchesFields(fields, o);
  res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked", "Cache-Control": "no-cache, private" });
  res.flushHeaders();
  streams.add(res);
  const send = (type: string, o: Obj): void => {
    if (res.writableEnded) return;
    const object = table ? toTable([present(o, r.def)], r.def.kind, String(o.metadata?.resourceVersion ?? ""), r.query.get("includeObject"), deps.store.now()) : present(o, r.def);
    res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const rv = r.query.get("resourceVersion") ?? "";
  const initialEvents = r.query.get("sendInitialEvents") === "true";
  // A version older than the change history kept: the client has to list again (as etcd compaction makes it).
  const oldest = deps.store.oldestResourceVersion;
  if (/^\d+$/.test(rv) && rv !== "0" && !initialEvents && oldest !== undefined && Number(rv) < oldest - 1) {
    const status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `too old resource version: ${rv} (${oldest - 1})`, reason: "Expired", code: 410 };
    res.end(`${JSON.stringify({ type: "ERROR", object: status })}\n`);
    return;
  }
  if (rv === "" || rv === "0" || initialEvents) for (const o of deps.store.list(r.def.group, r.def.kind, r.def.namespaced ? r.namespace : undefined).filter(wanted)) send("ADDED", o);
  else for (const c of deps.store.history) if (c.rv > Number(rv) && wanted(c.object)) send(c.type, c.object);
  // watch-list (client-go's WatchListClient, on in kubectl >= 1.35): a bookmark marks the end of the initial events
  if (initialEvents && !res.writableEnded) {
    const bookmark = { kind: r.def.kind, apiVersion: apiVersionOf(r.def), metadata: { resourceVersion: deps.store.resourceVersion, annotations: { "k8s.io/initial-events-end": "true" } } };
    res.write(`${JSON.stringify({ type: "BOOKMARK", object: bookmark })}\n`);
  }
  // Bookmarks (allowWatchBookmarks): after changes this watch does not show, the version it has caught up to,
  // so a resumed watch starts from there rather than from an old version.
  const bookmarks = r.query.get("allowWatchBookmarks") === "true" && !table;
  let bookmarkDue = false;
  const bookmark = (): void => {
    bookmarkDue = false;
    if (!res.writableEnded) res.write(`${JSON.stringify({ type: "BOOKMARK", object: { kind: r.def.kind, apiVersion: apiVersionOf(r.def), metadata: { resourceVersion: deps.store.resourceVersion } } })}\n`);
  };
  const unsubscribe = deps.store.subscribe((c) => {
    if (wanted(c.object)) send(c.type, c.object);
    else if (bookmarks && !bookmarkDue) {
      bookmarkDue = true;
      setImmediate(bookmark);
    }
  });
  const timeout = Number(r.query.get("timeoutSeconds") ?? "0");
  const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
  res.on("close", () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    streams.delete(res);
  });
}
