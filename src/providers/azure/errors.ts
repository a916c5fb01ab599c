/**
 * A failed ARM request as data: the HTTP status, ARM's error code and message (`{error:{code,message,details}}`), the
 * headers a retry needs, and what was being done to which resource, so the message a user reads names all of it.
 */
export interface ArmErrorBody {
  readonly code?: string;
  readonly message?: string;
  readonly details?: readonly ArmErrorBody[];
}

export class AzureRequestError extends Error {
  override readonly name = "AzureRequestError";

  constructor(
    /** "PUT Microsoft.KeyVault/vaults kv-meta" */
    readonly operation: string,
    readonly status: number | undefined,
    readonly error: ArmErrorBody,
    readonly headers: Readonly<Record<string, string>> = {},
    /** The connection was lost: the request may or may not have reached ARM. */
    readonly connectionLost = false,
    options?: { cause?: unknown },
  ) {
    super(`${operation}: ${describeArmError(status, error)}`, options);
  }

  get code(): string | undefined {
    return this.error.code;
  }
}

/** `409 Conflict: The vault name 'x' is already in use. (VaultAlreadyExists)` with the inner details after it. */
export function describeArmError(status: number | undefined, error: ArmErrorBody): string {
  const head = [status !== undefined ? String(status) : "", error.code ? `${error.code}:` : ""].filter(Boolean).join(" ");
  const details = (error.details ?? [])
    .filter((d) => d.message && d.message !== error.message)
    .map((d) => `${d.code ? `${d.code}: ` : ""}${d.message}`);
  return [head, error.message ?? "(no message)", ...details.map((d) => `(${d})`)].filter(Boolean).join(" ");
}

/** ARM's error object from a response body (`{error:{…}}`, or the bare object some resource providers send). */
export function armErrorOf(body: unknown, fallback: string): ArmErrorBody {
  const parsed = typeof body === "string" ? safeParse(body) : body;
  const candidate = (parsed as { error?: unknown } | undefined)?.error ?? parsed;
  if (candidate && typeof candidate === "object" && ("code" in candidate || "message" in candidate)) {
    const c = candidate as { code?: unknown; message?: unknown; details?: unknown };
    return {
      ...(typeof c.code === "string" ? { code: c.code } : {}),
      message: typeof c.message === "string" ? c.message : fallback,
      ...(Array.isArray(c.details) ? { details: c.details.map((d) => armErrorOf({ error: d }, "")) } : {}),
    };
  }
  return { message: typeof parsed === "string" && parsed.trim() ? parsed.trim().slice(0, 300) : fallback };
}

const safeParse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

const CONNECTION_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ENOTFOUND", "UND_ERR_SOCKET"]);

/** A lost or refused connection (as Node or the pipeline reports it), anywhere in the cause chain. */
export function isConnectionError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && CONNECTION_CODES.has(code)) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && /socket hang up|ECONNRESET|ECONNREFUSED|other side closed|ETIMEDOUT/.test(message)) return true;
  }
  return false;
}

/** Retry-After as ARM sends it: seconds, or an HTTP date. */
export function retryAfterMs(headers: Readonly<Record<string, string>>, now: number): number | undefined {
  const header = headers["retry-after"];
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}
