/**
 * The host a reference's value is reached at, when the value is a URL or host name that pods call (a vault URI, a
 * server's FQDN). Azure assigns the exact name only when the resource is made, so egress names the service's domain
 * in the spec's cloud: one row per family and output, one column per named cloud. A custom cloud (Azure Stack, a
 * test server) has domains of its own that berth cannot know: there egress still opens the service's port (to any
 * public address, as for every named host) but names no host, and the spec rules warn (AZURE-EGRESS-HOST).
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
 * Egress to a reference's value: the service's domain in the spec's cloud and its port; undefined when the value is
 * not an endpoint (a client id, an id). In a custom cloud the host is unknown and only the port is given.
 */
export function egressHostOf(azure: AzureSpec, ref: AzureRefSpec): { hosts: string[]; ports: number[] } | undefined {
  const row = rowOf(ref);
  if (!row) return undefined;
  return { hosts: typeof azure.cloud === "string" ? [row.hosts[azure.cloud]] : [], ports: [row.port] };
}

/**
 * Egress the references among env values imply, for apps and jobs, beside what their `egress:` declares. An endpoint
 * whose domain `egress:` already covers (the pattern itself or a host under it, perhaps with private ranges) is left
 * as declared, so a reference never widens a rule written on purpose. In a custom cloud nothing is implied: the
 * domain is unknown, and `egress:` names the endpoint.
 */
export function referenceEgress(azure: AzureSpec | undefined, env: Readonly<Record<string, unknown>>, declared: readonly { readonly hosts: readonly string[] }[]): { hosts: string[]; ports: number[] }[] {
  if (!azure) return [];
  const hosts = declared.flatMap((e) => e.hosts);
  const covered = (pattern: string) => hosts.some((h) => h === pattern || h.endsWith(pattern.slice(1)));
  return Object.values(env).flatMap((v) => {
    if (!isAzureRef(v)) return [];
    const endpoint = egressHostOf(azure, v as AzureRefSpec);
    return endpoint && endpoint.hosts.length > 0 && !endpoint.hosts.some(covered) ? [endpoint] : [];
  });
}
