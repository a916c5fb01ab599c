/** Small helpers for this folder's tests: raw HTTP calls and waiting on virtual time. */
import type { KubeApiServer } from "./types.ts";
import { TICK_MS } from "./simulator.ts";

export interface Call {
  code: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export async function call(server: KubeApiServer, method: string, path: string, body?: unknown, contentType = "application/json", headers: Record<string, string> = {}): Promise<Call> {
  const r = await fetch(server.url + path, {
    method,
    headers: { "content-type": contentType, ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // text body (logs)
  }
  return { code: r.status, headers: r.headers, body: parsed };
}

/**
 * Looks again after every simulated tick until `fn` returns a value other than undefined/false, or throws with the
 * last value seen once `budgetMs` of the server's (virtual) time has passed: the budget never depends on how loaded
 * the machine is.
 */
export async function waitFor<T>(server: Pick<KubeApiServer, "clock">, what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, budgetMs = 1500): Promise<T> {
  const end = server.clock.now() + budgetMs;
  let last: unknown;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    last = v;
    if (server.clock.now() > end) throw new Error(`no ${what} after ${budgetMs} ms of simulated time (last: ${JSON.stringify(last)})`);
    await server.clock.sleep(TICK_MS);
  }
}

export const deployment = (name: string, namespace: string, extra: { replicas?: number; image?: string; labels?: Record<string, string> } = {}) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace, labels: { app: name, ...(extra.labels ?? {}) } },
  spec: {
    replicas: extra.replicas ?? 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "app", image: extra.image ?? "nginx:1.27", ports: [{ containerPort: 8080, name: "http" }] }] } },
  },
});

export const namespace = (name: string) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });

export const apply = (server: KubeApiServer, path: string, obj: unknown, manager = "test", force = false): Promise<Call> =>
  call(server, "PATCH", `${path}?fieldManager=${manager}${force ? "&force=true" : ""}`, obj, "application/apply-patch+yaml");
