/**
 * Databricks errors as data: HTTP status, `error_code`, message, thrown by handlers and answered by the router as
 * `{error_code, message, details: [{"@type": ErrorInfo, reason, domain, metadata?}]}`. Validation errors
 * (INVALID_PARAMETER_VALUE, INVALID_STATE) come without `metadata` in their detail, as Databricks has been seen
 * sending them — the shape the SDK's parser trips on (research/toolchain.md); Scenario.errorMetadata changes that.
 */
import type { Json, Scenario } from "./types.ts";

export class DbxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  body(mode: Scenario["errorMetadata"] = "some"): Json {
    const bare = mode === "never" || (mode === "some" && /^INVALID_(PARAMETER_VALUE|STATE)$/.test(this.code));
    const detail = { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: this.code, domain: "", ...(bare ? {} : { metadata: {} }) };
    return { error_code: this.code, message: this.message, details: [detail] };
  }
}

export const invalid = (message: string): DbxError => new DbxError(400, "INVALID_PARAMETER_VALUE", message);
export const invalidState = (message: string): DbxError => new DbxError(400, "INVALID_STATE", message);
/** 404 RESOURCE_DOES_NOT_EXIST (workspace, DBFS, secrets). */
export const missing = (message: string): DbxError => new DbxError(404, "RESOURCE_DOES_NOT_EXIST", message);
/** RESOURCE_ALREADY_EXISTS: the 2.0 APIs (workspace, DBFS, secrets) answer it with 400. */
export const exists = (message: string): DbxError => new DbxError(400, "RESOURCE_ALREADY_EXISTS", message);

/** The error_code a fault answers with by default, per status. */
export const FAULT_CODES: Readonly<Record<number, string>> = {
  400: "BAD_REQUEST",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  429: "REQUEST_LIMIT_EXCEEDED",
  500: "INTERNAL_ERROR",
  503: "TEMPORARILY_UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};
