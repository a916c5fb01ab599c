// berth's workload identity check: runs in a pod under the ServiceAccount of a workload (docs/design/0011, "Workload
// identity verified"), on a distroless Node image — no shell, no npm packages, Node >= 18 built-ins only.
//
// 1. env:   the workload identity webhook injected AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE;
// 2. token: the projected service account token is exchanged at Entra (client credentials, client_assertion);
// 3. vault: with BERTH_VAULT_URI and BERTH_SECRET_NAME, one secret is read with that token (its value discarded).
//
// One JSON verdict `{ ok, stage, code, message, claims: { iss, sub, aud }, … }` goes to the termination log (read by
// berth from the pod's status) and stdout; exit 0 when ok. The claims are those of the projected token, which are
// not secret; neither a token nor a secret value is ever written anywhere.
import { readFileSync, writeFileSync } from "node:fs";

const env = process.env;
const TERMINATION_LOG = env.BERTH_TERMINATION_LOG || "/dev/termination-log";
const TIMEOUT_MS = 20_000;
// The kubelet keeps at most 4096 bytes of a termination message.
const MAX_MESSAGE = 1500;
const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

const withSlash = (url) => (url.endsWith("/") ? url : `${url}/`);
const clip = (s) => (s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}…` : s);

/** The claims that say who the token speaks for (iss, sub, aud): decoded, never verified, never the token. */
function claimsOf(jwt) {
  try {
    const c = JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8"));
    return { iss: c.iss, sub: c.sub, aud: c.aud };
  } catch {
    return {};
  }
}

function finish(verdict) {
  const text = JSON.stringify({ ...verdict, message: clip(String(verdict.message)) });
  try {
    writeFileSync(TERMINATION_LOG, text);
  } catch {
    // No termination log (run by hand): stdout still has it.
  }
  process.stdout.write(`${text}\n`);
  process.exit(verdict.ok ? 0 : 1);
}

/** A request's failure before any answer: the code Node gives (ENOTFOUND, ECONNREFUSED, a timeout). */
const unreachable = (error) => {
  const cause = error?.cause?.code ?? error?.code ?? error?.name ?? "Error";
  return { code: "Unreachable", message: `${cause}: ${error?.cause?.message ?? error?.message ?? String(error)}` };
};

async function main() {
  const base = { clientId: env.AZURE_CLIENT_ID, tenantId: env.AZURE_TENANT_ID };
  const missing = ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE"].filter((k) => !env[k]);
  if (missing.length)
    return finish({ ok: false, stage: "env", code: "NotInjected", message: `${missing.join(", ")} not set: the workload identity webhook did not mutate this pod`, missing, claims: {}, ...base });

  let assertion;
  try {
    assertion = readFileSync(env.AZURE_FEDERATED_TOKEN_FILE, "utf8").trim();
  } catch (error) {
    return finish({ ok: false, stage: "env", code: "TokenFileUnreadable", message: `cannot read AZURE_FEDERATED_TOKEN_FILE (${env.AZURE_FEDERATED_TOKEN_FILE}): ${error.code ?? error.message}`, claims: {}, ...base });
  }
  const claims = claimsOf(assertion);
  const authority = withSlash(env.AZURE_AUTHORITY_HOST || "https://login.microsoftonline.com/");
  const scope = env.BERTH_VAULT_SCOPE || "https://vault.azure.net/.default";

  let token;
  try {
    const res = await fetch(`${authority}${env.AZURE_TENANT_ID}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: env.AZURE_CLIENT_ID, client_assertion_type: ASSERTION_TYPE, client_assertion: assertion, scope }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok || typeof body.access_token !== "string") {
      const code = Array.isArray(body.error_codes) && body.error_codes.length ? `AADSTS${body.error_codes[0]}` : `HTTP${res.status}`;
      // Entra's description without its trace and correlation ids: what it found wrong, with the assertion's claims.
      const message = String(body.error_description ?? body.error ?? `HTTP ${res.status}`).split(/\s+Trace ID:/)[0];
      return finish({ ok: false, stage: "token", code, message, claims, ...base });
    }
    token = body.access_token;
  } catch (error) {
    return finish({ ok: false, stage: "token", ...unreachable(error), claims, ...base });
  }

  const vaultUri = env.BERTH_VAULT_URI;
  const name = env.BERTH_SECRET_NAME;
  if (!vaultUri || !name) return finish({ ok: true, stage: "token", code: "TokenExchanged", message: "token exchanged at Entra; no vault secret to read", claims, ...base });
  const where = { vaultUri: withSlash(vaultUri), secret: name };
  try {
    const res = await fetch(`${where.vaultUri}secrets/${encodeURIComponent(name)}?api-version=7.4`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    token = undefined;
    if (res.ok) {
      // The value is not needed, only that it could be read: the body is dropped unread.
      await res.body?.cancel();
      return finish({ ok: true, stage: "vault", code: "SecretRead", message: `token exchanged; secret ${name} read`, claims, ...base, ...where });
    }
    const body = await res.json().catch(() => ({}));
    const code = body.error?.innererror?.code ?? body.error?.code ?? `HTTP${res.status}`;
    return finish({ ok: false, stage: "vault", code, status: res.status, message: String(body.error?.message ?? `HTTP ${res.status}`), claims, ...base, ...where });
  } catch (error) {
    return finish({ ok: false, stage: "vault", ...unreachable(error), claims, ...base, ...where });
  }
}

main().catch((error) => finish({ ok: false, stage: "env", code: "CheckerError", message: String(error?.message ?? error), claims: {} }));
