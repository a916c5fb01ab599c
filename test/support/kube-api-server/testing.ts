/** Small helpers for this folder's tests: raw HTTP calls and polling. */
import type { KubeApiServer } from "./types.ts";

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

/** Polls until `fn` returns a value other than undefined/false, or throws with the last value seen. */
export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 1500): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    last = v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 10));
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
