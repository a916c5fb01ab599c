/**
 * Which failed Databricks requests are tried again, as a table (like ../azure/retry-rules.ts). What decides is whether
 * repeating the request is harmless: an answer that proves the request was refused (429, a 503 naming when to come
 * back) is waited out for every request; a server error or a lost connection may hide a request that happened, so
 * only idempotent ones (reads, edits, resets, deletes, run-now with an idempotency token) are repeated. A create that
 * may have happened is never repeated: the provider reports its outcome as unknown and the next run finds it by tag.
 */
import type { RetryDecision } from "../../util/retry.ts";
import { DatabricksRequestError } from "./api.ts";
import { isConnectionError, retryAfterMs } from "./errors.ts";

export interface DatabricksRetryRule {
  /** HTTP status, any 5xx, or a lost connection. */
  readonly status: number | "5xx" | "lost";
  /** Databricks error_code; any when absent. */
  readonly code?: string;
  /** Only when the answer carries Retry-After (the server says it refused the request and when to come back). */
  readonly retryAfter?: boolean;
  /**
   * Which requests: every one (the answer proves nothing happened), idempotent ones only, those that allow INVALID_STATE
   * (an edit during a cluster transition, within the call's bound), or once after signing in again (an expired token).
   */
  readonly when: "always" | "idempotent" | "invalidState" | "signInAgain";
  readonly why: string;
}

export const DATABRICKS_RETRY_RULES: readonly DatabricksRetryRule[] = [
  { status: 429, when: "always", why: "the workspace is throttling requests" },
  { status: 503, retryAfter: true, when: "always", why: "the workspace is temporarily unavailable" },
  { status: "5xx", when: "idempotent", why: "the workspace answered with a server error" },
  { status: "lost", when: "idempotent", why: "the connection to the workspace was lost" },
  { status: 400, code: "INVALID_STATE", when: "invalidState", why: "the cluster is changing state" },
  { status: 401, when: "signInAgain", why: "the workspace refused the token: signing in again" },
];

export interface RetryContext {
  readonly idempotent: boolean;
  readonly now: number;
  /** INVALID_STATE is retried until this time on the clock (the call's retryInvalidStateMs after its first try). */
  readonly invalidStateUntil?: number;
  /** A 401 was already answered by signing in again: a second one is final. */
  readonly signedInAgain: boolean;
}

export type DatabricksRetryDecision = RetryDecision & { readonly signInAgain?: boolean };

const statusMatches = (rule: DatabricksRetryRule, error: DatabricksRequestError): boolean => {
  if (rule.status === "lost") return error.connectionLost;
  if (error.status === undefined) return false;
  return rule.status === "5xx" ? error.status >= 500 && error.status < 600 && error.status !== 501 : rule.status === error.status;
};

const allowed = (rule: DatabricksRetryRule, ctx: RetryContext): boolean => {
  switch (rule.when) {
    case "always":
      return true;
    case "idempotent":
      return ctx.idempotent;
    case "invalidState":
      return ctx.invalidStateUntil !== undefined && ctx.now < ctx.invalidStateUntil;
    case "signInAgain":
      return !ctx.signedInAgain;
  }
};

/** The first rule the failure matches decides: a request it does not allow is not tried again. */
export function classifyDatabricksError(error: unknown, ctx: RetryContext): DatabricksRetryDecision {
  const e = error instanceof DatabricksRequestError ? error : isConnectionError(error) ? new DatabricksRequestError("", undefined, undefined, "", {}, true) : undefined;
  if (!e) return { retry: false };
  const after = retryAfterMs(e.headers, ctx.now);
  const rule = DATABRICKS_RETRY_RULES.find((r) => statusMatches(r, e) && (r.code === undefined || r.code === e.errorCode) && (!r.retryAfter || after !== undefined));
  if (!rule || !allowed(rule, ctx)) return { retry: false };
  const what = e.status !== undefined ? ` (${e.status}${e.errorCode ? ` ${e.errorCode}` : ""}${after !== undefined ? `, Retry-After ${after / 1000}s` : ""})` : "";
  if (rule.when === "signInAgain") return { retry: true, afterMs: 0, why: `${rule.why}${what}`, signInAgain: true };
  return { retry: true, ...(after !== undefined ? { afterMs: after } : {}), why: `${rule.why}${what}` };
}
