/**
 * The checker as the verification pod runs it: a child `node` process with the env the workload identity webhook
 * injects, against the Azure test server (Entra matches the projected token against the identity's federated
 * credentials; the vault data plane authorises by RBAC). Each verdict names the stage and the cause, and nothing it
 * writes holds a token or the secret's value.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { AZURE_TYPES } from "../resources/azure-types.ts";
import { BUILT_IN_ROLES } from "../resources/azure-roles.ts";
import { startAzureApiServer, type AzureApiServer } from "../../test/support/azure-api-server/index.ts";
import { armToken, raw, serviceAccountToken } from "../../test/support/azure-api-server/testing.ts";

const CHECKER = fileURLToPath(new URL("./identity-check.mjs", import.meta.url));
const CANARY = "checker-canary-value-41c";
const ISSUER = "https://westeurope.oic.prod-aks.azure.com/tenant/cluster/";
const SUBJECT = "system:serviceaccount:apps:api";
const v = (type: string) => `api-version=${AZURE_TYPES[type]!.apiVersion}`;

interface Run {
  readonly code: number;
  readonly verdict: Record<string, any>;
  readonly stdout: string;
  readonly stderr: string;
  readonly log: string;
}

describe("identity-check.mjs against the Azure test server", () => {
  let server: AzureApiServer;
  let dir: string;
  let clientId: string;
  let principalId: string;
  const rg = () => `/subscriptions/${server.subscriptionId}/resourceGroups/rg`;
  const vaultId = () => `${rg()}/providers/Microsoft.KeyVault/vaults/kv`;

  before(async () => {
    server = await startAzureApiServer({ realTime: true });
    dir = mkdtempSync(join(tmpdir(), "berth-checker-"));
    const token = await armToken(server);
    const put = async (path: string, body: unknown) => {
      const r = await raw(server, "PUT", path, { token, body });
      assert.ok(r.status < 300, `${path}: ${JSON.stringify(r.body)}`);
      return r.body!;
    };
    await put(`${rg()}?${v("Microsoft.Resources/resourceGroups")}`, { location: "westeurope" });
    await put(`${vaultId()}?${v("Microsoft.KeyVault/vaults")}`, { location: "westeurope", properties: { tenantId: server.tenantId, sku: { family: "A", name: "standard" }, enableRbacAuthorization: true } });
    await put(`${vaultId()}/secrets/db-password?${v("Microsoft.KeyVault/vaults/secrets")}`, { properties: { value: CANARY } });
    for (const name of ["api", "stranger"]) {
      const id = `${rg()}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
      const identity = await put(`${id}?${v("Microsoft.ManagedIdentity/userAssignedIdentities")}`, { location: "westeurope" });
      await put(`${id}/federatedIdentityCredentials/apps-${name}?${v("Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials")}`, {
        properties: { issuer: ISSUER, subject: `system:serviceaccount:apps:${name}`, audiences: ["api://AzureADTokenExchange"] },
      });
      if (name === "api") [clientId, principalId] = [identity.properties.clientId, identity.properties.principalId];
    }
    await put(`${vaultId()}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-4000-8000-00000000000a?${v("Microsoft.Authorization/roleAssignments")}`, {
      properties: { roleDefinitionId: `/subscriptions/${server.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES["Key Vault Secrets User"]}`, principalId, principalType: "ServicePrincipal" },
    });
  });
  after(() => server.close());

  /** The checker with the env a mutated pod has; `change` edits it (undefined removes a variable). */
  const check = (name: string, change: Record<string, string | undefined> = {}, claims: Record<string, unknown> = {}): Promise<Run> => {
    const tokenFile = join(dir, `${name}.token`);
    writeFileSync(tokenFile, serviceAccountToken({ iss: ISSUER, sub: SUBJECT, aud: ["api://AzureADTokenExchange"], exp: Math.floor(Date.now() / 1000) + 3600, ...claims }));
    const log = join(dir, `${name}.termination-log`);
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      NODE_EXTRA_CA_CERTS: server.caPath,
      BERTH_TERMINATION_LOG: log,
      AZURE_CLIENT_ID: clientId,
      AZURE_TENANT_ID: server.tenantId,
      AZURE_FEDERATED_TOKEN_FILE: tokenFile,
      AZURE_AUTHORITY_HOST: `${server.authorityHost}/`,
      BERTH_VAULT_URI: `${server.url}/keyvault/kv/`,
      BERTH_SECRET_NAME: "db-password",
      ...change,
    };
    for (const [k, val] of Object.entries(env)) if (val === undefined) delete env[k];
    return new Promise((resolve) => {
      execFile(process.execPath, [CHECKER], { env: env as NodeJS.ProcessEnv, timeout: 30_000 }, (error, stdout, stderr) => {
        const text = (() => {
          try {
            return readFileSync(log, "utf8");
          } catch {
            return "";
          }
        })();
        resolve({ code: error ? Number(error.code ?? 1) : 0, verdict: text ? JSON.parse(text) : {}, stdout, stderr, log: text });
      });
    });
  };

  const clean = (r: Run) => {
    for (const text of [r.stdout, r.stderr, r.log]) {
      assert.ok(!text.includes(CANARY), "the secret value is never written");
      assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./.test(text), "no token is ever written");
    }
  };

  it("passes: env injected, token exchanged, the secret read and its value discarded", async () => {
    const r = await check("good");
    assert.equal(r.code, 0, r.log);
    assert.deepEqual([r.verdict.ok, r.verdict.stage, r.verdict.code], [true, "vault", "SecretRead"]);
    assert.deepEqual(r.verdict.claims, { iss: ISSUER, sub: SUBJECT, aud: ["api://AzureADTokenExchange"] });
    assert.equal(r.verdict.clientId, clientId);
    assert.equal(r.stdout.trim(), r.log, "the verdict also goes to stdout (the pod's log)");
    clean(r);
  });

  it("without a vault secret to read: the token exchange alone, and it says so", async () => {
    const r = await check("token-only", { BERTH_SECRET_NAME: undefined });
    assert.deepEqual([r.code, r.verdict.ok, r.verdict.stage, r.verdict.code], [0, true, "token", "TokenExchanged"]);
    assert.match(r.verdict.message, /no vault secret to read/);
  });

  it("env: names what the webhook did not inject", async () => {
    const r = await check("not-injected", { AZURE_CLIENT_ID: undefined, AZURE_FEDERATED_TOKEN_FILE: undefined });
    assert.deepEqual([r.code, r.verdict.ok, r.verdict.stage, r.verdict.code], [1, false, "env", "NotInjected"]);
    assert.deepEqual(r.verdict.missing, ["AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE"]);
  });

  it("token: AADSTS70021 with the assertion's issuer and subject when no credential matches", async () => {
    const r = await check("mismatch", {}, { sub: "system:serviceaccount:apps:other" });
    assert.deepEqual([r.code, r.verdict.stage, r.verdict.code], [1, "token", "AADSTS70021"]);
    assert.match(r.verdict.message, /Assertion Subject: 'system:serviceaccount:apps:other'/);
    assert.doesNotMatch(r.verdict.message, /Trace ID/);
    assert.equal(r.verdict.claims.sub, "system:serviceaccount:apps:other");
    clean(r);
  });

  it("vault: 403 ForbiddenByRbac for an identity without a role on the vault", async () => {
    const stranger = server.resources("Microsoft.ManagedIdentity/userAssignedIdentities").find((i) => i.name === "stranger")!;
    const r = await check("no-role", { AZURE_CLIENT_ID: String(stranger.properties.clientId) }, { sub: "system:serviceaccount:apps:stranger" });
    assert.deepEqual([r.code, r.verdict.stage, r.verdict.code, r.verdict.status], [1, "vault", "ForbiddenByRbac", 403]);
    assert.match(r.verdict.message, /Caller is not authorized/);
    assert.equal(r.verdict.secret, "db-password");
    clean(r);
  });

  it("token: an authority that cannot be reached is Unreachable, not a crash", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const r = await check("unreachable", { AZURE_AUTHORITY_HOST: `https://127.0.0.1:${port}/` });
    assert.deepEqual([r.code, r.verdict.stage, r.verdict.code], [1, "token", "Unreachable"]);
    assert.match(r.verdict.message, /ECONNREFUSED/);
  });
});
