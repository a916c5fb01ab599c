/**
 * What a checker verdict (src/verify/identity-check.mjs) proves, as data: each row matches verdicts by stage and code
 * and says whether waiting may fix it (a federated credential or a role assignment still propagating: failure F17) and
 * which stable code berth reports when it does not. Rows are tried in order; the first match decides.
 */

/** The checker's verdict, as read from the check pod's termination message. */
export interface CheckerVerdict {
  readonly ok: boolean;
  readonly stage: "env" | "token" | "vault";
  readonly code: string;
  readonly message: string;
  readonly claims: { readonly iss?: string; readonly sub?: string; readonly aud?: string | readonly string[] };
  readonly clientId?: string;
  readonly tenantId?: string;
  readonly missing?: readonly string[];
  readonly status?: number;
  readonly secret?: string;
}

/** Stable codes of a failed check (Verdict.reason). */
export const CHECK_CODES = {
  notInjected: "VERIFY-NOT-INJECTED",
  federationMismatch: "VERIFY-FEDERATION-MISMATCH",
  federationPropagating: "VERIFY-FEDERATION-PROPAGATION",
  roleMissing: "VERIFY-ROLE-MISSING",
  secretMissing: "VERIFY-SECRET-MISSING",
  token: "VERIFY-TOKEN",
  vault: "VERIFY-VAULT",
  unreachable: "VERIFY-UNREACHABLE",
  noVerdict: "VERIFY-NO-VERDICT",
} as const;

/** How long to wait for something to propagate: exponential from `firstMs`, each wait at most `maxMs`, `totalMs` in all. */
export interface Backoff {
  readonly firstMs: number;
  readonly factor: number;
  readonly maxMs: number;
  readonly totalMs: number;
}

/**
 * Propagation bounds. Entra documents a few seconds before a new federated credential works (AADSTS70021 meanwhile);
 * Azure RBAC documents up to 10 minutes before a role assignment is effective.
 */
export const PROPAGATION: Readonly<Record<"federation" | "rbac", Backoff>> = {
  federation: { firstMs: 5_000, factor: 2, maxMs: 30_000, totalMs: 120_000 },
  rbac: { firstMs: 15_000, factor: 2, maxMs: 60_000, totalMs: 600_000 },
};

/** The wait before attempt `attempt` (1 = the first retry), or undefined once `waited` has used the bound. */
export function nextWait(b: Backoff, attempt: number, waited: number): number | undefined {
  const ms = Math.min(b.maxMs, b.firstMs * b.factor ** (attempt - 1));
  return waited + ms <= b.totalMs ? ms : undefined;
}

export type Cause =
  | "ok"
  | "not-injected"
  | "federation" // no federated credential matched: propagating (a matching one exists) or a mismatch
  | "role" // the vault refused the identity
  | "secret-missing"
  | "unreachable"
  | "token"
  | "vault";

interface Row {
  readonly cause: Cause;
  readonly matches: (v: CheckerVerdict) => boolean;
}

const ROWS: readonly Row[] = [
  { cause: "ok", matches: (v) => v.ok },
  { cause: "not-injected", matches: (v) => v.stage === "env" },
  { cause: "unreachable", matches: (v) => v.code === "Unreachable" },
  // 70021: no matching federated identity record; 700211/700212: no record for the assertion's issuer/audience.
  { cause: "federation", matches: (v) => v.stage === "token" && /^AADSTS7002(1|11|12)$/.test(v.code) },
  { cause: "token", matches: (v) => v.stage === "token" },
  { cause: "role", matches: (v) => v.stage === "vault" && (v.status === 403 || /^(Forbidden|ForbiddenByRbac|AccessDenied)$/.test(v.code)) },
  { cause: "secret-missing", matches: (v) => v.stage === "vault" && v.code === "SecretNotFound" },
  { cause: "vault", matches: () => true },
];

export const causeOf = (v: CheckerVerdict): Cause => ROWS.find((r) => r.matches(v))!.cause;

/** The verdict in a termination message, or undefined when it holds none (the checker did not run to the end). */
export function parseVerdict(message: string | undefined): CheckerVerdict | undefined {
  if (!message) return undefined;
  try {
    const v = JSON.parse(message) as Partial<CheckerVerdict>;
    if (typeof v.ok !== "boolean" || typeof v.stage !== "string" || typeof v.code !== "string") return undefined;
    return { claims: {}, message: "", ...v } as CheckerVerdict;
  } catch {
    return undefined;
  }
}
