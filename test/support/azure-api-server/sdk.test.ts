/**
 * Proof that the Azure test server follows the published APIs: the real Azure SDK clients (identity, arm-resources,
 * arm-containerservice, arm-msi) run against it unchanged, only pointed at its endpoint and told to trust its CA.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ClientSecretCredential, WorkloadIdentityCredential } from "@azure/identity";
import { AZURE_TYPES } from "../../../src/resources/azure-types.ts";
import { VirtualClock } from "../clock.ts";
import { startKubeApiServer } from "../kube-api-server/index.ts";
import type { KubeApiServer } from "../kube-api-server/index.ts";
import { startAzureApiServer, type AzureApiServer } from "./index.ts";
import { createEmptyPipeline, createPipelineRequest } from "@azure/core-rest-pipeline";
import { armToken, claimsOf, credentialOptions, serviceAccountToken, trustingHttpClient } from "./testing.ts";

const version = (type: string): string => AZURE_TYPES[type]!.apiVersion;
const SCOPES = ["https://management.azure.com/.default"];
const POLL = { updateIntervalInMs: 1 };

/** Options every SDK client needs here: the server as endpoint, its CA trusted, ARM's usual token scope. */
const clientOptions = (server: AzureApiServer, apiVersion: string) => ({
  endpoint: server.url,
  $host: server.url,
  credentialScopes: SCOPES,
  credentials: { scopes: SCOPES },
  apiVersion,
  tlsOptions: { ca: server.ca },
});

const credentialOf = (server: AzureApiServer, secret = server.clientSecret) => new ClientSecretCredential(server.tenantId, server.clientId, secret, credentialOptions(server));

describe("Azure test server with the real SDK clients", () => {
  let server: AzureApiServer;
  let kube: KubeApiServer;
  let dir: string;

  before(async () => {
    kube = await startKubeApiServer({ readyAfterMs: {} });
    server = await startAzureApiServer({ retryAfterSeconds: 0, kubernetes: { server: kube.url, token: "berth-test-token" } });
    dir = mkdtempSync(join(tmpdir(), "berth-azure-sdk-"));
  });
  after(async () => {
    await server.close();
    await kube.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("ClientSecretCredential gets an ARM token through MSAL; a wrong secret is refused with AADSTS7000215", async () => {
    const token = await credentialOf(server).getToken(SCOPES);
    const claims = claimsOf(token.token);
    assert.equal(claims.tid, server.tenantId);
    assert.equal(claims.appid, server.clientId);
    assert.equal(claims.aud, "https://management.azure.com");
    assert.ok(token.expiresOnTimestamp > Date.now());
    await assert.rejects(credentialOf(server, "not-the-secret").getToken(SCOPES), /AADSTS7000215/);
    const discovery = server.requests.filter((r) => r.service === "entra" && r.path.endsWith("/.well-known/openid-configuration"));
    assert.ok(discovery.length >= 1, "MSAL read the OpenID configuration");
  });

  it("a core-rest-pipeline HttpClient trusting the server's CA reaches ARM (how an in-process ArmClient connects)", async () => {
    const client = trustingHttpClient(server);
    const req = createPipelineRequest({ url: `${server.url}/subscriptions/${server.subscriptionId}?api-version=2022-12-01`, method: "GET" });
    req.headers.set("Authorization", `Bearer ${await armToken(server)}`);
    const res = await createEmptyPipeline().sendRequest(client, req);
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.bodyAsText ?? "{}").tenantId, server.tenantId);
  });

  it("ResourceManagementClient: resource groups create/get, tag-filtered lists, long-running delete", async () => {
    const arm = new ResourceManagementClient(credentialOf(server), server.subscriptionId, clientOptions(server, version("Microsoft.Resources/resourceGroups")));
    const rg = await arm.resourceGroups.createOrUpdate("rg-sdk", { location: "westeurope", tags: { "berth.io/app": "shop" } });
    assert.equal(rg.properties?.provisioningState, "Succeeded");
    assert.equal((await arm.resourceGroups.get("rg-sdk")).tags?.["berth.io/app"], "shop");

    const msi = new ManagedServiceIdentityClient(credentialOf(server), server.subscriptionId, clientOptions(server, version("Microsoft.ManagedIdentity/userAssignedIdentities")));
    await msi.userAssignedIdentities.createOrUpdate("rg-sdk", "id-tagged", { location: "westeurope", tags: { "berth.io/app": "shop" } });
    await msi.userAssignedIdentities.createOrUpdate("rg-sdk", "id-other", { location: "westeurope", tags: { "berth.io/app": "other" } });
    const listed = [];
    for await (const r of arm.resources.list({ filter: "tagName eq 'berth.io/app' and tagValue eq 'shop'" })) listed.push(r.name);
    assert.deepEqual(listed, ["id-tagged"]);
    const groups = [];
    for await (const g of arm.resourceGroups.list({ filter: "tagName eq 'berth.io/app' and tagValue eq 'shop'" })) groups.push(g.name);
    assert.deepEqual(groups, ["rg-sdk"]);

    const before = server.clock.now();
    await arm.resourceGroups.beginDeleteAndWait("rg-sdk", POLL);
    assert.ok(server.clock.now() - before >= 30_000, "deletion took its virtual time");
    await assert.rejects(arm.resourceGroups.get("rg-sdk"), (e: { statusCode?: number; code?: string }) => e.statusCode === 404 && e.code === "ResourceGroupNotFound");
    assert.equal(server.resource(`/subscriptions/${server.subscriptionId}/resourceGroups/rg-sdk/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-tagged`), undefined, "the group took its resources");
  });

  it("ContainerServiceClient: a managed cluster through a long-running PUT, then its user credential reaches the Kubernetes API server", async () => {
    const arm = new ResourceManagementClient(credentialOf(server), server.subscriptionId, clientOptions(server, version("Microsoft.Resources/resourceGroups")));
    await arm.resourceGroups.createOrUpdate("rg-aks", { location: "westeurope" });
    const aks = new ContainerServiceClient(credentialOf(server), server.subscriptionId, clientOptions(server, version("Microsoft.ContainerService/managedClusters")));
    const wallStart = Date.now();
    const cluster = await aks.managedClusters.beginCreateOrUpdateAndWait(
      "rg-aks",
      "aks1",
      {
        location: "westeurope",
        identity: { type: "SystemAssigned" },
        // This SDK generation flattens `properties` into the model; the wire body still nests them.
        dnsPrefix: "aks1",
        oidcIssuerProfile: { enabled: true },
        securityProfile: { workloadIdentity: { enabled: true } },
        agentPoolProfiles: [{ name: "system", mode: "System", count: 1, vmSize: "Standard_D4s_v5" }],
      },
      POLL,
    );
    assert.ok(Date.now() - wallStart < 30_000, "five virtual minutes took no real five minutes");
    assert.equal(cluster.provisioningState, "Succeeded");
    assert.match(cluster.fqdn ?? "", /^aks1-[0-9a-f]{8}\.hcp\.westeurope\.azmk8s\.io$/);
    assert.match(cluster.oidcIssuerProfile?.issuerURL ?? "", new RegExp(`^https://westeurope\\.oic\\.prod-aks\\.azure\\.com/${server.tenantId}/`));
    assert.ok(cluster.identityProfile?.["kubeletidentity"]?.objectId);
    assert.equal(cluster.nodeResourceGroup, "MC_rg-aks_aks1_westeurope");
    assert.ok(server.resource(`/subscriptions/${server.subscriptionId}/resourceGroups/MC_rg-aks_aks1_westeurope`), "the node resource group exists");
    const clusterWrites = server.requests.filter((r) => r.path.endsWith("/managedClusters/aks1"));
    assert.deepEqual(clusterWrites.filter((r) => r.method === "PUT").map((r) => r.status), [201]);
    assert.ok(server.requests.some((r) => r.path.includes("/operationStatuses/")), "the SDK polled Azure-AsyncOperation");

    const creds = await aks.managedClusters.listClusterUserCredentials("rg-aks", "aks1");
    const kubeconfig = Buffer.from(creds.kubeconfigs![0]!.value!).toString();
    assert.match(kubeconfig, new RegExp(`server: ${kube.url.replace(/[.]/g, "\\.")}`));
    const answer = await fetch(`${kube.url}/version`, { headers: { Authorization: "Bearer berth-test-token" } });
    assert.equal(answer.status, 200, "the kubeconfig's API server answers");
  });

  it("the SDK retries a 429 with Retry-After, and a provisioning failure surfaces as the LRO's error", async () => {
    const aks = new ContainerServiceClient(credentialOf(server), server.subscriptionId, clientOptions(server, version("Microsoft.ContainerService/managedClusters")));
    server.addFault({ match: { method: "GET", type: "Microsoft.ContainerService/managedClusters" }, status: 429, retryAfter: 0 });
    assert.equal((await aks.managedClusters.get("rg-aks", "aks1")).name, "aks1");
    assert.deepEqual(
      server.requests.filter((r) => r.method === "GET" && r.path.endsWith("/managedClusters/aks1")).slice(-2).map((r) => r.status),
      [429, 200],
    );
    server.addProvisioningFault({ match: { type: "Microsoft.ContainerService/managedClusters", name: "aks-broken" }, code: "VMExtensionProvisioningError", message: "The node pool failed to provision." });
    await assert.rejects(
      aks.managedClusters.beginCreateOrUpdateAndWait("rg-aks", "aks-broken", { location: "westeurope", dnsPrefix: "broken", agentPoolProfiles: [{ name: "system", mode: "System", count: 1 }] }, POLL),
      (e: Error) => /VMExtensionProvisioningError\. The node pool failed to provision\./.test(e.message),
    );
    assert.equal(server.resource(`/subscriptions/${server.subscriptionId}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-broken`)?.properties.provisioningState, "Failed");
  });

  it("ManagedServiceIdentityClient + WorkloadIdentityCredential: a federated credential on the AKS issuer signs a pod in", async () => {
    const cluster = server.resource(`/subscriptions/${server.subscriptionId}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks1`)!;
    const issuer = cluster.properties.oidcIssuerProfile.issuerURL as string;
    const msi = new ManagedServiceIdentityClient(credentialOf(server), server.subscriptionId, clientOptions(server, version("Microsoft.ManagedIdentity/userAssignedIdentities")));
    const identity = await msi.userAssignedIdentities.createOrUpdate("rg-aks", "id-app", { location: "westeurope" });
    assert.ok(identity.clientId && identity.principalId);
    assert.equal(identity.tenantId, server.tenantId);
    await msi.federatedIdentityCredentials.createOrUpdate("rg-aks", "id-app", "fic-app", { issuer, subject: "system:serviceaccount:shop:api", audiences: ["api://AzureADTokenExchange"] });
    const fic = await msi.federatedIdentityCredentials.get("rg-aks", "id-app", "fic-app");
    assert.equal(fic.subject, "system:serviceaccount:shop:api");

    const tokenFile = join(dir, "sa-token");
    const exp = Math.floor(server.clock.now() / 1000) + 3600;
    writeFileSync(tokenFile, serviceAccountToken({ iss: issuer, sub: "system:serviceaccount:shop:api", aud: "api://AzureADTokenExchange", exp }));
    const workload = new WorkloadIdentityCredential({ tenantId: server.tenantId, clientId: identity.clientId!, tokenFilePath: tokenFile, authorityHost: server.authorityHost, disableInstanceDiscovery: true, tlsOptions: { ca: server.ca } });
    const token = await workload.getToken(SCOPES);
    assert.equal(claimsOf(token.token).oid, identity.principalId);

    writeFileSync(tokenFile, serviceAccountToken({ iss: issuer, sub: "system:serviceaccount:shop:other", aud: "api://AzureADTokenExchange", exp }));
    const stranger = new WorkloadIdentityCredential({ tenantId: server.tenantId, clientId: identity.clientId!, tokenFilePath: tokenFile, authorityHost: server.authorityHost, disableInstanceDiscovery: true, tlsOptions: { ca: server.ca } });
    await assert.rejects(stranger.getToken(SCOPES), /AADSTS70021/);
  });
});

describe("federated credential writes on one identity", () => {
  it("a second concurrent write is refused with 409 ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity", async () => {
    const clock = new VirtualClock({ auto: false });
    const server = await startAzureApiServer({ clock, retryAfterSeconds: 0 });
    try {
      const arm = new ResourceManagementClient(credentialOf(server), server.subscriptionId, clientOptions(server, version("Microsoft.Resources/resourceGroups")));
      await arm.resourceGroups.createOrUpdate("rg", { location: "westeurope" });
      const msi = new ManagedServiceIdentityClient(credentialOf(server), server.subscriptionId, clientOptions(server, version("Microsoft.ManagedIdentity/userAssignedIdentities")));
      await msi.userAssignedIdentities.createOrUpdate("rg", "id", { location: "westeurope" });
      const fic = (subject: string) => ({ issuer: "https://issuer.example/", subject, audiences: ["api://AzureADTokenExchange"] });
      const settled = await Promise.all(
        [msi.federatedIdentityCredentials.createOrUpdate("rg", "id", "a", fic("a")), msi.federatedIdentityCredentials.createOrUpdate("rg", "id", "b", fic("b"))].map((p) =>
          p.then(
            () => "ok",
            (e: { statusCode?: number; code?: string }) => `${e.statusCode} ${e.code}`,
          ),
        ),
      );
      // Whichever arrived first was written; the other overlapped it, on a clock that has not moved at all.
      assert.deepEqual([...settled].sort(), ["409 ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity", "ok"]);
      const loser = settled[0] === "ok" ? "b" : "a";
      await assert.rejects(msi.federatedIdentityCredentials.createOrUpdate("rg", "id", loser, fic(loser)), { statusCode: 409 }, "still settling");
      clock.advance(2_000);
      assert.equal((await msi.federatedIdentityCredentials.createOrUpdate("rg", "id", loser, fic(loser))).subject, loser, "once the first has settled, the retry goes through");
    } finally {
      await server.close();
    }
  });
});
