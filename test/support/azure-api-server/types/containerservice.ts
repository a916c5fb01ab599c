/**
 * Microsoft.ContainerService/managedClusters: the service fills the FQDN, the OIDC issuer (when enabled), the kubelet
 * identity and the node resource group (which it creates, with the kubelet identity in it); the credential actions
 * return kubeconfigs pointing at the Kubernetes API server the scenario names (e.g. test/support/kube-api-server):
 * a token user, or on clusters with Entra ID integration (aadProfile) the kubelogin exec user AKS writes; the admin
 * credential is refused when local accounts are disabled.
 */
import { stringify } from "yaml";
import { badRequest } from "../errors.ts";
import { parsePath, resourceGroupId } from "../ids.ts";
import type { Json, KubernetesEndpoint } from "../types.ts";
import type { TypeBehaviour, World } from "../world.ts";
import { guid, kept, referenced, shortHash } from "./common.ts";

const DEFAULT_VERSION = "1.30.6";

function endpointFor(w: World, cluster: Json): KubernetesEndpoint {
  const k = w.scenario.kubernetes;
  const rg = parsePath(String(cluster.id)).resourceGroup ?? "";
  const given = typeof k === "function" ? k({ name: String(cluster.name), resourceGroup: rg }) : k;
  return given ?? { server: `https://${cluster.properties?.fqdn}:443`, token: shortHash(String(cluster.id), 32) };
}

/** The exec user AKS writes for clusters with Entra ID integration (kubelogin converts the Azure CLI login). */
const kubeloginUser = (w: World): Json => ({
  exec: {
    apiVersion: "client.authentication.k8s.io/v1beta1",
    command: "kubelogin",
    args: ["get-token", "--environment", "AzurePublicCloud", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630", "--client-id", "80faf920-1908-4b52-b5ef-a8e7bedfc67a", "--tenant-id", w.tenantId, "--login", "devicecode"],
    env: null,
    installHint: "kubelogin is not installed which is required to connect to AAD enabled cluster.",
    provideClusterInfo: false,
    interactiveMode: "IfNeeded",
  },
});

function kubeconfig(w: World, cluster: Json, role: "clusterUser" | "clusterAdmin"): Json {
  if (role === "clusterAdmin" && cluster.properties?.disableLocalAccounts === true)
    throw badRequest("BadRequest", "Getting static credential is not allowed because this cluster is set to disable local accounts.");
  const ep = endpointFor(w, cluster);
  const entra = role === "clusterUser" && cluster.properties?.aadProfile !== undefined && cluster.properties?.aadProfile !== null;
  const name = String(cluster.name);
  const rg = parsePath(String(cluster.id)).resourceGroup ?? "";
  const user = `${role}_${rg}_${name}`;
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server: ep.server, ...(ep.caData ? { "certificate-authority-data": ep.caData } : { "insecure-skip-tls-verify": true }) } }],
    users: [{ name: user, user: entra ? kubeloginUser(w) : { token: ep.token ?? "berth-test-token" } }],
    contexts: [{ name, context: { cluster: name, user } }],
    "current-context": name,
    preferences: {},
  };
  return { kubeconfigs: [{ name: role, value: Buffer.from(stringify(config)).toString("base64") }] };
}

export const managedClusters: TypeBehaviour = {
  asyncPut: true,
  asyncDelete: true,
  latencyMs: 5 * 60_000,
  validate(ctx) {
    const p = ctx.body.properties ?? {};
    if (!p.dnsPrefix && !p.fqdnSubdomain) throw badRequest("InvalidParameter", "Provided dnsPrefix or fqdnSubdomain is required.");
    const pools: Json[] = Array.isArray(p.agentPoolProfiles) ? p.agentPoolProfiles : [];
    if (!pools.some((pool) => String(pool.mode ?? "").toLowerCase() === "system"))
      throw badRequest("MustDefineAtLeastOneSystemPool", "Must define at least one system pool.");
    for (const pool of pools) if (pool.vnetSubnetID) referenced(ctx, pool.vnetSubnetID, "agentPoolProfiles[].vnetSubnetID");
    if (ctx.prev && p.nodeResourceGroup && String(p.nodeResourceGroup) !== String(ctx.prev.properties?.nodeResourceGroup))
      throw badRequest("PropertyChangeNotAllowed", "Changing property 'nodeResourceGroup' is not allowed.");
  },
  assign(ctx, res) {
    const { w, prev, name } = ctx;
    const loc = String(res.location);
    const rg = ctx.path.resourceGroup!;
    const p = res.properties;
    p.kubernetesVersion ??= DEFAULT_VERSION;
    p.currentKubernetesVersion = p.kubernetesVersion;
    p.fqdn = kept(prev, "properties.fqdn", () => `${p.dnsPrefix ?? p.fqdnSubdomain}-${shortHash(ctx.id)}.hcp.${loc}.azmk8s.io`);
    p.azurePortalFQDN = p.fqdn.replace(".hcp.", ".portal.hcp.");
    p.nodeResourceGroup = kept(prev, "properties.nodeResourceGroup", () => p.nodeResourceGroup ?? `MC_${rg}_${name}_${loc}`);
    p.powerState = { code: "Running" };
    p.agentPoolProfiles = (p.agentPoolProfiles ?? []).map((pool: Json) => ({ ...pool, provisioningState: "Succeeded", orchestratorVersion: pool.orchestratorVersion ?? p.kubernetesVersion, powerState: { code: "Running" } }));
    if (p.oidcIssuerProfile?.enabled) p.oidcIssuerProfile.issuerURL = kept(prev, "properties.oidcIssuerProfile.issuerURL", () => `https://${loc}.oic.prod-aks.azure.com/${w.tenantId}/${guid()}/`);
    const kubeletName = `${name}-agentpool`;
    p.identityProfile = kept(prev, "properties.identityProfile", () => ({
      kubeletidentity: {
        resourceId: `${resourceGroupId(ctx.path.subscriptionId!, p.nodeResourceGroup)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${kubeletName}`,
        clientId: guid(),
        objectId: guid(),
      },
    }));
    const idType = String(res.identity?.type ?? "");
    if (/systemassigned/i.test(idType)) res.identity = { ...res.identity, principalId: kept(prev, "identity.principalId", guid), tenantId: w.tenantId };
  },
  provisioned(w, res) {
    const p = parsePath(String(res.id));
    const nodeRg = resourceGroupId(p.subscriptionId!, res.properties.nodeResourceGroup);
    const now = w.clock.now();
    if (!w.store.get(nodeRg))
      w.store.put({ id: nodeRg, name: res.properties.nodeResourceGroup, type: "Microsoft.Resources/resourceGroups", location: res.location, managedBy: res.id, tags: {}, properties: { provisioningState: "Succeeded" } });
    const kubelet = res.properties.identityProfile.kubeletidentity;
    if (!w.store.get(kubelet.resourceId))
      w.store.put(
        { id: kubelet.resourceId, name: kubelet.resourceId.split("/").pop(), type: "Microsoft.ManagedIdentity/userAssignedIdentities", location: res.location, tags: {}, properties: { clientId: kubelet.clientId, principalId: kubelet.objectId, tenantId: w.tenantId } },
      );
    if (!w.principals.has(kubelet.objectId)) w.principals.set(kubelet.objectId, now);
    if (res.identity?.principalId && !w.principals.has(res.identity.principalId)) w.principals.set(res.identity.principalId, now);
  },
  removed(w, res) {
    const p = parsePath(String(res.id));
    if (res.properties?.nodeResourceGroup) w.store.remove(resourceGroupId(p.subscriptionId!, res.properties.nodeResourceGroup));
  },
  actions: {
    listclusterusercredential: (w, res) => ({ body: kubeconfig(w, res, "clusterUser") }),
    listclusteradmincredential: (w, res) => ({ body: kubeconfig(w, res, "clusterAdmin") }),
  },
};
