/** meta/v1 Status bodies and the error type the handlers throw. */
import type { Obj } from "./types.ts";

/** Reason and default message per HTTP code, as the API server words them. */
const REASONS: Record<number, { reason: string; message: string }> = {
  400: { reason: "BadRequest", message: "the server rejected our request for an unknown reason" },
  401: { reason: "Unauthorized", message: "Unauthorized" },
  403: { reason: "Forbidden", message: "forbidden" },
  404: { reason: "NotFound", message: "the server could not find the requested resource" },
  405: { reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource" },
  406: { reason: "NotAcceptable", message: "the server was unable to respond with a content type that the client supports" },
  409: { reason: "Conflict", message: "the server reported a conflict" },
  410: { reason: "Expired", message: "the resource version is too old" },
  415: { reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format" },
  422: { reason: "Invalid", message: "the server rejected our request due to an error in our request" },
  429: { reason: "TooManyRequests", message: "Too many requests, please try again later." },
  500: { reason: "InternalError", message: "Internal error occurred: simulated failure" },
  502: { reason: "InternalError", message: "the server responded with the status code 502 but did not return more information" },
  503: { reason: "ServiceUnavailable", message: "the server is currently unable to handle the request" },
  504: { reason: "Timeout", message: "the server was unable to return a response in the time allotted, but may still be processing the request" },
};

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason?: string; message: string; field?: string }[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;
  readonly headers: Record<string, string>;
  constructor(code: number, message?: string, details?: StatusDetails, reason?: string, headers: Record<string, string> = {}) {
    super(message ?? REASONS[code]?.message ?? `status ${code}`);
    this.code = code;
    this.reason = reason ?? REASONS[code]?.reason ?? "Unknown";
    this.details = details;
    this.headers = headers;
  }
  toStatus(): Obj {
    return failureStatus(this.code, this.message, this.reason, this.details);
  }
}

export function failureStatus(code: number, message: string, reason: string, details?: StatusDetails): Obj {
  const body: Obj = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason };
  if (details && Object.keys(details).length > 0) body.details = compact(details);
  body.code = code;
  return body;
}

export const successStatus = (details: StatusDetails): Obj => ({
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Success",
  details: compact(details),
});

const compact = (d: StatusDetails): Obj => Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined && v !== ""));

/** What an error names: the qualified resource ("deployments.apps") and the details block. */
export interface Target {
  group: string;
  plural: string;
  kind: string;
  name: string;
}

const qualified = (t: Target): string => (t.group ? `${t.plural}.${t.group}` : t.plural);
const resourceDetails = (t: Target): StatusDetails => ({ name: t.name, group: t.group, kind: t.plural });

export const notFound = (t: Target): ApiError => new ApiError(404, `${qualified(t)} "${t.name}" not found`, resourceDetails(t));

export const alreadyExists = (t: Target): ApiError =>
  new ApiError(409, `${qualified(t)} "${t.name}" already exists`, resourceDetails(t), "AlreadyExists");

export const conflict = (t: Target): ApiError =>
  new ApiError(
    409,
    `Operation cannot be fulfilled on ${qualified(t)} "${t.name}": the object has been modified; please apply your changes to the latest version and try again`,
    resourceDetails(t),
    "Conflict",
  );

export const forbidden = (t: Target, why: string): ApiError =>
  new ApiError(403, `${qualified(t)} "${t.name}" is forbidden: ${why}`, resourceDetails(t));

export const badRequest = (message: string): ApiError => new ApiError(400, message);

export interface FieldError {
  field: string;
  /** "Required value", "Invalid value: …", "Forbidden: …" */
  detail: string;
  reason: "FieldValueRequired" | "FieldValueInvalid" | "FieldValueForbidden" | "FieldValueNotSupported";
}

/** 422 Invalid, worded as `Kind.group "name" is invalid: field: detail`. */
export function invalid(kind: string, group: string, name: string, errors: FieldError[]): ApiError {
  const gk = group ? `${kind}.${group}` : kind;
  const list = errors.map((e) => `${e.field}: ${e.detail}`);
  const joined = list.length === 1 ? list[0] : `[${list.join(", ")}]`;
  return new ApiError(422, `${gk} "${name}" is invalid: ${joined}`, {
    name,
    group,
    kind,
    causes: errors.map((e) => ({ reason: e.reason, message: e.detail, field: e.field })),
  });
}

export const statusForCode = (code: number, retryAfterSeconds?: number): ApiError => {
  const headers: Record<string, string> = retryAfterSeconds !== undefined ? { "Retry-After": String(retryAfterSeconds) } : {};
  const details: StatusDetails = retryAfterSeconds !== undefined ? { retryAfterSeconds } : {};
  return new ApiError(code, undefined, details, undefined, headers);
};
