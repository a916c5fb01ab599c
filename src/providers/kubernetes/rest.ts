/**
 * Unstructured JSON over the Kubernetes REST API, the way kubectl's dynamic client works: client-node's KubeConfig
 * supplies the server, TLS, proxy and credentials (tokens, client certificates, exec plugins); objects go over the
 * wire exactly as berth holds them. client-node's typed object API is not used for objects because its serializer
 * maps fields through generated models — `from` in a NetworkPolicy rule is renamed `_from` and silently dropped from
 * a plain object, timestamps become Dates — which would corrupt what berth applies and diffs.
 */
import http from "node:http";
import https from "node:https";
import { ApiException, type KubeConfig } from "@kubernetes/client-node";
import type { ObjectRef } from "../../plan/step.ts";
import { type Clock, systemClock } from "../../util/clock.ts";

export interface ApiResource {
  readonly name: string;
  readonly namespaced: boolean;
}

export type Json = Record<string, any>;

interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  readonly contentType?: string;
  /** The answer is text (pod logs), not JSON. */
  readonly text?: boolean;
}

const apiPrefix = (apiVersion: string) => (apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`);

export class KubeRest {
  readonly #discovery = new Map<string, Promise<Map<string, ApiResource> | undefined>>();
  #options: Promise<https.RequestOptions> | undefined;

  constructor(
    private readonly config: KubeConfig,
    private readonly clock: Clock = systemClock,
  ) {}

  get server(): string {
    return this.config.getCurrentCluster()?.server ?? "";
  }

  /** One request; while it is in flight the clock is told it is busy (virtual time stands still). */
  request<T = Json>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return this.clock.busy(this.#send<T>(method, path, options));
  }

  #baseOptions(): Promise<https.RequestOptions> {
    this.#options ??= (async () => {
      const o: https.RequestOptions = {};
      await this.config.applyToHTTPSOptions(o);
      // One connection per request costs a handshake each; keep them open (proxy agents are left as they are).
      const kind = o.agent ? Object.getPrototypeOf(o.agent) : undefined;
      const options = (o.agent as { options?: https.AgentOptions } | undefined)?.options;
      if (kind === https.Agent.prototype) o.agent = new https.Agent({ ...options, keepAlive: true });
      else if (kind === http.Agent.prototype) o.agent = new http.Agent({ ...options, keepAlive: true });
      return o;
    })();
    return this.#options;
  }

  async #send<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const base = await this.#baseOptions();
    const url = new URL(path, this.server.endsWith("/") ? this.server : `${this.server}/`);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const body = options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    const transport = url.protocol === "http:" ? http : https;
    return new Promise<T>((resolve, reject) => {
      const req = transport.request(
        url,
        {
          ...base,
          method,
          headers: {
            ...(base.headers as Record<string, string> | undefined),
            Accept: options.text ? "*/*" : "application/json",
            ...(body !== undefined ? { "Content-Type": options.contentType ?? "application/json", "Content-Length": Buffer.byteLength(body) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              if (options.text) return resolve(text as T);
              try {
                resolve((text ? JSON.parse(text) : {}) as T);
              } catch (error) {
                reject(error);
              }
              return;
            }
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // a proxy's HTML error page: keep the text
            }
            reject(new ApiException(status, `HTTP ${status} ${method} ${url.pathname}`, parsed, Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)]))));
          });
        },
      );
      req.on("error", reject);
      req.setTimeout(60_000, () => req.destroy(Object.assign(new Error("request timed out"), { code: "ETIMEDOUT" })));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  /**
   * A watch stream (`?watch=1`): calls `onEvent` for every line, resolves when the server ends the stream, rejects
   * with an ApiException when the server refuses it. Time is held still only until the stream is open: a watch is
   * long-lived and must not stop a virtual clock.
   */
  async watch(path: string, query: RequestOptions["query"], onEvent: (event: { type: string; object: Json }) => void, signal: AbortSignal, onOpen?: () => void): Promise<void> {
    const base = await this.#baseOptions();
    const url = new URL(path, this.server.endsWith("/") ? this.server : `${this.server}/`);
    for (const [k, v] of Object.entries({ ...query, watch: 1 })) if (v !== undefined) url.searchParams.set(k, String(v));
    const transport = url.protocol === "http:" ? http : https;
    let opened!: () => void;
    void this.clock.busy(new Promise<void>((resolve) => (opened = resolve)));
    try {
      await new Promise<void>((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason);
        const req = transport.request(url, { ...base, method: "GET", headers: { ...(base.headers as Record<string, string> | undefined), Accept: "application/json" } }, (res) => {
          opened();
          const status = res.statusCode ?? 0;
          if (status === 200) onOpen?.();
          let rest = "";
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => {
            if (status !== 200) return void chunks.push(c);
            rest += c.toString("utf8");
            let nl: number;
            while ((nl = rest.indexOf("\n")) >= 0) {
              const line = rest.slice(0, nl).trim();
              rest = rest.slice(nl + 1);
              if (!line) continue;
              let event: { type: string; object: Json };
              try {
                event = JSON.parse(line);
              } catch (error) {
                req.destroy(error as Error);
                return;
              }
              onEvent(event);
            }
          });
          res.on("error", reject);
          res.on("end", () => {
            if (status === 200) return resolve();
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not a Status
            }
            reject(new ApiException(status, `HTTP ${status} WATCH ${url.pathname}`, parsed, {}));
          });
        });
        // Destroyed without an error (an error emitted after the answer began would go unhandled): rejected here.
        const onAbort = () => {
          reject(Object.assign(new Error("watch stopped"), { name: "AbortError" }));
          req.destroy();
        };
        signal.addEventListener("abort", onAbort, { once: true });
        req.on("close", () => signal.removeEventListener("abort", onAbort));
        req.on("error", reject);
        req.end();
      });
    } finally {
      opened();
    }
  }

  /** The REST resource of a kind, from discovery (cached per group version); undefined when not served. */
  async resource(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    let list = this.#discovery.get(apiVersion);
    if (!list) {
      list = this.request<{ resources: (ApiResource & { kind: string })[] }>("GET", apiPrefix(apiVersion)).then(
        (r) => new Map(r.resources.filter((x) => !x.name.includes("/")).map((x) => [x.kind, { name: x.name, namespaced: x.namespaced }])),
        (error: unknown) => {
          this.#discovery.delete(apiVersion);
          if (error instanceof ApiException && error.code === 404) return undefined;
          throw error;
        },
      );
      this.#discovery.set(apiVersion, list);
    }
    return (await list)?.get(kind);
  }

  /** Forget discovery (a CRD was just established). */
  forgetDiscovery(): void {
    this.#discovery.clear();
  }

  async pathOf(ref: Pick<ObjectRef, "apiVersion" | "kind"> & { namespace?: string; name?: string }): Promise<string> {
    const resource = await this.resource(ref.apiVersion, ref.kind);
    if (!resource) throw new ApiException(404, `the server does not serve ${ref.kind} in ${ref.apiVersion}`, { message: `the server could not find the requested resource (${ref.kind} ${ref.apiVersion}): is its CustomResourceDefinition installed?` }, {});
    const ns = resource.namespaced && ref.namespace ? `/namespaces/${encodeURIComponent(ref.namespace)}` : "";
    return `${apiPrefix(ref.apiVersion)}${ns}/${resource.name}${ref.name ? `/${encodeURIComponent(ref.name)}` : ""}`;
  }

  read = async (ref: ObjectRef): Promise<Json> => this.request("GET", await this.pathOf(ref));

  list = async (apiVersion: string, kind: string, query: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {}): Promise<Json[]> => {
    const { namespace, ...selectors } = query;
    const r = await this.request<{ items?: Json[] }>("GET", await this.pathOf({ apiVersion, kind, ...(namespace ? { namespace } : {}) }), { query: selectors });
    return r.items ?? [];
  };

  apply = async (object: Json, fieldManager: string): Promise<Json> =>
    this.request("PATCH", await this.pathOf({ apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata?.namespace, name: object.metadata?.name }), {
      query: { fieldManager, force: true },
      body: object,
      contentType: "application/apply-patch+yaml",
    });

  create = async (object: Json): Promise<Json> =>
    this.request("POST", await this.pathOf({ apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata?.namespace }), { body: object });

  mergePatch = async (ref: ObjectRef, patch: Json, fieldManager: string): Promise<Json> =>
    this.request("PATCH", await this.pathOf(ref), { query: { fieldManager }, body: patch, contentType: "application/merge-patch+json" });

  delete = async (ref: ObjectRef, propagationPolicy: "Background" | "Foreground"): Promise<Json> =>
    this.request("DELETE", await this.pathOf(ref), { body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy } });

  podLog = async (namespace: string, name: string, query: { container?: string; tailLines?: number; previous?: boolean }): Promise<string> =>
    this.request<string>("GET", `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/log`, { query, text: true });
}
