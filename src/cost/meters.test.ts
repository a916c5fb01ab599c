import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AZURE_TYPES } from "../resources/azure-types.ts";
import { BILLING } from "./meters.ts";
import { shippedTable } from "./price-table.ts";
import { sqlSku, vmSeries } from "./sku-names.ts";

describe("meters", () => {
  it("has a row for every ARM type berth creates, so none is silently $0", () => {
    for (const type of Object.keys(AZURE_TYPES)) assert.ok(BILLING[type], `no billing row for ${type}`);
  });

  it("uses only meters the price table has", () => {
    const table = shippedTable();
    const probes: Record<string, Record<string, unknown>> = {
      "Microsoft.ContainerService/managedClusters": { sku: { tier: "Standard" }, properties: { agentPoolProfiles: [{ name: "a", vmSize: "Standard_D4s_v5", count: 1 }] } },
      "Microsoft.DBforPostgreSQL/flexibleServers": { sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" }, properties: { storage: { storageSizeGB: 64 } } },
      "Microsoft.Sql/servers/databases": { sku: { name: "BC_Gen5_4" } },
    };
    for (const [type, billingOf] of Object.entries(BILLING)) {
      const billing = billingOf({ type, apiVersion: "x", id: "/x", name: "x", body: probes[type] ?? {} });
      if (billing.kind !== "metered") continue;
      for (const use of billing.uses) if (use.meter) assert.ok(table.meters[use.meter], `${type}: meter ${use.meter} is not in the table`);
    }
  });
});

describe("SKU names", () => {
  it("give the VM series and vCores PostgreSQL compute is priced by", () => {
    assert.deepEqual(vmSeries("Standard_D4ds_v5"), { series: "Ddsv5", vCores: 4 });
    assert.deepEqual(vmSeries("Standard_E16s_v3"), { series: "Esv3", vCores: 16 });
    assert.equal(vmSeries("Standard_B1ms"), undefined);
  });

  it("tell serverless, provisioned and DTU Azure SQL apart", () => {
    assert.deepEqual(sqlSku("GP_S_Gen5_2"), { kind: "serverless", tier: "General Purpose", family: "Gen5", vCores: 2 });
    assert.deepEqual(sqlSku("BC_Gen5_8"), { kind: "provisioned", tier: "Business Critical", family: "Gen5", vCores: 8 });
    assert.deepEqual(sqlSku("S1"), { kind: "dtu", level: "S1" });
    assert.equal(sqlSku("ElasticPool"), undefined);
  });
});
