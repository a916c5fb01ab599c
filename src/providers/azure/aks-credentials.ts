/**
 * The connection to an AKS cluster of the plan, without `az aks get-credentials` or kubelogin: the kubeconfig comes
 * from ARM (listClusterUserCredential, or the admin one when asked) and stays in memory. On a cluster with Entra ID
 * integration (aadProfile) the user credential runs kubelogin; berth replaces it with a bearer token from its own
 * Azure credential for the AKS server application, which the API server accepts the same way.
 */
import type { TokenCredential } from "@azure/core-auth";
import yaml from "js-yaml";
import { AZURE_TYPES } from "../../resources/azure-types.ts";
import type { Progress } from "../provider.ts";
import type { ArmClient, Json } from "./arm-client.ts";
import { AKS_SERVER_SCOPE } from "./cloud.ts";
import { AzureRequestError } from "./errors.ts";

const CLUSTERS = "Microsoft.ContainerService/managedClusters";

export interface AksConnection {
  /** Kubeconfig text (holds a credential: keep it in memory, write it only where the user asked). */
  readonly kubeconfig: string;
  readonly server: string;
  /** The cluster uses Entra ID: the token in the kubeconfig expires (then fetch again). */
  readonly entraId: boolean;
  /** When the Entra token expires (ms since the epoch). */
  readonly expiresOn?: number;
}

export interface AksCredentialOptions {
  /** The admin credential (local accounts): refused by clusters that disable them. */
  readonly admin?: boolean;
  readonly progress?: Progress;
}

interface KubeconfigDoc {
  clusters?: { name: string; cluster: { server?: string } }[];
  users?: { name: string; user: Record<string, unknown> }[];
  [k: string]: unknown;
}

/** The kubeconfig of a managedClusters resource by its ARM id. */
export async function aksConnection(client: ArmClient, credential: TokenCredential, clusterId: string, options: AksCredentialOptions = {}): Promise<AksConnection> {
  const apiVersion = AZURE_TYPES[CLUSTERS]!.apiVersion;
  const name = clusterId.split("/").pop()!;
  const cluster = await client.get(clusterId, apiVersion, `GET ${CLUSTERS} ${name}`, options.progress);
  if (!cluster) throw new AzureRequestError(`connect to AKS cluster ${name}`, 404, { code: "ResourceNotFound", message: `the cluster ${clusterId} does not exist` });
  const entraId = !!cluster.properties?.aadProfile;
  const action = options.admin ? "listClusterAdminCredential" : "listClusterUserCredential";
  // A read despite the POST: asking twice is harmless, so a lost connection is retried.
  const answer = (await client.post(`${clusterId}/${action}`, apiVersion, undefined, `${action} ${name}`, options.progress, true)) as Json | undefined;
  const encoded = (answer?.kubeconfigs as { name?: string; value?: string }[] | undefined)?.[0]?.value;
  if (!encoded) throw new AzureRequestError(`${action} ${name}`, 200, { message: "ARM returned no kubeconfig" });
  const doc = yaml.load(Buffer.from(encoded, "base64").toString("utf8")) as KubeconfigDoc;
  const server = doc.clusters?.[0]?.cluster.server ?? "";
  if (!entraId || options.admin) return { kubeconfig: yaml.dump(doc), server, entraId };
  const token = await credential.getToken(AKS_SERVER_SCOPE);
  if (!token) throw new AzureRequestError(`connect to AKS cluster ${name}`, undefined, { code: "NoToken", message: `the Azure credential gave no token for ${AKS_SERVER_SCOPE}` });
  const users = (doc.users ?? []).map((u) => ({ name: u.name, user: { token: token.token } }));
  return { kubeconfig: yaml.dump({ ...doc, users }), server, entraId, expiresOn: token.expiresOnTimestamp };
}

/** Fetched again this long before the Entra token expires. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * A lazy connection source for the Kubernetes provider: nothing is asked until the first call (the cluster may not
 * exist yet when the plan is made), then the connection is kept until its Entra token nears expiry.
 */
export function aksConnectionSource(client: ArmClient, credential: TokenCredential, clusterId: string, options: AksCredentialOptions = {}): () => Promise<AksConnection> {
  let held: Promise<AksConnection> | undefined;
  return async () => {
    const current = held && (await held.catch(() => undefined));
    if (current && (current.expiresOn === undefined || current.expiresOn - client.clock.now() > REFRESH_MARGIN_MS)) return current;
    held = aksConnection(client, credential, clusterId, options);
    return held;
  };
}
