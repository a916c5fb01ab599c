/**
 * Which failed ARM requests are worth another try, as a table. Throttling and server errors are waited out (ARM's
 * Retry-After when it sends one); a few 4xx answers describe a race Azure itself resolves within seconds or minutes
 * (another operation still running on the resource, Entra replication of a principal just created). Everything else
 * is final: retrying a bad request only delays the message.
 */
import type { RetryDecision } from "../../util/retry.ts";
import { AzureRequestError, isConnectionError, retryAfterMs } from "./errors.ts";

export interface RetryRule {
  readonly status: number | "5xx";
  /** ARM error code; any when absent. */
  readonly code?: string;
  readonly why: string;
}

export const RETRY_RULES: readonly RetryRule[] = [
  { status: 429, why: "ARM is throttling requests" },
  { status: "5xx", why: "ARM answered with a server error" },
  { status: 409, code: "AnotherOperationInProgress", why: "another operation is still running on the resource" },
  { status: 409, code: "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity", why: "another federated credential of the identity is being written" },
  { status: 400, code: "PrincipalNotFound", why: "the principal was just created and Entra ID has not replicated it yet" },
  { status: 404, code: "PrincipalNotFound", why: "the principal was just created and Entra ID has not replicated it yet" },
];

const matches = (rule: RetryRule, status: number, code: string | undefined): boolean =>
  (rule.status === "5xx" ? status >= 500 && status < 600 && status !== 501 : rule.status === status) && (rule.code === undefined || rule.code.toLowerCase() === code?.toLowerCase());

/**
 * What to do after a failed request. A lost connection is retried only for idempotent requests (GET, PUT, DELETE):
 * a POST that may have happened must not happen twice.
 */
export function classifyArmError(error: unknown, idempotent: boolean, now: number): RetryDecision {
  if (error instanceof AzureRequestError && error.status !== undefined) {
    const rule = RETRY_RULES.find((r) => matches(r, error.status!, error.code));
    if (!rule) return { retry: false };
    const after = retryAfterMs(error.headers, now);
    return { retry: true, ...(after !== undefined ? { afterMs: after } : {}), why: `${rule.why} (${error.status}${error.code ? ` ${error.code}` : ""}${after !== undefined ? `, Retry-After ${after / 1000}s` : ""})` };
  }
  if (idempotent && (isConnectionError(error) || (error instanceof AzureRequestError && error.connectionLost))) return { retry: true, why: "the connection to Azure Resource Manager was lost" };
  return { retry: false };
}
