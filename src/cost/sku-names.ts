/**
 * Azure SKU names read for pricing: the ARM name says what Azure bills by (a VM series and its vCores, a SQL tier and
 * vCores, a DTU level), which is how the Retail Prices API lists the price.
 */

/** `Standard_D4ds_v5` → series `Ddsv5`, 4 vCores (as PostgreSQL flexible server compute is priced per vCore). */
export function vmSeries(name: string): { series: string; vCores: number } | undefined {
  const m = /^Standard_([A-Z]+)(\d+)([a-z]*)_v(\d+)$/.exec(name);
  return m ? { series: `${m[1]}${m[3]}v${m[4]}`, vCores: Number(m[2]) } : undefined;
}

/** How the Retail Prices API names PostgreSQL flexible server tiers. */
export const POSTGRES_TIERS: Readonly<Record<string, string>> = { GeneralPurpose: "General Purpose", MemoryOptimized: "Memory Optimized" };

export type SqlSku =
  | { readonly kind: "serverless"; readonly tier: string; readonly family: string; readonly vCores: number }
  | { readonly kind: "provisioned"; readonly tier: string; readonly family: string; readonly vCores: number }
  | { readonly kind: "dtu"; readonly level: string };

/** How the Retail Prices API names Azure SQL vCore tiers. */
const SQL_TIERS: Readonly<Record<string, string>> = { GP: "General Purpose", BC: "Business Critical", HS: "Hyperscale" };

/** `GP_S_Gen5_2` (serverless), `GP_Gen5_4` / `BC_Gen5_8` (provisioned), `Basic` / `S1` / `P2` (DTU). */
export function sqlSku(name: string): SqlSku | undefined {
  const v = /^(GP|BC|HS)_(S_)?(Gen\d+|[A-Z]+\w*?)_(\d+)$/.exec(name);
  if (v) return { kind: v[2] ? "serverless" : "provisioned", tier: SQL_TIERS[v[1]!]!, family: v[3]!, vCores: Number(v[4]) };
  if (/^(Basic|S\d+|P\d+)$/.test(name)) return { kind: "dtu", level: name };
  return undefined;
}
