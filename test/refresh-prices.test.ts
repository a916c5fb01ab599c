/** scripts/refresh-prices.ts without network: the queries it would send, and the table it writes from an export. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { filtersFor, refreshed } from "../scripts/refresh-prices.ts";
import { PriceTableSchema, shippedTable } from "../src/cost/price-table.ts";
import { parseExport } from "../src/cost/retail-export.ts";

const FIXTURE = "test/acceptance/cost/retail-export.json";

it("asks the API only for the table's meters, one query per region and known SKU where the SKU is a whole field", () => {
  const table = shippedTable();
  const vm = filtersFor(table, "vm", "westeurope");
  assert.ok(vm.includes("armRegionName eq 'westeurope' and priceType eq 'Consumption' and serviceName eq 'Virtual Machines' and armSkuName eq 'Standard_D4s_v5'"), vm.join("\n"));
  assert.deepEqual(filtersFor(table, "private-endpoint", undefined), ["priceType eq 'Consumption' and serviceName eq 'Virtual Network' and meterName eq 'Standard Private Endpoint'"]);
});

it("writes a valid table dated today with the export's prices, and lists the prices it kept", () => {
  const items = parseExport(readFileSync(FIXTURE, "utf8"), FIXTURE).export!.items;
  const { table, kept } = refreshed(shippedTable(), items, "2027-01-15", ["westeurope", "eastus"], FIXTURE);
  PriceTableSchema.parse(table);
  assert.equal(table.date, "2027-01-15");
  assert.equal(table.origin, "Azure Retail Prices export");
  assert.equal(table.meters.vm!.prices.westeurope!.Standard_D4s_v5, 0.25);
  assert.equal(table.meters.registry!.prices.westeurope!.Basic, 0.18);
  assert.ok(kept.includes("vm eastus Standard_D4s_v5") && !kept.includes("vm westeurope Standard_D4s_v5"));
  assert.ok(!kept.includes("registry * Basic"), "an any-region price the answer has for a region is refreshed");
  assert.match(table.source, /read 2027-01-15 for westeurope, eastus/);
});
