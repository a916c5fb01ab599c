/** Helpers for tests of and against the Databricks test server: one raw HTTPS request that trusts its certificate. */
import { request } from "node:https";
import type { DatabricksApiServer, Json } from "./types.ts";

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON, or undefined for an empty or non-JSON body (see `text`). */
  readonly body: Json | undefined;
  readonly text: string;
}

export interface RawOptions {
  readonly token?: string;
  /** JSON body. */
  readonly body?: unknown;
  /** Form body (the OAuth token endpoint). */
  readonly form?: Record<string, string>;
  /** Raw bytes body (Files API uploads). */
  readonly bytes?: Buffer;
  readonly headers?: Record<string, string>;
}

/**
 * One HTTPS request to the server, no retries (faults and error bodies show as they are). `path` is relative to the
 * server (`/ws/<id>/api/...` or root `/api/...`). A dropped connection rejects with the socket error.
 */
export function raw(server: Pick<DatabricksApiServer, "url" | "ca">, method: string, path: string, options: RawOptions = {}): Promise<RawResponse> {
  const payload = options.bytes ?? (options.form ? Buffer.from(new URLSearchParams(options.form).toString()) : options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body)));
  const type = options.bytes ? "application/octet-stream" : options.form ? "application/x-www-form-urlencoded" : "application/json";
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, server.url),
      {
        method,
        ca: server.ca,
        headers: {
          ...(payload !== undefined ? { "Content-Type": type, "Content-Length": payload.length } : {}),
          ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
          ...(options.headers ?? {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          let body: Json | undefined;
          try {
            body = text ? (JSON.parse(text) as Json) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** base64 of a string (workspace import, DBFS put). */
export const b64 = (s: string): string => Buffer.from(s).toString("base64");
