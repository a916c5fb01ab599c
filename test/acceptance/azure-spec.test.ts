/**
 * The Azure side of the spec: spec.azure resolves to final names, synthAzure turns one small platform into ARM
 * resources (reviewed golden), references become output tokens, workload identities get federated credentials,
 * and the Kubernetes-only fields live under spec.kubernetes.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { synthAzure } from "../../src/catalog/azure/index.ts";
import { synthPlatform } from "../../src/catalog/platform.ts";
import { idOfKey, keyOfId } from "../../src/resources/identity.ts";
import { outputRefsIn } from "../../src/resources/outputs.ts";
import { loadSource, resolveSpec } from "../../src/spec/resolve.ts";
import { assertGolden } from "../support/golden.ts";
import { buildText, codes } from "../support/spec.ts";

const FIXTURE = "test/fixtures/azure";

function resolved(set: string[] = [], env = "dev") {
  const r = resolveSpec(loadSource(FIXTURE).source!, { env, set });
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === "error"), []);
  return r.spec!;
}

function synth(set: string[] = []) {
  const spec = resolved(set);
  const k8s = synthPlatform(spec).resources;
  return { spec, k8s, ...synthAzure(spec, k8s) };
}

describe("Azure synth", () => {
  it("renders the seed 003 resources for one environment as reviewed (golden)", () => {
    const { azure, diagnostics } = synth();
    assert.deepEqual(diagnostics, []);
    assertGolden("test/acceptance/azure/datasurface-dev.json", `${JSON.stringify(azure, null, 2)}\n`);
  });

  it("keys every resource by provider:type:scope:name, once, and tags what it creates with the instance", () => {
    const { azure } = synth();
    assert.equal(new Set(azure.map((r) => r.key)).size, azure.length);
    for (const r of azure) {
      assert.equal(r.key, keyOfId({ provider: "azure", type: r.resource.type, scope: r.resource.resourceGroup ?? "_subscription", name: r.resource.name }));
      assert.ok(r.resource.id.startsWith("/subscriptions/00000000-0000-0000-0000-000000000000/"), r.resource.id);
      const tags = (r.resource.body as { tags?: Record<string, string> }).tags;
      if ("location" in r.resource.body) assert.equal(tags?.["berth.instance"], "datasurface.dev", r.key);
      for (const need of r.needs ?? []) assert.ok(azure.some((x) => x.key === need), `${r.key} needs ${need}, which is not planned`);
      for (const ref of outputRefsIn(r.resource.body)) assert.ok(azure.some((x) => x.key === ref.resource), `${r.key} refers to ${ref.resource}`);
    }
  });

  it("never puts a password in a body: servers name a generated secret kept in the vault", () => {
    const { azure } = synth();
    const servers = azure.filter((r) => /flexibleServers$|Sql\/servers$/.test(r.resource.type));
    assert.equal(servers.length, 2);
    for (const s of servers) {
      assert.doesNotMatch(JSON.stringify(s.resource.body), /Password/);
      const kept = s.resource.generatedSecrets?.["properties.administratorLoginPassword"];
      assert.equal(idOfKey(kept!.keepIn)?.type, "Microsoft.KeyVault/vaults");
      assert.ok(s.needs?.includes(kept!.keepIn), "the vault exists before the password is written to it");
    }
  });

  it("turns references into output tokens and federates each ServiceAccount that runs as an identity", () => {
    const { k8s, azure } = synth();
    const job = k8s.find((r) => r.object.kind === "Job")!;
    const env = (job.object as unknown as { spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } }).spec.template.spec.containers[0]!.env;
    const value = (n: string) => env.find((e) => e.name === n)?.value;
    assert.equal(value("VAULT_URL"), "((berth.output azure:Microsoft.KeyVault/vaults:datasurface-dev-main:datasurface-dev-main vaultUri))");
    assert.equal(value("MERGE_HOST"), "((berth.output azure:Microsoft.Sql/servers:datasurface-dev-main:datasurface-dev-merge fqdn))", "the external component's host is a reference too");
    const sa = k8s.find((r) => r.object.kind === "ServiceAccount" && r.object.metadata.name === "init")!;
    const identity = azure.find((r) => r.resource.type === "Microsoft.ManagedIdentity/userAssignedIdentities")!;
    assert.equal(sa.object.metadata.annotations?.["azure.workload.identity/client-id"], `((berth.output ${identity.key} clientId))`);
    const fic = azure.filter((r) => r.resource.type.endsWith("/federatedIdentityCredentials"));
    assert.deepEqual(fic.map((r) => [r.resource.name, (r.resource.body as { properties: { subject: string } }).properties.subject]), [["datasurface-dev-datasurface/demo-init", "system:serviceaccount:demo:init"]]);
  });

  it("gives a vault the soft-delete policy its spec asks for: what to do with a held name, purge on removal only when allowed", () => {
    const policy = (set: string[]) => synth(set).azure.find((r) => r.resource.type === "Microsoft.KeyVault/vaults")!.resource.softDelete;
    assert.deepEqual(policy([]), { onNameHeld: "fail", purgeOnRemove: false });
    assert.deepEqual(policy(["azure.keyVaults.main.onNameHeld=recover"]), { onNameHeld: "recover", purgeOnRemove: false });
    assert.deepEqual(policy(["azure.keyVaults.main.purgeProtection=false", "azure.keyVaults.main.purgeOnDelete=true", "azure.keyVaults.main.onNameHeld=purge"]), { onNameHeld: "purge", purgeOnRemove: true });
  });

  it("makes a deterministic GUID per grant, on the built-in role's definition", () => {
    const a = synth().azure.filter((r) => r.resource.type === "Microsoft.Authorization/roleAssignments");
    const b = synth().azure.filter((r) => r.resource.type === "Microsoft.Authorization/roleAssignments");
    assert.deepEqual(a.map((r) => r.resource.name), b.map((r) => r.resource.name));
    for (const r of a) assert.match(r.resource.name, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const defs = a.map((r) => (r.resource.body as { properties: { roleDefinitionId: string } }).properties.roleDefinitionId.split("/").at(-1)).sort();
    assert.deepEqual(defs, ["4633458b-17de-408a-b874-0445c86b69e6", "7f951dda-4ed3-4680-a7ca-43fe172d538d"], "Key Vault Secrets User for the identity, AcrPull for the kubelet");
  });

  it("reads an existing resource by its real name and never tags, writes or generates for it", () => {
    // Its admin login and password are not berth's to keep: the merge-db secret names vault secrets of the user's.
    const { azure } = synth(["azure.sql.merge.existing=true", "azure.sql.merge.name=sql-legacy", "secrets.merge-db.keyVault.username=legacy-user", "secrets.merge-db.keyVault.password=legacy-password"]);
    const server = azure.find((r) => r.resource.type === "Microsoft.Sql/servers")!;
    assert.equal(server.resource.existing, true);
    assert.equal(server.resource.name, "sql-legacy");
    assert.equal(server.resource.generatedSecrets, undefined);
    assert.equal((server.resource.body as { tags?: unknown }).tags, undefined);
    assert.deepEqual(azure.filter((r) => r.resource.vaultSecret && !r.resource.existing).map((r) => r.resource.name.split("/")[1]), ["datasurface--dev--postgres-meta--admin-login"]);
  });

  it("takes custom cloud endpoints from --set over the default named cloud", () => {
    const spec = resolved(["azure.cloud.resourceManager=https://arm.test.local/", "azure.cloud.authorityHost=https://login.test.local/"]);
    assert.deepEqual(spec.platform.spec.azure?.cloud, { resourceManager: "https://arm.test.local/", authorityHost: "https://login.test.local/" });
    assert.equal(resolved().platform.spec.azure?.cloud, "AzureCloud");
  });

  it("has nothing to do for a Kubernetes-only platform", () => {
    const r = resolveSpec(loadSource("examples/starter").source!, {});
    assert.deepEqual(synthAzure(r.spec!, []).azure, []);
  });
});

/** A spec with an Azure section (its resources as given) and, after it, more of `spec`. */
const spec = (azure: string, rest = "") => `apiVersion: berth.dev/v1alpha1
kind: Platform
metadata: { name: lake }
spec:
  azure:
    subscriptionId: 00000000-0000-0000-0000-000000000000
    tenantId: 11111111-1111-1111-1111-111111111111
    location: westeurope
${azure.replace(/^/gm, "    ")}
${rest}`;

describe("spec.kubernetes is optional, and holds the Kubernetes-only settings", () => {
  const AZURE_ONLY = spec("resourceGroups: { main: {} }\nkeyVaults: { main: {} }");

  it("builds an Azure-only platform without a cluster", () => {
    const r = buildText(AZURE_ONLY);
    assert.deepEqual(codes(r), []);
    assert.deepEqual(r.resources, []);
  });

  it("refuses apps without spec.kubernetes, naming each", () => {
    const r = buildText(`${AZURE_ONLY}  apps:\n    web: { image: ghcr.io/acme/web:1.0.0, ports: [{ name: http, port: 8080 }], probes: { liveness: { path: /l }, readiness: { path: /r } } }\n`);
    assert.deepEqual(codes(r), ["SPEC-NEEDS-KUBERNETES"]);
    assert.equal(r.diagnostics[0]!.path, "spec.apps.web");
  });

  it("points the old paths, in the file or from --set, at the new ones", () => {
    const r = buildText(AZURE_ONLY.replace("spec:\n", "spec:\n  namespace: lake\n"), { set: ["openshift=true"] });
    assert.deepEqual(codes(r), ["SPEC-MOVED", "SPEC-MOVED"]);
    const moved = r.diagnostics.find((d) => d.path === "spec.namespace")!;
    assert.match(moved.message, /spec\.kubernetes\.namespace/);
    assert.equal(moved.location?.line, 5);
    assert.equal(r.diagnostics.find((d) => d.path === "spec.openshift")?.location?.file, "--set[1]");
  });
});

describe("Azure spec rules", () => {

  it("needs a vault for generated admin passwords, and one resource group or a named one", () => {
    const r = buildText(spec("resourceGroups: { a: {}, b: {} }\npostgres: { meta: { resourceGroup: a } }\nsql: { merge: {} }"));
    assert.deepEqual(codes(r), ["AZURE-NO-RESOURCE-GROUP", "AZURE-NO-VAULT", "AZURE-NO-VAULT"]);
    assert.match(r.diagnostics.find((d) => d.code === "AZURE-NO-RESOURCE-GROUP")!.hint!, /resourceGroup: a/);
  });

  it("wants the real name of an existing resource", () => {
    const r = buildText(spec("resourceGroups: { main: { existing: true } }"));
    assert.deepEqual(codes(r), ["AZURE-EXISTING-NAME"]);
    assert.deepEqual(codes(buildText(spec("resourceGroups: { main: { existing: true, name: rg-shared } }"))), []);
  });

  it("refuses references to Azure outputs when there is no azure section, and identities without a known cluster", () => {
    const k8s = `  kubernetes: { version: "1.31" }
  jobs:
    init:
      image: ghcr.io/acme/init:1.0.0
      command: [init]
      identity: runner
      env: { URL: { from: azure.keyVaults.main, value: vaultUri } }
`;
    const noAzure = buildText(`apiVersion: berth.dev/v1alpha1\nkind: Platform\nmetadata: { name: lake }\nspec:\n${k8s}  identities: { runner: { azure: { clientId: 0b6e7c1a-2d3f-4a5b-8c9d-1e2f3a4b5c6d } } }\n`);
    assert.deepEqual(codes(noAzure), ["AZURE-UNKNOWN-REFERENCE"]);
    const noCluster = buildText(spec("resourceGroups: { main: {} }\nkeyVaults: { main: {} }\nidentities: { runner: {} }", k8s));
    assert.deepEqual(codes(noCluster), ["AZURE-NO-ISSUER"]);
    assert.equal(noCluster.diagnostics[0]!.path, "spec.jobs.init.identity");
  });

  it("checks the names environments make: a longer env name can break a Key Vault name", () => {
    const text = spec("resourceGroups: { main: {} }\nkeyVaults: { team-vault: {} }", "  environments:\n    dev: {}\n    production: {}\n");
    assert.deepEqual(codes(buildText(text, { env: "dev" })), []);
    const prod = buildText(text, { env: "production" });
    assert.deepEqual(codes(prod), ["AZURE-NAME"]);
    assert.match(prod.diagnostics[0]!.message, /"lake-production-team-vault" \(made by naming/);
  });

  it("keeps credentials in the one vault named, maps every key of a vault-backed secret, and picks JSON fields only with eso", () => {
    const base = "resourceGroups: { main: {} }\nkeyVaults: { a: {}, b: {} }\nsql: { merge: { adminPassword: { keyVault: a } }, old: { existing: true, name: sql-old } }";
    const secrets = (keyVault: string) => `  secrets:\n    db: { keys: [username, password], keyVault: ${keyVault} }\n`;
    const r = buildText(spec(base, secrets("{ username: { from: azure.sql.old, value: adminLogin }, pasword: { secret: db-json, field: pw } }")));
    assert.deepEqual(codes(r), ["AZURE-CSI-FIELD", "AZURE-NO-VAULT", "AZURE-VAULT-KEYS", "AZURE-VAULT-KEYS", "AZURE-VAULT-KEYS"]);
    assert.match(r.diagnostics.find((d) => d.code === "AZURE-NO-VAULT")!.hint!, /keyVault: a/);
    assert.match(r.diagnostics.find((d) => d.path === "spec.secrets.db.keyVault.pasword")!.hint!, /did you mean "password"/i);
    const fixed = secrets("{ username: { from: azure.sql.merge, value: adminLogin }, password: { secret: db-json, field: pw } }");
    assert.deepEqual(codes(buildText(spec(`${base}\nsecrets: { keyVault: a, delivery: eso }`, fixed))), []);
    const cluster = buildText(spec(`${base}\nsecrets: { store: cluster }`, fixed));
    assert.deepEqual(codes(cluster), ["AZURE-NO-VAULT"]);
    assert.match(cluster.diagnostics[0]!.message, /store is cluster/);
  });

  it("refuses two values under one vault secret name, as Key Vault compares names without case", () => {
    const text = spec("resourceGroups: { main: {} }\nkeyVaults: { main: {} }\nsecrets: { naming: \"{secret}--{key}\" }\nsql: { merge: {} }", "  secrets:\n    mine: { keys: [pw], keyVault: { pw: SQL-MERGE--admin-login } }\n");
    const r = buildText(text);
    assert.deepEqual(codes(r), ["AZURE-SECRET-NAME"]);
    assert.match(r.diagnostics[0]!.message, /"SQL-MERGE--admin-login" would hold two values/);
  });

  it("warns when an identity of spec.identities is shadowed by one berth makes", () => {
    const r = resolveSpec(loadSource(FIXTURE).source!, { env: "dev", set: ["identities.datasurface.azure.clientId=0b6e7c1a-2d3f-4a5b-8c9d-1e2f3a4b5c6d"] });
    assert.deepEqual(r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}`), ["warning AZURE-IDENTITY-SHADOWED spec.identities.datasurface"]);
  });
});
