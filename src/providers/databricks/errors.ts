/**
 * Databricks' error answers as data. The REST API answers `{error_code, message, details[]}`; older 2.0 endpoints and
 * gateways send `{error}` or plain text, and some details lack a `metadata` field (the official SDK's parser fails on
 * those and then reports the HTTP status text as the error code): only `error_code` and `message` are read, whatever
 * else the body holds.
 */
import { isConnectionError, retryAfterMs } from "../azure/errors.ts";

export { isConnectionError, retryAfterMs };

export interface DatabricksErrorBody {
  readonly errorCode?: string;
  readonly message: string;
}

const safeParse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** `error_code` and `message` from an error answer's text, with the status text when the body says nothing. */
export function databricksErrorOf(text: string, fallback: string): DatabricksErrorBody {
  const parsed = safeParse(text);
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
    const p = parsed as Record<string, unknown>;
    const code = typeof p.error_code === "string" ? p.error_code : typeof p.errorCode === "string" ? p.errorCode : undefined;
    // SCIM answers `detail`, the token endpoint `error_description`, some gateways `error`.
    const message = [p.message, p.detail, p.error_description, typeof p.error === "string" ? p.error : undefined].find((m): m is string => typeof m === "string" && m.trim() !== "");
    const oauthCode = code ?? (typeof p.error === "string" && message !== p.error ? p.error : undefined);
    return { ...(oauthCode ? { errorCode: oauthCode } : {}), message: message ?? fallback };
  }
  return { message: typeof parsed === "string" && parsed.trim() ? parsed.trim().slice(0, 300) : fallback };
}
