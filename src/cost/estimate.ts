/**
 * The monthly estimate of one environment: each Azure resource of its plan, the meters it uses (meters.ts) priced
 * from the table (price-table.ts), and the total. Amounts are whole cents, rounded per line, so the total is the sum
 * of the lines as shown. Autoscaled pools make a line, and then the total, a range (low: minimum nodes, high:
 * maximum). A price the table lacks makes the line and the total incomplete, never a failure.
 */
import type { AzureDesired } from "../resources/azure-resource.ts";
import { billingOf, type MeterUse, type Range } from "./meters.ts";
import { lookup, type PriceUnit, type Prices } from "./price-table.ts";

export type { Range } from "./meters.ts";

export interface Assumptions {
  readonly hoursPerMonth: number;
  /** Hours a month a serverless SQL database is assumed to run at its maximum vCores (auto-paused the rest). */
  readonly sqlServerlessActiveHours: number;
}

/**
 * fixed: runs all month · autoscaled: a range of nodes · assumed: priced on a stated usage assumption · usage: only
 * billed by use (shown as $0) · free: no charge · existing: not berth's to create, so not in the total · missing: no
 * price in the table (or no meter for the type).
 */
export type Basis = "fixed" | "autoscaled" | "assumed" | "usage" | "free" | "existing" | "missing";

export interface CostItem {
  /** The spec path that asked for the resource, without `spec.azure.` (`aks.main`, `sql.merge.databases.merge_db`). */
  readonly resource: string;
  readonly part?: string;
  readonly type: string;
  /** The Azure name. */
  readonly name: string;
  readonly location?: string;
  readonly basis: Basis;
  /** What the SKU / size column says. */
  readonly sku?: string;
  readonly meter?: string;
  readonly count?: Range;
  readonly countUnit?: string;
  /** Hours a month each counted thing runs, for hourly prices: all month, or an assumption (serverless SQL). */
  readonly hours?: number;
  /** Billed units a month (hours, days, GB-months): monthly = quantity × unitPrice. */
  readonly quantity?: Range;
  readonly unit?: PriceUnit;
  readonly unitPrice?: number;
  /** "table", or the --prices file the price came from. */
  readonly priceFrom?: string;
  /** Whole cents; absent when there is no price. */
  readonly monthlyCents?: Range;
  /** Why there is no price, what a usage-only line is billed by, what a free resource is. */
  readonly note?: string;
}

export interface EnvEstimate {
  readonly env: string;
  readonly items: readonly CostItem[];
  readonly totalCents: Range;
  /** Every billed line has a price. */
  readonly complete: boolean;
}

/** Estimates of one or more environments of a platform, with the prices and assumptions they used. */
export interface CostReport {
  readonly platform: string;
  readonly prices: Prices;
  readonly assumptions: Assumptions;
  readonly estimates: readonly EnvEstimate[];
}

const labelOf = (origin: readonly (string | number)[]): string => {
  const path = origin[0] === "spec" ? origin.slice(1) : origin;
  return (path[0] === "azure" ? path.slice(1) : path).join(".") || "azure";
};

/** Billed units a month of one counted thing, per unit of price. */
function unitsPerMonth(unit: PriceUnit, hours: number): number {
  const PER: Readonly<Record<PriceUnit, number>> = { hour: hours, day: hours / 24, month: 1, "GB-month": 1, "10K operations": 0 };
  return PER[unit];
}

const cents = (quantity: number, price: number): number => Math.round(quantity * price * 100 + 1e-9);

function priced(given: Omit<CostItem, "basis">, use: MeterUse, prices: Prices, assumptions: Assumptions): CostItem {
  let base = given;
  const region = base.location ?? "global";
  if (!use.meter) return { ...base, basis: "usage", monthlyCents: { low: 0, high: 0 }, note: `usage-based: ${use.usage}` };
  const def = prices.table.meters[use.meter];
  if (!def) return { ...base, basis: "missing", note: `berth's table has no meter ${use.meter}` };
  const hours = use.hours === "serverless" ? assumptions.sqlServerlessActiveHours : assumptions.hoursPerMonth;
  const per = use.usage ? 0 : unitsPerMonth(def.unit, hours);
  const quantity = { low: use.count.low * per, high: use.count.high * per };
  if (def.unit === "hour" && !use.usage) base = { ...base, hours };
  const found = lookup(prices, use.meter, region, use.sku);
  if (!found) {
    // The SKU as the spec wrote it, and the price key when that is another name (what an export must contain).
    const what = use.sku === use.shown ? use.sku : `${use.shown} (${def.label}: ${use.sku})`;
    return { ...base, basis: "missing", unit: def.unit, quantity, note: `no price for ${what} in ${region} (table of ${prices.table.date}); pass --prices` };
  }
  const withPrice = { ...base, unit: def.unit, unitPrice: found.price, priceFrom: found.from, quantity };
  if (use.usage) return { ...withPrice, basis: "usage", monthlyCents: { low: 0, high: 0 }, note: `usage-based: ${use.usage}` };
  const basis: Basis = use.hours ? "assumed" : use.count.low !== use.count.high ? "autoscaled" : "fixed";
  return { ...withPrice, basis, monthlyCents: { low: cents(quantity.low, found.price), high: cents(quantity.high, found.price) } };
}

export function estimate(env: string, azure: readonly AzureDesired[], prices: Prices, assumptions: Assumptions): EnvEstimate {
  const items: CostItem[] = [];
  for (const desired of azure) {
    const r = desired.resource;
    const location = typeof r.body.location === "string" ? r.body.location : undefined;
    const base = { resource: labelOf(desired.origin), type: r.type, name: r.name, ...(location ? { location } : {}) };
    const billing = billingOf(r);
    if (billing?.kind === "skip") continue;
    if (r.existing) {
      items.push({ ...base, basis: "existing", note: "existing: read, not created by berth" });
      continue;
    }
    if (!billing) {
      items.push({ ...base, basis: "missing", note: `berth has no meter for ${r.type}` });
      continue;
    }
    if (billing.kind === "free") {
      items.push({ ...base, basis: "free", monthlyCents: { low: 0, high: 0 }, note: billing.what });
      continue;
    }
    for (const use of billing.uses)
      items.push(priced({ ...base, ...(use.part ? { part: use.part } : {}), sku: use.shown, ...(use.meter ? { meter: use.meter } : {}), count: use.count, countUnit: use.countUnit }, use, prices, assumptions));
  }
  // By resource, so a resource's lines stay together whatever order synth made them in (stable: parts keep theirs).
  items.sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
  const totalCents = { low: 0, high: 0 };
  for (const item of items) {
    if (item.basis === "existing" || !item.monthlyCents) continue;
    totalCents.low += item.monthlyCents.low;
    totalCents.high += item.monthlyCents.high;
  }
  return { env, items, totalCents, complete: !items.some((i) => i.basis === "missing") };
}
