/** The handler contract: a request as handlers see it, what they answer, and a route table row. */
import type { Json } from "./types.ts";
import type { Caller, Workspace, World } from "./world.ts";

export interface Call {
  readonly w: World;
  readonly ws: Workspace;
  readonly method: string;
  /** API path without the workspace prefix. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Parsed JSON body (`{}` when none or not JSON, e.g. a Files API upload). */
  readonly body: Json;
  readonly raw: Buffer;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly caller: Caller;
  /** Capture groups of the route's pattern. */
  readonly params: readonly string[];
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** A raw (non-JSON) body: Files API downloads, direct_download exports. */
  readonly raw?: Buffer;
}

export const ok = (body: unknown = {}): Reply => ({ status: 200, body });

export interface Route {
  readonly method: string;
  /** Matched against the whole API path. */
  readonly path: RegExp;
  readonly handle: (c: Call) => Reply;
  /** A POST that only reads (clusters/events): not counted as a write. */
  readonly read?: boolean;
}

/** `/api/2.{0,1}/clusters/x` style path patterns: several API versions serve the same operation. */
export const api = (versions: string, rest: string): RegExp => new RegExp(`^/api/(?:${versions.split(",").join("|")})/${rest}$`);

/** A value from the JSON body or the query string (GET operations take query parameters). */
export function param(c: Call, name: string): any {
  if (c.body[name] !== undefined) return c.body[name];
  const all = c.query.getAll(name);
  return all.length > 1 ? all : (all[0] ?? undefined);
}

/** Paging with an opaque token over a list (offset in base64). */
export function page<T>(items: readonly T[], size: number, token: string | undefined): { items: T[]; next?: string; prev?: string } {
  const start = token ? Number(Buffer.from(token, "base64url").toString()) || 0 : 0;
  const items_ = items.slice(start, start + size);
  const enc = (n: number): string => Buffer.from(String(n)).toString("base64url");
  return { items: items_, ...(start + size < items.length ? { next: enc(start + size) } : {}), ...(start > 0 ? { prev: enc(Math.max(0, start - size)) } : {}) };
}
