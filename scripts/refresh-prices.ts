/**
 * Regenerates berth's shipped price table (src/cost/azure-prices.json) from the Azure Retail Prices API. A maintainer
 * runs it WITH network; berth itself never fetches prices (`berth cost --prices FILE` reads an export instead).
 *
 *   npx tsx scripts/refresh-prices.ts                      # the regions already in the table
 *   npx tsx scripts/refresh-prices.ts --region northeurope  # add a region (repeatable)
 *   npx tsx scripts/refresh-prices.ts --from export.json    # no network: an export saved earlier (repeatable)
 *   npx tsx scripts/refresh-prices.ts --out /tmp/prices.json
 *
 * It asks the API only for the meters of the table (their `retail` patterns: exact fields become `eq` filters, one
 * query per region and known SKU where the SKU is a whole field), reads them with the same matcher `--prices` uses
 * (src/cost/retail-export.ts), and writes the table with today's date. A price the API did not return is kept and
 * listed, so a renamed meter is seen rather than silently dropped. Review the diff like code before committing.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { keyIn, type PriceTable, PriceTableSchema, shippedTable } from "../src/cost/price-table.ts";
import { importItems, parseExport, type RetailItem } from "../src/cost/retail-export.ts";

const API = "https://prices.azure.com/api/retail/prices";
const TABLE_FILE = join(fileURLToPath(new URL(".", import.meta.url)), "..", "src", "cost", "azure-prices.json");

const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;
const exact = (pattern: string) => !/[*!]/.test(pattern);

/**
 * The OData filters that fetch a meter's items in a region (undefined: in any region), one per known SKU where the
 * SKU is a whole field.
 */
export function filtersFor(table: PriceTable, meter: string, region: string | undefined): string[] {
  const def = table.meters[meter]!;
  const fixed: string[] = [...(region ? [`armRegionName eq ${quote(region)}`] : []), "priceType eq 'Consumption'"];
  let skuField: [string, string] | undefined;
  for (const [field, given] of Object.entries(def.retail)) {
    if (Array.isArray(given) || !exact(given)) continue;
    if (given.includes("{sku}")) skuField = [field, given];
    else fixed.push(`${field} eq ${quote(given)}`);
  }
  if (!skuField) return [fixed.join(" and ")];
  const skus = new Set(Object.values(def.prices).flatMap((byRegion) => Object.keys(byRegion)));
  return [...skus].sort().map((sku) => [...fixed, `${skuField![0]} eq ${quote(skuField![1].replace("{sku}", sku))}`].join(" and "));
}

async function fetchAll(filter: string): Promise<RetailItem[]> {
  const items: RetailItem[] = [];
  // 2021-10-01-preview compares filter values ignoring case (2023-01-01-preview does not: B1ms vs B1MS).
  let url: string | null = `${API}?api-version=2021-10-01-preview&$filter=${encodeURIComponent(filter)}`;
  for (let attempt = 0; url; ) {
    const response = await fetch(url);
    if (response.status === 429 && attempt < 5) {
      // The API throttles bursts; Retry-After says how long, else back off.
      await new Promise((r) => setTimeout(r, Number(response.headers.get("retry-after") ?? 2 ** attempt) * 1000));
      attempt++;
      continue;
    }
    if (!response.ok) throw new Error(`${response.status} ${response.statusText} for ${filter}`);
    const page = (await response.json()) as { Items: RetailItem[]; NextPageLink: string | null };
    items.push(...page.Items);
    url = page.NextPageLink;
    attempt = 0;
  }
  return items;
}

/** The table with the items' prices, dated `date`, and the prices the items did not have (kept as they were). */
export function refreshed(table: PriceTable, items: readonly RetailItem[], date: string, regions: readonly string[], from: string): { table: PriceTable; kept: string[] } {
  const result = importItems(table, items, from);
  const kept: string[] = [];
  for (const [meter, def] of Object.entries(table.meters))
    for (const [region, byRegion] of Object.entries(def.prices))
      for (const sku of Object.keys(byRegion)) {
        const inAnswer = [region, ...(region === "*" ? regions : [])].some((r) => result.set.has(keyIn(table, meter, r, sku)));
        if (!inAnswer) kept.push(`${meter} ${region} ${sku}`);
      }
  const out: PriceTable = {
    ...result.table,
    date,
    origin: from === API ? "Azure Retail Prices API" : `Azure Retail Prices export`,
    source: `${from === API ? API : `export ${from}`} (pay-as-you-go, ${table.currency}), read ${date} for ${regions.join(", ")} by scripts/refresh-prices.ts; ${kept.length} price(s) not in the answer kept from the table of ${table.date}`,
  };
  return { table: PriceTableSchema.parse(out), kept };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { region: { type: "string", multiple: true }, from: { type: "string", multiple: true }, out: { type: "string" } } });
  const table = shippedTable();
  const regions = values.region?.length ? values.region : [...new Set(Object.values(table.meters).flatMap((m) => Object.keys(m.prices)))].filter((r) => r !== "*").sort();
  const items: RetailItem[] = [];
  if (values.from?.length) {
    for (const file of values.from) {
      const parsed = parseExport(readFileSync(file, "utf8"), file);
      if (!parsed.export) throw new Error(parsed.diagnostics.map((d) => `${file}: ${d.message}`).join("\n"));
      items.push(...parsed.export.items);
    }
  } else {
    for (const [meter, def] of Object.entries(table.meters)) {
      for (const region of regions)
        for (const filter of filtersFor(table, meter, region)) {
          const got = await fetchAll(filter);
          console.error(`${meter} ${region}: ${got.length} item(s) for ${filter}`);
          items.push(...got);
        }
      // A price the table has for any region ('*', e.g. private DNS zones) may be one the API lists without a region.
      if (Object.hasOwn(def.prices, "*"))
        for (const filter of filtersFor(table, meter, undefined)) {
          const got = (await fetchAll(filter)).filter((i) => !i.armRegionName || /^global$/i.test(i.armRegionName));
          console.error(`${meter} (no region): ${got.length} item(s) for ${filter}`);
          items.push(...got);
        }
    }
  }
  const date = new Date().toISOString().slice(0, 10);
  const { table: out, kept } = refreshed(table, items, date, regions, values.from?.join(", ") ?? API);
  writeFileSync(values.out ?? TABLE_FILE, `${JSON.stringify(out, null, 2)}\n`);
  console.error(`wrote ${values.out ?? TABLE_FILE} (${date})`);
  if (kept.length) console.error(`kept from the table of ${table.date} (not in the answer; check the meter's retail patterns):\n  ${kept.join("\n  ")}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
