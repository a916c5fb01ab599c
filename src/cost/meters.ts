/**
 * What each ARM type berth creates is billed by: one row per type, giving the meters of the price table a resource
 * uses and how many of each (nodes, vCores, GB), or that it has no charge. estimate.ts prices the meters; nothing
 * here knows a price. A type missing from this table is reported as not priced, never silently $0
 * (meters.test.ts keeps every type of AZURE_TYPES here).
 */
import type { AzureResource } from "../resources/azure-resource.ts";
import { POSTGRES_TIERS, sqlSku, vmSeries } from "./sku-names.ts";

/** A count that may be a range: autoscaled node pools run between their minimum and maximum. */
export interface Range {
  readonly low: number;
  readonly high: number;
}

const one: Range = { low: 1, high: 1 };
const exactly = (n: number): Range => ({ low: n, high: n });

/** One billed part of a resource. */
export interface MeterUse {
  /** Which part of the resource ("pool system", "storage"); none for the resource itself. */
  readonly part?: string;
  /** A meter of the price table; none for usage-only charges berth has no price for (Databricks DBUs). */
  readonly meter?: string;
  /** Its price key. */
  readonly sku: string;
  /** What the SKU / size column says. */
  readonly shown: string;
  readonly count: Range;
  /** What is counted: node, vCore, GB, zone… */
  readonly countUnit: string;
  /** Hours a month it runs when not always (serverless SQL: the table's assumption); default all month. */
  readonly hours?: "serverless";
  /** Billed by use only, nothing fixed a month: what it is billed by. */
  readonly usage?: string;
}

export type Billing =
  /** Not a resource (resource provider registrations): left out of the estimate. */
  | { readonly kind: "skip" }
  /** A resource Azure does not charge for; `what` names it in the summary. */
  | { readonly kind: "free"; readonly what: string }
  | { readonly kind: "metered"; readonly uses: readonly MeterUse[] };

type BillingOf = (resource: AzureResource) => Billing;

const free =
  (what: string): BillingOf =>
  () => ({ kind: "free", what });

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
const rec = (v: unknown): Record<string, unknown> => (typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {});
const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function aks(r: AzureResource): Billing {
  const tier = str(rec(r.body.sku).tier) ?? "Free";
  const pools = (rec(r.body.properties).agentPoolProfiles as unknown[] | undefined) ?? [];
  return {
    kind: "metered",
    uses: [
      { meter: "aks-tier", sku: tier, shown: `${tier} tier`, count: one, countUnit: "cluster" },
      ...pools.map((p): MeterUse => {
        const pool = rec(p);
        const vmSize = str(pool.vmSize) ?? "?";
        const count = pool.enableAutoScaling ? { low: num(pool.minCount) ?? 0, high: num(pool.maxCount) ?? 0 } : exactly(num(pool.count) ?? 0);
        return { part: `pool ${str(pool.name) ?? "?"}`, meter: "vm", sku: vmSize, shown: vmSize, count, countUnit: "node" };
      }),
    ],
  };
}

function postgres(r: AzureResource): Billing {
  const sku = rec(r.body.sku);
  const name = str(sku.name) ?? "?";
  const tier = str(sku.tier) ?? "Burstable";
  const storage = num(rec(rec(r.body.properties).storage).storageSizeGB) ?? 32;
  const series = vmSeries(name);
  const compute: MeterUse =
    tier === "Burstable" || !series
      ? { part: "compute", meter: "postgres-burstable", sku: name.replace(/^Standard_/, ""), shown: `${name} ${tier}`, count: one, countUnit: "server" }
      : { part: "compute", meter: "postgres-vcore", sku: `${POSTGRES_TIERS[tier] ?? tier} ${series.series}`, shown: `${name} ${tier}`, count: exactly(series.vCores), countUnit: "vCore" };
  return { kind: "metered", uses: [compute, { part: "storage", meter: "postgres-storage", sku: "storage", shown: `${storage} GB`, count: exactly(storage), countUnit: "GB" }] };
}

/** Azure's default maximum size of a vCore database when the spec sets none. */
const SQL_DEFAULT_MAX_GB = 32;

function sqlDatabase(r: AzureResource): Billing {
  const name = str(rec(r.body.sku).name) ?? "?";
  const bytes = num(rec(r.body.properties).maxSizeBytes);
  const maxGB = bytes ? Math.round(bytes / 1024 ** 3) : SQL_DEFAULT_MAX_GB;
  const sku = sqlSku(name);
  if (!sku) return { kind: "metered", uses: [{ part: "compute", meter: "sql-vcore", sku: name, shown: name, count: one, countUnit: "database" }] };
  if (sku.kind === "dtu") return { kind: "metered", uses: [{ part: "compute", meter: "sql-dtu", sku: sku.level, shown: `${name} DTU`, count: one, countUnit: "database" }] };
  const storage: MeterUse = { part: "storage", meter: "sql-storage", sku: sku.tier, shown: `${maxGB} GB max size`, count: exactly(maxGB), countUnit: "GB" };
  if (sku.kind === "serverless")
    return {
      kind: "metered",
      uses: [{ part: "compute", meter: "sql-serverless-vcore", sku: sku.family, shown: `${name} serverless`, count: exactly(sku.vCores), countUnit: "vCore", hours: "serverless" }, storage],
    };
  return {
    kind: "metered",
    uses: [
      { part: "compute", meter: "sql-vcore", sku: sku.tier, shown: name, count: exactly(sku.vCores), countUnit: "vCore" },
      { part: "SQL license", meter: "sql-license", sku: sku.tier, shown: "license included", count: exactly(sku.vCores), countUnit: "vCore" },
      storage,
    ],
  };
}

function keyVault(r: AzureResource): Billing {
  const sku = capitalized(str(rec(rec(r.body.properties).sku).name) ?? "standard");
  return { kind: "metered", uses: [{ meter: "key-vault-operations", sku, shown: sku.toLowerCase(), count: one, countUnit: "vault", usage: "operations" }] };
}

function registry(r: AzureResource): Billing {
  const sku = str(rec(r.body.sku).name) ?? "Standard";
  return { kind: "metered", uses: [{ meter: "registry", sku, shown: sku, count: one, countUnit: "registry" }] };
}

function databricks(r: AzureResource): Billing {
  const sku = str(rec(r.body.sku).name) ?? "premium";
  return { kind: "metered", uses: [{ sku, shown: sku, count: one, countUnit: "workspace", usage: "DBUs of the clusters and jobs it runs, which are not part of the plan" }] };
}

export const BILLING: Readonly<Record<string, BillingOf>> = {
  "Microsoft.Resources/providers": () => ({ kind: "skip" }),
  "Microsoft.Resources/resourceGroups": free("resource group"),
  "Microsoft.Network/virtualNetworks": free("virtual network"),
  "Microsoft.Network/virtualNetworks/subnets": free("subnet"),
  "Microsoft.ContainerService/managedClusters": aks,
  "Microsoft.DBforPostgreSQL/flexibleServers": postgres,
  "Microsoft.DBforPostgreSQL/flexibleServers/databases": free("PostgreSQL database"),
  "Microsoft.Network/privateDnsZones": () => ({ kind: "metered", uses: [{ part: "DNS zone", meter: "private-dns-zone", sku: "zone", shown: "private zone", count: one, countUnit: "zone" }] }),
  "Microsoft.Network/privateDnsZones/virtualNetworkLinks": free("DNS zone link"),
  "Microsoft.Sql/servers": free("SQL logical server"),
  "Microsoft.Sql/servers/databases": sqlDatabase,
  "Microsoft.Network/privateEndpoints": () => ({ kind: "metered", uses: [{ meter: "private-endpoint", sku: "endpoint", shown: "private endpoint", count: one, countUnit: "endpoint" }] }),
  "Microsoft.Network/privateEndpoints/privateDnsZoneGroups": free("DNS zone group"),
  "Microsoft.KeyVault/vaults": keyVault,
  "Microsoft.KeyVault/vaults/secrets": free("Key Vault secret"),
  "Microsoft.ContainerRegistry/registries": registry,
  "Microsoft.Databricks/workspaces": databricks,
  "Microsoft.ManagedIdentity/userAssignedIdentities": free("managed identity"),
  "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials": free("federated credential"),
  "Microsoft.Authorization/roleAssignments": free("role assignment"),
};

/** How a resource is billed; undefined for a type berth has no row for. */
export const billingOf = (resource: AzureResource): Billing | undefined => BILLING[resource.type]?.(resource);
