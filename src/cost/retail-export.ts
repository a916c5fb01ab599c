/**
 * Azure Retail Prices API exports (https://prices.azure.com/api/retail/prices): the JSON the API returns — one page
 * `{ BillingCurrency, Items: [...], NextPageLink, Count }`, a list of pages, a list of items, or pages written one
 * after another — turned into prices over the table. Each meter of the table says which items are it (`retail`
 * patterns); an item's `unitOfMeasure` ("1 Hour", "1/Day", "1 GB/Month", "10K") is converted to the meter's unit.
 * Also used by scripts/refresh-prices.ts, so the shipped table and --prices read the API the same way.
 */
import type { Diagnostic, SourceLocation } from "../diagnostics/diagnostic.ts";
import { jsonErrorAt } from "../util/json-error-at.ts";
import { copyTable, keyIn, type MeterDef, type PriceTable, type PriceUnit, type Prices, setPrice } from "./price-table.ts";

/** The fields of a Retail Prices item berth reads; the API sends more (meterId, skuId, effectiveStartDate, …). */
export interface RetailItem {
  readonly currencyCode?: string;
  readonly retailPrice?: number;
  readonly unitPrice?: number;
  readonly armRegionName?: string;
  readonly location?: string;
  readonly meterName?: string;
  readonly productName?: string;
  readonly skuName?: string;
  readonly armSkuName?: string;
  readonly serviceName?: string;
  readonly unitOfMeasure?: string;
  readonly type?: string;
  readonly tierMinimumUnits?: number;
  readonly isPrimaryMeterRegion?: boolean;
  readonly [field: string]: unknown;
}

export interface ParsedExport {
  readonly items: RetailItem[];
  readonly currency?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isItem = (v: unknown): v is RetailItem =>
  isRecord(v) && (typeof v.retailPrice === "number" || typeof v.unitPrice === "number") && typeof v.unitOfMeasure === "string" && typeof v.serviceName === "string";

/** Where offset `at` of `text` is, 1-based, as diagnostics locate. */
function locate(file: string, text: string, at: number): SourceLocation {
  const before = text.slice(0, Math.max(0, Math.min(at, text.length)));
  const line = before.split("\n").length;
  return { file, line, col: at - before.lastIndexOf("\n") };
}

/**
 * Splits JSON documents written one after another (`cat page1.json page2.json`) at their top-level ends; a text that
 * is not such a sequence comes back whole, so JSON.parse reports its error where it is.
 */
function documents(text: string): { text: string; at: number }[] {
  const docs: { text: string; at: number }[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{" || c === "[") {
      if (depth++ === 0) start = i;
    } else if (c === "}" || c === "]") {
      if (--depth === 0 && start >= 0) {
        docs.push({ text: text.slice(start, i + 1), at: start });
        start = -1;
      }
      if (depth < 0) return [{ text, at: 0 }];
    } else if (depth === 0 && !/\s/.test(c)) return [{ text, at: 0 }];
  }
  return depth === 0 && docs.length ? docs : [{ text, at: 0 }];
}

/** A problem with a --prices file as a whole: located at its first line. */
export const pricesFileProblem = (file: string, code: string, message: string, hint: string, severity: Diagnostic["severity"] = "error"): Diagnostic => ({ severity, code, path: "--prices", location: { file, line: 1, col: 1 }, message, hint });

const SHAPE_HINT = "pass what https://prices.azure.com/api/retail/prices returns: a page { BillingCurrency, Items: [...] }, a list of pages, or a list of items";

/** The items of an export, or the diagnostics that say why the text is not one. */
export function parseExport(raw: string, file: string): { export?: ParsedExport; diagnostics: Diagnostic[] } {
  // A byte order mark (editors on Windows write one) is not JSON, but is not the user's mistake either.
  const text = raw.replace(/^\uFEFF/, "");
  const values: unknown[] = [];
  for (const doc of documents(text)) {
    try {
      values.push(JSON.parse(doc.text));
    } catch (error) {
      // V8's message quotes the text around the error for some errors; the location says where, so leave it out.
      const message = (error as Error).message.replace(/ in JSON at position \d+.*$/s, "").replace(/, .*is not valid JSON$/s, "");
      const at = doc.at + (jsonErrorAt(doc.text) ?? 0);
      return { diagnostics: [{ severity: "error", code: "COST-PRICES-JSON", path: "--prices", location: locate(file, text, at), message: `not JSON: ${message}`, hint: SHAPE_HINT }] };
    }
  }
  const pages = values.flatMap((v) => (Array.isArray(v) ? v : [v]));
  const items: RetailItem[] = [];
  const currencies = new Set<string>();
  let bad = 0;
  for (const page of pages) {
    if (isRecord(page) && Array.isArray(page.Items)) {
      if (typeof page.BillingCurrency === "string") currencies.add(page.BillingCurrency);
      for (const item of page.Items) isItem(item) ? items.push(item) : bad++;
    } else if (isItem(page)) items.push(page);
    else bad++;
  }
  for (const item of items) if (typeof item.currencyCode === "string") currencies.add(item.currencyCode);
  if (!items.length)
    return {
      diagnostics: [pricesFileProblem(file, "COST-PRICES-SHAPE", bad ? `no Retail Prices item in it: ${bad} value(s) without retailPrice, unitOfMeasure and serviceName` : "no Retail Prices item in it (Items is empty)", SHAPE_HINT)],
    };
  if (currencies.size > 1)
    return { diagnostics: [pricesFileProblem(file, "COST-PRICES-CURRENCY", `prices in several currencies (${[...currencies].sort().join(", ")})`, "export one currency (currencyCode='USD' in the API query)")] };
  const [currency] = currencies;
  return { export: { items, ...(currency ? { currency } : {}) }, diagnostics: [] };
}

// ---- which meter an item is ----

const escape = (s: string) => s.replace(/[.+?^$()|[\]\\]/g, "\\$&");

/** A retail pattern as an anchored, case-insensitive regex; `{sku}` is its one capture. */
function patternRegex(pattern: string): RegExp {
  const source = pattern
    .split("{sku}")
    .map((part) => part.split("*").map(escape).join(".*"))
    .join("(.+?)");
  return new RegExp(`^${source}$`, "i");
}

/** The price key an item has on a meter (its {sku}, or the meter's key), or undefined when it is not that meter. */
export function matchMeter(def: MeterDef, item: RetailItem): string | undefined {
  let sku: string | undefined;
  for (const [field, given] of Object.entries(def.retail)) {
    const raw = item[field];
    const value = typeof raw === "string" ? raw : "";
    for (const pattern of Array.isArray(given) ? given : [given]) {
      if (pattern.startsWith("!")) {
        if (patternRegex(pattern.slice(1)).test(value)) return undefined;
        continue;
      }
      const m = patternRegex(pattern).exec(value);
      if (!m) return undefined;
      if (m[1] !== undefined) {
        if (sku !== undefined && sku.toLowerCase() !== m[1].toLowerCase()) return undefined;
        sku = m[1];
      }
    }
  }
  return sku ?? def.key;
}

/** The words of each unit as the API writes them after the count ("1 Hour", "100 Hours", "1/Day", "1 GB/Month", "10K"). */
const UNIT_WORDS: Readonly<Record<PriceUnit, { readonly words: RegExp; readonly size: number }>> = {
  hour: { words: /^\/?\s*hours?$/i, size: 1 },
  day: { words: /^\/?\s*days?$/i, size: 1 },
  month: { words: /^\/?\s*months?$/i, size: 1 },
  "GB-month": { words: /^\/?\s*gi?b\s*\/\s*month$/i, size: 1 },
  "10K operations": { words: /^(\/?\s*(transactions?|operations?))?$/i, size: 10_000 },
};

/** The item's price per one `unit` of the table, or undefined when its unit of measure is another kind. */
export function perUnit(item: RetailItem, unit: PriceUnit): number | undefined {
  const m = /^\s*([\d.,]+)\s*([KM]?)\s*(.*?)\s*$/i.exec(item.unitOfMeasure ?? "");
  if (!m) return undefined;
  const count = Number(m[1]!.replace(/,/g, "")) * (m[2]?.toUpperCase() === "K" ? 1_000 : m[2]?.toUpperCase() === "M" ? 1_000_000 : 1);
  const { words, size } = UNIT_WORDS[unit];
  if (!(count > 0) || !words.test(m[3]!)) return undefined;
  const price = item.retailPrice ?? item.unitPrice!;
  // Rounded far below a cent, so 0.3 per 100K is 0.03 per 10K and not 0.030000000000000002.
  return Math.round((price / count) * size * 1e10) / 1e10;
}

/**
 * Whether an item is a list price berth can use: pay-as-you-go (not dev/test, reservation or savings plan), the
 * first tier of tiered meters, and its primary region (the API repeats some meters under other regions).
 */
const usable = (item: RetailItem): boolean =>
  (item.type === undefined || item.type === "Consumption") && !(Number(item.tierMinimumUnits ?? 0) > 0) && item.isPrimaryMeterRegion !== false;

export interface ImportResult {
  readonly table: PriceTable;
  /** price key → file, for every price an item set. */
  readonly set: Map<string, string>;
  /** Items that set a price. */
  readonly matched: number;
}

/**
 * Puts the prices of `items` over a copy of `table`. The first usable item for a meter, region and key wins, so an
 * export listing two meters for one thing (the API does, e.g. for AKS tiers) prices it the same every time.
 */
export function importItems(table: PriceTable, items: readonly RetailItem[], file: string): ImportResult {
  const out = copyTable(table);
  const set = new Map<string, string>();
  let matched = 0;
  for (const item of items) {
    if (!usable(item)) continue;
    let used = false;
    for (const [meter, def] of Object.entries(table.meters)) {
      const sku = matchMeter(def, item);
      if (sku === undefined) continue;
      const price = perUnit(item, def.unit);
      if (price === undefined) continue;
      // An item of no region (or "Global") is the price everywhere: the table's '*'.
      const region = !item.armRegionName || /^global$/i.test(item.armRegionName) ? "*" : item.armRegionName;
      const key = keyIn(out, meter, region, sku);
      if (set.has(key)) continue;
      setPrice(out, meter, region, sku, price);
      set.set(key, file);
      used = true;
    }
    if (used) matched++;
  }
  return { table: out, set, matched };
}

/** Prices with an export put over them; the export must be in the table's currency. */
export function withExport(prices: Prices, parsed: ParsedExport, file: string): { prices?: Prices; diagnostics: Diagnostic[] } {
  if (parsed.currency && parsed.currency !== prices.table.currency)
    return {
      diagnostics: [
        pricesFileProblem(file, "COST-PRICES-CURRENCY", `prices in ${parsed.currency}, berth's table is in ${prices.table.currency}`, `export ${prices.table.currency} prices (currencyCode='${prices.table.currency}' in the API query), so one estimate has one currency`),
      ],
    };
  const result = importItems(prices.table, parsed.items, file);
  const diagnostics: Diagnostic[] = result.matched
    ? []
    : [
        pricesFileProblem(
          file,
          "COST-PRICES-UNUSED",
          `none of its ${parsed.items.length} item(s) is a price berth uses (pay-as-you-go prices of the services in src/cost/azure-prices.json)`,
          "query the services the plan uses, e.g. serviceName eq 'Virtual Machines' and armRegionName eq 'westeurope' and priceType eq 'Consumption'",
          "warning",
        ),
      ];
  return {
    prices: { table: result.table, imported: new Map([...prices.imported, ...result.set]), files: [...prices.files, { file, prices: result.set.size }] },
    diagnostics,
  };
}
