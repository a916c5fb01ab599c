import assert from "node:assert/strict";
import { test } from "node:test";
import yaml from "js-yaml";
import { VirtualClock } from "../../../test/support/clock.ts";
import { ENDPOINT, FakeArm, fakeCredential } from "../../../test/support/fake-arm.ts";
import { aksConnection, aksConnectionSource } from "./aks-credentials.ts";
import { ArmClient } from "./arm-client.ts";
import { AKS_SERVER_SCOPE, resolveCloud } from "./cloud.ts";

const SUB = "00000000-0000-0000-0000-000000000001";
const AKS = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks`;

const kubeconfig = (user: unknown) =>
  Buffer.from(
    yaml.dump({ apiVersion: "v1", kind: "Config", clusters: [{ name: "aks", cluster: { server: "https://aks-dns.hcp.westeurope.azmk8s.io:443", "certificate-authority-data": "Q0E=" } }], users: [{ name: "clusterUser_rg_aks", user }], contexts: [{ name: "aks", context: { cluster: "aks", user: "clusterUser_rg_aks" } }], "current-context": "aks" }),
  ).toString("base64");

function setup(aadProfile: unknown) {
  const arm = new FakeArm();
  const scopes: string[][] = [];
  const credential = fakeCredential(scopes);
  const client = new ArmClient({ cloud: resolveCloud({ resourceManager: ENDPOINT, authorityHost: "https://login.fake.test" }), credential, subscriptionId: SUB, clock: new VirtualClock(), httpClient: arm });
  arm.seed(AKS, { name: "aks", properties: { provisioningState: "Succeeded", ...(aadProfile ? { aadProfile } : {}) } });
  const answer = (r: { path: string }) => ({ status: 200, body: { kubeconfigs: [{ name: r.path.endsWith("listclusteradmincredential") ? "clusterAdmin" : "clusterUser", value: kubeconfig(r.path.endsWith("listclusteradmincredential") ? { "client-certificate-data": "Y2VydA==", "client-key-data": "a2V5" } : { exec: { command: "kubelogin", args: ["get-token"] } }) }] } });
  arm.script((r) => r.method === "POST", answer, answer);
  return { arm, client, credential, scopes };
}

test("on an Entra ID cluster the user credential's kubelogin exec is replaced by a token for the AKS server application", async () => {
  const { arm, client, credential, scopes } = setup({ managed: true, enableAzureRBAC: true });
  const c = await aksConnection(client, credential, AKS);
  const doc = yaml.load(c.kubeconfig) as { users: { user: Record<string, unknown> }[] };
  assert.deepEqual(doc.users[0]!.user, { token: `token-for-${AKS_SERVER_SCOPE}` });
  assert.equal(c.server, "https://aks-dns.hcp.westeurope.azmk8s.io:443");
  assert.equal(c.entraId, true);
  assert.ok(c.expiresOn);
  assert.deepEqual(scopes.at(-1), ["6dae42f8-4368-4678-94ff-3960e28e3630/.default"]);
  const post = arm.requests.find((r) => r.method === "POST")!;
  assert.equal(post.path, `${AKS}/listClusterUserCredential`.toLowerCase());
  assert.equal(post.apiVersion, "2024-09-01");
});

test("without Entra ID, or with the admin credential, the kubeconfig is used as ARM gives it", async () => {
  const { client, credential } = setup(undefined);
  const user = await aksConnection(client, credential, AKS);
  assert.equal(user.entraId, false);
  assert.deepEqual((yaml.load(user.kubeconfig) as { users: { user: unknown }[] }).users[0]!.user, { exec: { command: "kubelogin", args: ["get-token"] } });
  const admin = await aksConnection(client, credential, AKS, { admin: true });
  assert.deepEqual((yaml.load(admin.kubeconfig) as { users: { user: unknown }[] }).users[0]!.user, { "client-certificate-data": "Y2VydA==", "client-key-data": "a2V5" });
});

test("the lazy connection source asks nothing until called, then keeps the connection until its token nears expiry", async () => {
  const { arm, client, credential } = setup({ managed: true });
  const source = aksConnectionSource(client, credential, AKS);
  assert.equal(arm.requests.length, 0);
  const first = await source();
  const asked = arm.requests.length;
  assert.equal(await source(), first);
  assert.equal(arm.requests.length, asked, "a fresh token is reused");
});
