/** What a failed Kubernetes request means for a retry, and how to say it. */
import { ApiException } from "@kubernetes/client-node";
import type { RetryDecision } from "../../util/retry.ts";

const RETRY_STATUS = new Set([409, 429, 500, 502, 503, 504]);
const RETRY_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ENOTFOUND", "UND_ERR_SOCKET"]);

export const statusOf = (error: unknown): number | undefined => (error instanceof ApiException ? error.code : undefined);

/** A lost connection: the request may or may not have reached the server. */
export function isConnectionError(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && RETRY_CODES.has(code)) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && /socket hang up|ECONNRESET|ECONNREFUSED|other side closed/.test(message)) return true;
  }
  return false;
}

const retryAfterMs = (error: ApiException<unknown>): number | undefined => {
  const header = Object.entries(error.headers ?? {}).find(([k]) => k.toLowerCase() === "retry-after")?.[1];
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
};

/** 409 (a stale read raced another writer), 429, 5xx and lost connections are worth another try; any other answer is final. */
export function classifyKubernetesError(error: unknown): RetryDecision {
  if (error instanceof ApiException) {
    if (!RETRY_STATUS.has(error.code)) return { retry: false };
    const after = retryAfterMs(error);
    return { retry: true, ...(after !== undefined ? { afterMs: after } : {}), why: `the API server answered ${error.code}${after !== undefined ? ` (Retry-After ${after / 1000}s)` : ""}` };
  }
  if (isConnectionError(error)) return { retry: true, why: "the connection to the API server was lost" };
  return { retry: false };
}

/** The server's own words: the Status message when there is one. */
export function serverMessage(error: unknown): string {
  if (error instanceof ApiException) {
    const body = error.body as unknown;
    const parsed = typeof body === "string" ? safeParse(body) : body;
    const message = (parsed as { message?: unknown } | undefined)?.message;
    return `${error.code}${typeof message === "string" ? ` ${message}` : ""}`;
  }
  return error instanceof Error ? error.message : String(error);
}

const safeParse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
