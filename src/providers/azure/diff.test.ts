import assert from "node:assert/strict";
import { test } from "node:test";
import { armChanges } from "./diff.ts";

test("what ARM adds or rewrites is no change: ids, etags, systemData, provisioningState, canonical locations, id case, defaults", () => {
  const desired = {
    location: "West Europe",
    tags: { team: "data" },
    properties: {
      addressSpace: { addressPrefixes: ["10.0.0.0/16", "10.1.0.0/16"] },
      subnets: [{ name: "aks", properties: { addressPrefix: "10.0.0.0/22", routeTable: { id: "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Network/routeTables/rt" } } }],
      administratorLoginPassword: "never-returned",
      port: "5432",
    },
  };
  const live = {
    id: "/subscriptions/S/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet",
    name: "vnet",
    etag: 'W/"3"',
    systemData: { createdBy: "x" },
    location: "westeurope",
    tags: { team: "data", "berth.instance": "p.e", costCenter: "added by policy" },
    properties: {
      provisioningState: "Succeeded",
      resourceGuid: "guid",
      enableDdosProtection: false,
      addressSpace: { addressPrefixes: ["10.1.0.0/16", "10.0.0.0/16"] },
      subnets: [{ name: "aks", id: "/subscriptions/S/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aks", etag: "e", properties: { addressPrefix: "10.0.0.0/22", provisioningState: "Succeeded", routeTable: { id: "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/routetables/rt" } } }],
      port: 5432,
    },
  };
  assert.deepEqual(armChanges(desired, live, { writeOnly: ["properties.administratorLoginPassword"] }), []);
  assert.equal(armChanges(desired, live).length, 1, "without the write-only rule the password would count");
});

test("real changes are named by field: a value, an added or removed list member, a changed list", () => {
  const live = { location: "westeurope", properties: { sku: { name: "B1ms" }, subnets: [{ name: "a", properties: {} }, { name: "b", properties: {} }], prefixes: ["10.0.0.0/16"] } };
  const changes = armChanges({ location: "northeurope", properties: { sku: { name: "D2s" }, subnets: [{ name: "a", properties: {} }, { name: "c", properties: {} }], prefixes: ["10.0.0.0/16", "10.2.0.0/16"] } }, live);
  assert.deepEqual(
    changes.map((c) => c.field),
    ["location", "properties.sku.name", "properties.subnets[c]", "properties.subnets[b]", "properties.prefixes"],
  );
  assert.deepEqual(changes[1], { field: "properties.sku.name", from: "B1ms", to: "D2s" });
  assert.deepEqual(changes[3], { field: "properties.subnets[b]", from: { name: "b", properties: {} } });
});

test("a field the spec sets and ARM does not return is a change (not silently ignored)", () => {
  assert.deepEqual(armChanges({ properties: { highAvailability: { mode: "ZoneRedundant" } } }, { properties: {} }), [{ field: "properties.highAvailability", from: undefined, to: { mode: "ZoneRedundant" } }]);
});
