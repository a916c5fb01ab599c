/**
 * The Azure price table `berth cost` prices with: the one shipped with berth (azure-prices.json, dated, its source
 * written in it), plus any prices a Retail Prices API export passed with --prices put over it. No network: these two
 * are the only sources, so an estimate says exactly which prices of which date it used.
 */
import { z } from "zod";
import shipped from "./azure-prices.json" with { type: "json" };

/** What a price is per. Retail Prices items are converted to these (retail-export.ts). */
export const PRICE_UNITS = ["hour", "day", "month", "GB-month", "10K operations"] as const;
export type PriceUnit = (typeof PRICE_UNITS)[number];

const Pattern = z.union([z.string(), z.array(z.string()).min(1)]);

const Meter = z.strictObject({
  label: z.string().min(1),
  unit: z.enum(PRICE_UNITS),
  /** The price key of a meter whose Retail Prices items carry no {sku} (one price per region). */
  key: z.string().min(1).optional(),
  /** Field → pattern(s) a Retail Prices item must match to be this meter ('*' any text, '{sku}' the key, '!' not). */
  retail: z.record(z.string(), Pattern),
  /** region ('*': any region without its own) → price key → price per unit in the table's currency. */
  prices: z.record(z.string(), z.record(z.string(), z.number().nonnegative())),
});

export const PriceTableSchema = z.strictObject({
  $comment: z.string().optional(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date such as 2026-11-29"),
  currency: z.string().regex(/^[A-Z]{3}$/),
  hoursPerMonth: z.number().positive(),
  /** A few words printed with the date: how the prices were got ("hand-entered list prices", "Retail Prices API"). */
  origin: z.string().min(1),
  source: z.string().min(1),
  assumptions: z.strictObject({ sqlServerlessActiveHours: z.number().positive() }),
  meters: z.record(z.string(), Meter),
});

export type PriceTable = z.infer<typeof PriceTableSchema>;
export type MeterDef = PriceTable["meters"][string];

/** A price found, and where it came from: the shipped table or the export file that set it. */
export interface FoundPrice {
  readonly price: number;
  /** "table", or the --prices file the price came from. */
  readonly from: string;
}

/** The table to price with: the shipped one, with prices from exports put over it. */
export interface Prices {
  readonly table: PriceTable;
  /** `meter|region|sku` (lower case) → the export file that set that price. */
  readonly imported: ReadonlyMap<string, string>;
  /** Each --prices file and how many of its items set a price. */
  readonly files: readonly { readonly file: string; readonly prices: number }[];
}

/** The shipped table, checked: a hand edit or a regenerated file that breaks its shape fails the tests, not a user. */
export const shippedTable = (): PriceTable => PriceTableSchema.parse(shipped);

export const shippedPrices = (): Prices => ({ table: shippedTable(), imported: new Map(), files: [] });

export const priceKey = (meter: string, region: string, sku: string): string => `${meter}|${region}|${sku}`.toLowerCase();

/** Region names compare as Azure spells them (lower case, no spaces); a global resource's location is `global`. */
const regionKey = (region: string): string => region.toLowerCase().replace(/\s+/g, "");

const findKey = (record: Readonly<Record<string, number>> | undefined, sku: string): string | undefined => {
  if (!record) return undefined;
  if (Object.hasOwn(record, sku)) return sku;
  const lower = sku.toLowerCase();
  return Object.keys(record).find((k) => k.toLowerCase() === lower);
};

/** The price of `sku` on `meter` in `region`, falling back to the meter's any-region ('*') prices. */
export function lookup(prices: Prices, meter: string, region: string, sku: string): FoundPrice | undefined {
  const def = prices.table.meters[meter];
  if (!def) return undefined;
  for (const r of [regionKey(region), "*"]) {
    const byRegion = def.prices[r];
    const key = findKey(byRegion, sku);
    if (key === undefined) continue;
    return { price: byRegion![key]!, from: prices.imported.get(priceKey(meter, r, key)) ?? "table" };
  }
  return undefined;
}

/** The key a price of `sku` has or would have: the table's own spelling of the sku when it has one. */
export function keyIn(table: PriceTable, meter: string, region: string, sku: string): string {
  const r = regionKey(region);
  return priceKey(meter, r, findKey(table.meters[meter]!.prices[r], sku) ?? sku);
}

/** Sets one price (an export's), replacing the table's under the same key whatever its case. */
export function setPrice(table: PriceTable, meter: string, region: string, sku: string, price: number): void {
  const byRegion = (table.meters[meter]!.prices[regionKey(region)] ??= {});
  byRegion[findKey(byRegion, sku) ?? sku] = price;
}

/** A deep copy, so imports never change the shipped table other code holds. */
export const copyTable = (table: PriceTable): PriceTable => structuredClone(table);
