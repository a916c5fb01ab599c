/**
 * The raw HTTP plumbing the Azure and Databricks test servers share: a server reads a request's whole body, and a
 * test sends one HTTPS request trusting the test CA with no retries, so faults and error bodies show as they are.
 * Each server's testing.ts builds its own `raw` (its body kinds, how it parses the answer) on `rawHttps`.
 */
import type { IncomingMessage } from "node:http";
import { request } from "node:https";

/** The whole body of a request a test server received. */
export const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });

export interface RawHttpsAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

/** One HTTPS request to `path` on the server, trusting its CA; a dropped connection rejects with the socket error. */
export function rawHttps(server: { readonly url: string; readonly ca: string }, method: string, path: string, headers: Readonly<Record<string, string | number>>, payload?: Buffer): Promise<RawHttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server.url), { method, ca: server.ca, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
