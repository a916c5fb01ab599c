/**
 * Why Entra found no federated credential for a pod's token (AADSTS70021): the identity's credentials as ARM lists
 * them, side by side with what the cluster presents (the token's issuer and subject) and what berth expects (the
 * cluster's OIDC issuer, `system:serviceaccount:<namespace>:<name>`). A credential that matches exactly means Entra
 * has not caught up yet (propagation, failure F17); none means a mismatch, and the values say which.
 */

export interface Credential {
  readonly name: string;
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
}

export interface Presented {
  readonly iss?: string;
  readonly sub?: string;
  readonly aud?: string | readonly string[];
}

export interface FederationFindings {
  /** Credentials Entra should accept the token with: if any, the refusal is propagation. */
  readonly matching: readonly Credential[];
  /** One line naming the mismatch with both values. */
  readonly summary: string;
  /** Expected, presented and every credential, one per line. */
  readonly lines: readonly string[];
}

const audiencesOf = (aud: Presented["aud"]): string[] => (aud === undefined ? [] : typeof aud === "string" ? [aud] : [...aud]);

export function federationFindings(identity: string, expected: { readonly issuer?: string; readonly subject: string }, presented: Presented, credentials: readonly Credential[] | undefined): FederationFindings {
  const iss = presented.iss ?? "(none)";
  const sub = presented.sub ?? "(none)";
  const aud = audiencesOf(presented.aud);
  const matching = (credentials ?? []).filter((c) => c.issuer === presented.iss && c.subject === presented.sub && c.audiences.some((a) => aud.includes(a)));
  const lines = [
    `expected:  issuer ${expected.issuer ?? "(the cluster's OIDC issuer, unknown)"}  subject ${expected.subject}  (the cluster's OIDC issuer and the ServiceAccount)`,
    `presented: issuer ${iss}  subject ${sub}  audience ${aud.join(",") || "(none)"}  (the token the check pod was given)`,
    ...(credentials === undefined
      ? [`credentials of ${identity}: not readable here (the identity is not one berth makes or reads)`]
      : credentials.length === 0
        ? [`credentials of ${identity}: none`]
        : credentials.map((c) => {
            const differs = [c.issuer !== presented.iss ? "issuer differs" : "", c.subject !== presented.sub ? "subject differs" : "", c.audiences.some((a) => aud.includes(a)) ? "" : "audience differs"].filter(Boolean);
            return `credential ${c.name}: issuer ${c.issuer}  subject ${c.subject}  audiences ${c.audiences.join(",")}${differs.length ? `  (${differs.join(", ")})` : "  (matches)"}`;
          })),
  ];
  return { matching, summary: summaryOf(identity, expected, presented, credentials), lines };
}

function summaryOf(identity: string, expected: { readonly issuer?: string; readonly subject: string }, p: Presented, credentials: readonly Credential[] | undefined): string {
  const tokenIssuerWrong = expected.issuer !== undefined && p.iss !== undefined && p.iss !== expected.issuer;
  const prefix = tokenIssuerWrong ? `the cluster issues tokens as ${p.iss}, not as the AKS cluster's OIDC issuer ${expected.issuer}; ` : "";
  if (credentials === undefined) return `${prefix}no federated credential of identity ${identity} accepts issuer ${p.iss} and subject ${p.sub}`;
  if (credentials.length === 0) return `${prefix}identity ${identity} has no federated credential; it needs one with issuer ${expected.issuer ?? p.iss} and subject ${expected.subject}`;
  const sameIssuer = credentials.find((c) => c.issuer === p.iss);
  const sameSubject = credentials.find((c) => c.subject === p.sub);
  if (sameSubject && sameSubject.issuer !== p.iss)
    return `${prefix}issuer mismatch: federated credential ${sameSubject.name} of identity ${identity} trusts issuer ${sameSubject.issuer}, the pod's token is issued by ${p.iss}`;
  if (sameIssuer && sameIssuer.subject !== p.sub)
    return `${prefix}subject mismatch: federated credential ${sameIssuer.name} of identity ${identity} expects subject ${sameIssuer.subject}, the pod's token has subject ${p.sub}`;
  if (sameIssuer) return `${prefix}audience mismatch: federated credential ${sameIssuer.name} of identity ${identity} accepts ${sameIssuer.audiences.join(",")}, the token is for ${audiencesOf(p.aud).join(",")}`;
  return `${prefix}no federated credential of identity ${identity} has issuer ${p.iss} and subject ${p.sub} (it has ${credentials.map((c) => `${c.name}: ${c.issuer} ${c.subject}`).join("; ")})`;
}
