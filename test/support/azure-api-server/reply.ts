/** What a handler answers: status, JSON body, headers. */
import { randomUUID } from "node:crypto";
import type { Operation } from "./operations.ts";
import { Operations } from "./operations.ts";
import type { World } from "./world.ts";

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export const json = (status: number, body?: unknown, headers: Record<string, string> = {}): Reply => ({ status, body, headers });

/** Headers of an accepted long-running operation, as ARM sends them. */
export function operationHeaders(w: World, op: Operation, withAsync = true): Record<string, string> {
  const urls = Operations.urls(op, w.base(), w.subscriptionId);
  return {
    ...(withAsync ? { "Azure-AsyncOperation": urls.asyncOperation } : {}),
    Location: urls.location,
    "Retry-After": String(w.scenario.retryAfterSeconds ?? 10),
  };
}

export const requestIdHeaders = (): Record<string, string> => {
  const id = randomUUID();
  return { "x-ms-request-id": id, "x-ms-correlation-request-id": id };
};
