import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AzureDesired } from "../resources/azure-resource.ts";
import { estimate } from "./estimate.ts";
import { shippedPrices } from "./price-table.ts";

const resource = (type: string, name: string, body: Record<string, unknown>, extra: { existing?: boolean } = {}): AzureDesired => ({
  key: `azure/${type}/${name}`,
  provider: "azure",
  origin: ["spec", "azure", ...name.split(".")],
  resource: { type, apiVersion: "x", id: `/x/${name}`, name, body, ...extra },
});
const db = (sku: string, location = "westeurope", maxSizeGB?: number) =>
  resource("Microsoft.Sql/servers/databases", "sql.main.databases.app", { location, sku: { name: sku }, properties: maxSizeGB ? { maxSizeBytes: maxSizeGB * 1024 ** 3 } : {} });
const assumptions = { hoursPerMonth: 730, sqlServerlessActiveHours: 100 };

describe("estimate", () => {
  it("prices serverless SQL on the busy-hours assumption, and its storage at the maximum size", () => {
    const e = estimate("dev", [db("GP_S_Gen5_2", "westeurope", 50)], shippedPrices(), { ...assumptions, sqlServerlessActiveHours: 200 });
    assert.deepEqual(
      e.items.map((i) => [i.part, i.basis, i.hours, i.quantity, i.monthlyCents]),
      [
        ["compute", "assumed", 200, { low: 400, high: 400 }, { low: 23184, high: 23184 }],
        ["storage", "fixed", undefined, { low: 50, high: 50 }, { low: 635, high: 635 }],
      ],
    );
    assert.deepEqual(e.totalCents, { low: 23819, high: 23819 });
  });

  it("prices provisioned vCore SQL with its license, all month", () => {
    const e = estimate("prod", [db("GP_Gen5_2", "eastus")], shippedPrices(), assumptions);
    assert.deepEqual(
      e.items.map((i) => [i.part, i.unitPrice, i.monthlyCents?.low]),
      [
        ["compute", 0.1522, 22221],
        ["SQL license", 0.1, 14600],
        ["storage", 0.115, 368],
      ],
    );
  });

  it("says which price is missing and marks the total incomplete; it does not fail", () => {
    const e = estimate("dev", [db("S1", "westeurope"), db("Hyperscale_X", "westeurope")], shippedPrices(), assumptions);
    assert.equal(e.complete, false);
    assert.deepEqual(
      e.items.map((i) => i.note),
      [
        "no price for S1 DTU (Azure SQL DTU database: S1) in westeurope (table of 2026-11-29); pass --prices",
        "no price for Hyperscale_X in westeurope (table of 2026-11-29); pass --prices",
      ],
    );
    assert.deepEqual(e.totalCents, { low: 0, high: 0 });
  });

  it("leaves existing resources and provider registrations out of the total; an unknown type is incomplete", () => {
    const e = estimate(
      "dev",
      [
        resource("Microsoft.Resources/providers", "Microsoft.Sql", {}),
        resource("Microsoft.ContainerRegistry/registries", "registries.main", { location: "westeurope", sku: { name: "Premium" } }, { existing: true }),
        resource("Microsoft.Cache/redis", "redis.main", { location: "westeurope" }),
      ],
      shippedPrices(),
      assumptions,
    );
    assert.deepEqual(
      e.items.map((i) => [i.resource, i.basis]),
      [
        ["redis.main", "missing"],
        ["registries.main", "existing"],
      ],
    );
    assert.equal(e.items[0]!.note, "berth has no meter for Microsoft.Cache/redis");
    assert.deepEqual(e.totalCents, { low: 0, high: 0 });
  });
});
