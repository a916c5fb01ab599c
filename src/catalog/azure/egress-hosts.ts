/**
 * The host a reference's value is reached at, when the value is a URL or host name that pods call (a vault URI, a
 * server's FQDN). Azure assigns the exact name only when the resource is made, so egress names the service's domain
 * in the spec's cloud: one row per family and output, one column per named cloud. A custom cloud (Azure Stack, a
 * test server) has domains of its own that berth cannot know: a reference that needs egress there is refused by the
 * spec rules (AZURE-EGRESS-HOST), and the value is written literally instead.
 */
import { isAzureRef, type AzureFamily, type AzureRefSpec, type AzureSpec } from "../../spec/azure-schema.ts";

type NamedCloud = "AzureCloud" | "AzureChinaCloud" | "AzureUSGovernment";

interface EgressRow {
  /** The port the service answers on. */
  readonly port: number;
  /** Domain per cloud; the wildcard matches the name Azure assigns under it. */
  readonly hosts: Readonly<Record<NamedCloud, string>>;
}

/** Keyed by family.output. */
export const EGRESS_HOSTS: Readonly<Partial<Record<`${AzureFamily}.${string}`, EgressRow>>> = {
  "keyVaults.vaultUri": { port: 443, hosts: { AzureCloud: "*.vault.azure.net", AzureChinaCloud: "*.vault.azure.cn", AzureUSGovernment: "*.vault.usgovcloudapi.net" } },
  "sql.fqdn": { port: 1433, hosts: { AzureCloud: "*.database.windows.net", AzureChinaCloud: "*.database.chinacloudapi.cn", AzureUSGovernment: "*.database.usgovcloudapi.net" } },
  "postgres.fqdn": { port: 5432, hosts: { AzureCloud: "*.postgres.database.azure.com", AzureChinaCloud: "*.postgres.database.chinacloudapi.cn", AzureUSGovernment: "*.postgres.database.usgovcloudapi.net" } },
  "registries.loginServer": { port: 443, hosts: { AzureCloud: "*.azurecr.io", AzureChinaCloud: "*.azurecr.cn", AzureUSGovernment: "*.azurecr.us" } },
  "databricksWorkspaces.workspaceUrl": { port: 443, hosts: { AzureCloud: "*.azuredatabricks.net", AzureChinaCloud: "*.databricks.azure.cn", AzureUSGovernment: "*.databricks.azure.us" } },
};

const rowOf = (ref: AzureRefSpec) => EGRESS_HOSTS[`${ref.from.split(".")[1] as AzureFamily}.${ref.value}`];

/** Whether the value a reference stands for is called over the network (so egress must name its host). */
export const isCalledEndpoint = (ref: AzureRefSpec): boolean => rowOf(ref) !== undefined;

/**
 * The host pattern for egress to a reference's value; undefined when the value is not an endpoint (a client id, an
 * id) or the cloud is a custom one (the rules have refused that case).
 */
export function egressHostOf(azure: AzureSpec, ref: AzureRefSpec): { host: string; port: number } | undefined {
  const row = rowOf(ref);
  return row && typeof azure.cloud === "string" ? { host: row.hosts[azure.cloud], port: row.port } : undefined;
}

/**
 * Egress the references among env values imply, for apps and jobs: added to what their `egress:` declares (a host
 * declared there already is not repeated). Nothing is implied in a custom cloud: there `egress:` names the endpoint.
 */
export function referenceEgress(azure: AzureSpec | undefined, env: Readonly<Record<string, unknown>>): { hosts: string[]; ports: number[] }[] {
  if (!azure) return [];
  return Object.values(env).flatMap((v) => {
    if (!isAzureRef(v)) return [];
    const endpoint = egressHostOf(azure, v as AzureRefSpec);
    return endpoint ? [{ hosts: [endpoint.host], ports: [endpoint.port] }] : [];
  });
}
