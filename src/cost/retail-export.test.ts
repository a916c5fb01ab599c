import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lookup, shippedPrices, shippedTable } from "./price-table.ts";
import { importItems, matchMeter, parseExport, perUnit, type RetailItem, withExport } from "./retail-export.ts";

const table = shippedTable();
const vm = (over: Partial<RetailItem> = {}): RetailItem => ({
  currencyCode: "USD",
  retailPrice: 0.3,
  unitPrice: 0.3,
  armRegionName: "northeurope",
  meterName: "D4s v5",
  productName: "Virtual Machines Dsv5 Series",
  skuName: "D4s v5",
  armSkuName: "Standard_D4s_v5",
  serviceName: "Virtual Machines",
  unitOfMeasure: "1 Hour",
  type: "Consumption",
  isPrimaryMeterRegion: true,
  ...over,
});

describe("the shipped price table", () => {
  it("has its date, currency and source, and prices in westeurope", () => {
    assert.match(table.date, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(table.currency, "USD");
    assert.match(table.source, /hand-entered/);
    assert.equal(lookup(shippedPrices(), "vm", "westeurope", "Standard_D4s_v5")?.price, 0.23);
  });

  it("looks a price up whatever the case of its key, falling back to the any-region price", () => {
    const prices = shippedPrices();
    assert.equal(lookup(prices, "postgres-burstable", "westeurope", "B1MS")?.price, 0.019);
    assert.deepEqual(lookup(prices, "private-dns-zone", "global", "zone"), { price: 0.5, from: "table" });
    assert.equal(lookup(prices, "vm", "westeurope", "Standard_NC6s_v3"), undefined);
  });
});

describe("Retail Prices items", () => {
  it("are a meter when every pattern holds; {sku} is the key, '!' excludes Windows, Spot and Low Priority", () => {
    const def = table.meters.vm!;
    assert.equal(matchMeter(def, vm()), "Standard_D4s_v5");
    assert.equal(matchMeter(def, vm({ productName: "Virtual Machines Dsv5 Series Windows" })), undefined);
    assert.equal(matchMeter(def, vm({ meterName: "D4s v5 Spot" })), undefined);
    assert.equal(matchMeter(def, vm({ meterName: "D4s v5 Low Priority" })), undefined);
    assert.equal(matchMeter(table.meters["postgres-vcore"]!, { serviceName: "Azure Database for PostgreSQL", productName: "Azure Database for PostgreSQL Flexible Server General Purpose Ddsv5 Series Compute", meterName: "vCore" }), "General Purpose Ddsv5");
    assert.equal(matchMeter(table.meters["private-dns-zone"]!, { serviceName: "Azure DNS", meterName: "Private Zone" }), "zone", "a meter without {sku} uses its key");
  });

  it("convert their unit of measure to the meter's unit, and refuse another kind of unit", () => {
    assert.equal(perUnit(vm({ retailPrice: 23, unitOfMeasure: "100 Hours" }), "hour"), 0.23);
    assert.equal(perUnit(vm({ retailPrice: 0.1667, unitOfMeasure: "1/Day" }), "day"), 0.1667);
    assert.equal(perUnit(vm({ retailPrice: 0.03, unitOfMeasure: "10K" }), "10K operations"), 0.03);
    assert.equal(perUnit(vm({ retailPrice: 0.3, unitOfMeasure: "100K" }), "10K operations"), 0.03);
    assert.equal(perUnit(vm({ retailPrice: 0.127, unitOfMeasure: "1 GB/Month" }), "GB-month"), 0.127);
    assert.equal(perUnit(vm({ unitOfMeasure: "1 GB/Month" }), "hour"), undefined);
  });

  it("set prices over a copy of the table: pay-as-you-go, first tier, primary region, first item wins", () => {
    const items = [vm(), vm({ retailPrice: 0.9 }), vm({ retailPrice: 0.1, type: "DevTestConsumption" }), vm({ armSkuName: "Standard_D8s_v5", retailPrice: 0.1, tierMinimumUnits: 100 }), vm({ armSkuName: "Standard_D2s_v5", isPrimaryMeterRegion: false })];
    const result = importItems(table, items, "x.json");
    assert.equal(result.matched, 1);
    assert.equal(result.table.meters.vm!.prices.northeurope!.Standard_D4s_v5, 0.3);
    assert.deepEqual(Object.keys(result.table.meters.vm!.prices.northeurope!), ["Standard_D4s_v5"]);
    assert.equal(table.meters.vm!.prices.northeurope, undefined, "the shipped table is not changed");
  });
});

describe("an export file", () => {
  it("is one page, a list of pages, a list of items, or pages one after another", () => {
    const page = (price: number) => JSON.stringify({ BillingCurrency: "USD", Items: [vm({ retailPrice: price })], NextPageLink: null, Count: 1 });
    for (const text of [page(1), `[${page(1)},${page(2)}]`, JSON.stringify([vm(), vm()]), `${page(1)}\n${page(2)}\n`]) {
      const parsed = parseExport(text, "f.json");
      assert.deepEqual(parsed.diagnostics, []);
      assert.ok(parsed.export!.items.length >= 1, text);
    }
    assert.equal(parseExport(`\uFEFF${page(1)}`, "f.json").export?.currency, "USD", "a byte order mark is not an error");
  });

  it("is refused, located, when it is not JSON, has no items or mixes currencies", () => {
    assert.deepEqual(parseExport('[\n  {"Items": [}\n]', "f.json").diagnostics.map((d) => [d.code, d.location]), [["COST-PRICES-JSON", { file: "f.json", line: 2, col: 14 }]]);
    assert.equal(parseExport('{"Items": []}', "f.json").diagnostics[0]?.code, "COST-PRICES-SHAPE");
    assert.equal(parseExport(JSON.stringify([vm(), vm({ currencyCode: "EUR" })]), "f.json").diagnostics[0]?.code, "COST-PRICES-CURRENCY");
  });

  it("in another currency than the table's is refused; one matching nothing is a warning", () => {
    assert.equal(withExport(shippedPrices(), { items: [vm()], currency: "EUR" }, "f.json").diagnostics[0]?.code, "COST-PRICES-CURRENCY");
    const unused = withExport(shippedPrices(), { items: [vm({ serviceName: "Cognitive Services" })], currency: "USD" }, "f.json");
    assert.deepEqual(unused.diagnostics.map((d) => [d.severity, d.code]), [["warning", "COST-PRICES-UNUSED"]]);
    assert.ok(unused.prices);
  });
});
