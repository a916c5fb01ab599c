/** What a checker verdict proves (causes.ts), how long propagation is waited for, and how a federation mismatch is told (federation.ts). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { causeOf, type CheckerVerdict, nextWait, parseVerdict, PROPAGATION } from "./causes.ts";
import { federationFindings } from "./federation.ts";
import { lacksIdentity, restartCommand } from "./stale-pods.ts";

const verdict = (v: Partial<CheckerVerdict>): CheckerVerdict => ({ ok: false, stage: "token", code: "", message: "", claims: {}, ...v });

describe("checker verdicts", () => {
  it("map to causes by stage and code", () => {
    const cases: [Partial<CheckerVerdict>, string][] = [
      [{ ok: true, stage: "vault", code: "SecretRead" }, "ok"],
      [{ stage: "env", code: "NotInjected" }, "not-injected"],
      [{ stage: "token", code: "AADSTS70021" }, "federation"],
      [{ stage: "token", code: "AADSTS700211" }, "federation"],
      [{ stage: "token", code: "AADSTS700016" }, "token"],
      [{ stage: "token", code: "Unreachable" }, "unreachable"],
      [{ stage: "vault", code: "ForbiddenByRbac", status: 403 }, "role"],
      [{ stage: "vault", code: "AccessDenied", status: 403 }, "role"],
      [{ stage: "vault", code: "SecretNotFound", status: 404 }, "secret-missing"],
      [{ stage: "vault", code: "Unauthorized", status: 401 }, "vault"],
    ];
    for (const [v, cause] of cases) assert.equal(causeOf(verdict(v)), cause, JSON.stringify(v));
  });

  it("are read from a termination message, and a message that is not one is no verdict", () => {
    assert.equal(parseVerdict(JSON.stringify({ ok: true, stage: "token", code: "TokenExchanged", message: "m", claims: {} }))?.code, "TokenExchanged");
    assert.equal(parseVerdict("Error: Cannot find module '/berth/identity-check.mjs'"), undefined);
    assert.equal(parseVerdict(""), undefined);
  });
});

describe("propagation waits", () => {
  it("back off exponentially, each wait capped, until the bound is used", () => {
    const waits: number[] = [];
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      const ms = nextWait(PROPAGATION.federation, attempt, waited);
      if (ms === undefined) break;
      waits.push(ms);
      waited += ms;
    }
    assert.deepEqual(waits, [5_000, 10_000, 20_000, 30_000, 30_000]);
    assert.ok(waited <= PROPAGATION.federation.totalMs);
  });
});

describe("federation findings", () => {
  const expected = { issuer: "https://oidc.example/cluster-a/", subject: "system:serviceaccount:apps:api" };
  const fic = (name: string, issuer: string, subject: string) => ({ name, issuer, subject, audiences: ["api://AzureADTokenExchange"] });
  const token = { iss: expected.issuer, sub: expected.subject, aud: ["api://AzureADTokenExchange"] };

  it("a credential matching the token means Entra has not caught up", () => {
    const found = federationFindings("api", expected, token, [fic("apps-api", expected.issuer, expected.subject)]);
    assert.deepEqual(found.matching.map((c) => c.name), ["apps-api"]);
    assert.match(found.lines.at(-1)!, /\(matches\)$/);
  });

  it("an issuer mismatch names both issuers", () => {
    const found = federationFindings("api", expected, token, [fic("apps-api", "https://oidc.example/cluster-old/", expected.subject)]);
    assert.equal(found.matching.length, 0);
    assert.equal(found.summary, "issuer mismatch: federated credential apps-api of identity api trusts issuer https://oidc.example/cluster-old/, the pod's token is issued by https://oidc.example/cluster-a/");
  });

  it("a cluster issuing tokens as another issuer than the AKS cluster's says so", () => {
    const found = federationFindings("api", expected, { ...token, iss: "https://kubernetes.default.svc.cluster.local" }, [fic("apps-api", expected.issuer, expected.subject)]);
    assert.match(found.summary, /^the cluster issues tokens as https:\/\/kubernetes\.default\.svc\.cluster\.local, not as the AKS cluster's OIDC issuer https:\/\/oidc\.example\/cluster-a\/; issuer mismatch/);
  });

  it("no credential at all, and credentials that cannot be read, are said as such", () => {
    assert.match(federationFindings("api", expected, token, []).summary, /^identity api has no federated credential; it needs one with issuer https:\/\/oidc\.example\/cluster-a\/ and subject system:serviceaccount:apps:api$/);
    assert.match(federationFindings("api", expected, token, undefined).lines.at(-1)!, /not readable here/);
  });
});

describe("pods predating their ServiceAccount's annotation", () => {
  const pod = (env: { name: string }[], phase = "Running") => ({ metadata: { name: "p", labels: { "azure.workload.identity/use": "true" } }, spec: { serviceAccountName: "api", containers: [{ name: "app", env }] }, status: { phase } });
  it("are running labelled pods of the ServiceAccount without AZURE_CLIENT_ID", () => {
    assert.equal(lacksIdentity(pod([{ name: "AZURE_TENANT_ID" }]), "api"), true);
    assert.equal(lacksIdentity(pod([{ name: "AZURE_CLIENT_ID" }]), "api"), false);
    assert.equal(lacksIdentity(pod([], "Succeeded"), "api"), false, "a finished Job's pod is not restarted");
    assert.equal(lacksIdentity(pod([]), "other"), false);
  });
  it("are restarted through their workload, or deleted when nothing rolls them out", () => {
    assert.equal(restartCommand("apps", "api-1", { kind: "Deployment", name: "api" }), "kubectl rollout restart deployment/api -n apps");
    assert.equal(restartCommand("apps", "db-0", { kind: "StatefulSet", name: "db" }), "kubectl rollout restart statefulset/db -n apps");
    assert.equal(restartCommand("apps", "job-x", { kind: "Job", name: "job" }), "kubectl delete pod job-x -n apps");
  });
});
