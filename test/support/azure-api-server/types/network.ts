/**
 * Microsoft.Network: virtual networks, subnets, private endpoints and their DNS zone groups. VNet and subnet writes
 * share a lock per VNet (one operation at a time, as the Network RP enforces); subnet ranges must lie inside the VNet
 * and not overlap; a VNet PUT's `subnets` list replaces the VNet's subnets, as in Azure (omitting it deletes them).
 */
import { badRequest } from "../errors.ts";
import { parentId } from "../ids.ts";
import type { Json } from "../types.ts";
import type { TypeBehaviour, World, WriteContext } from "../world.ts";
import { anotherOperation, guid, referenced, referencedBy } from "./common.ts";

type Range = readonly [number, number];

function parseCidr(cidr: unknown): Range | undefined {
  if (typeof cidr !== "string") return undefined;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const ip = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - bits);
  if (ip % size !== 0) return undefined;
  return [ip, ip + size - 1];
}

const rangesOf = (prefixes: unknown[], what: string): Range[] =>
  prefixes.map((p) => {
    const r = parseCidr(p);
    if (!r) throw badRequest("InvalidAddressPrefixFormat", `Address prefix ${String(p)} of ${what} does not have a valid format.`);
    return r;
  });

const subnetPrefixes = (props: Json | undefined): unknown[] => (Array.isArray(props?.addressPrefixes) ? props.addressPrefixes : props?.addressPrefix !== undefined ? [props.addressPrefix] : []);
const inside = (r: Range, outer: Range[]): boolean => outer.some(([a, b]) => r[0] >= a && r[1] <= b);
const overlap = (a: Range, b: Range): boolean => a[0] <= b[1] && b[0] <= a[1];

function checkSubnet(vnetName: string, vnetSpace: Range[], name: string, props: Json | undefined, siblings: { name: string; props: Json | undefined }[]): void {
  const prefixes = subnetPrefixes(props);
  if (!prefixes.length) throw badRequest("InvalidRequestFormat", `Cannot parse the request: subnet ${name} has no addressPrefix.`);
  for (const r of rangesOf(prefixes, `subnet ${name}`)) {
    if (!inside(r, vnetSpace)) throw badRequest("NetcfgSubnetRangeOutsideVnet", `Subnet '${name}' is not valid because its IP address range is outside the IP address range of virtual network '${vnetName}'.`);
    for (const s of siblings) {
      if (s.name.toLowerCase() === name.toLowerCase()) continue;
      if (rangesOf(subnetPrefixes(s.props), `subnet ${s.name}`).some((o) => overlap(o, r)))
        throw badRequest("NetcfgSubnetRangesOverlap", `Subnet '${name}' is not valid in virtual network '${vnetName}' because its IP address range overlaps with that of an existing subnet in virtual network.`);
    }
  }
}

const vnetSpace = (vnet: Json): Range[] => rangesOf(Array.isArray(vnet.properties?.addressSpace?.addressPrefixes) ? vnet.properties.addressSpace.addressPrefixes : [], `virtual network ${vnet.name}`);

function inUse(w: World, subnet: Json): void {
  const users = referencedBy(w, String(subnet.id));
  if (users.length)
    throw badRequest("InUseSubnetCannotBeDeleted", `Subnet ${subnet.name} is in use by ${users.map((u) => u.id).join(", ")} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`);
}

const vnetLock = (ctx: WriteContext): string => (ctx.type.toLowerCase().endsWith("/subnets") ? parentId(ctx.id)! : ctx.id).toLowerCase();

const subnetView = (s: Json): Json => ({ id: s.id, name: s.name, type: s.type, properties: s.properties });

export const virtualNetworks: TypeBehaviour = {
  asyncPut: true,
  asyncDelete: true,
  latencyMs: 10_000,
  lockKey: vnetLock,
  lockError: anotherOperation,
  validate(ctx) {
    const space = Array.isArray(ctx.body.properties?.addressSpace?.addressPrefixes) ? ctx.body.properties.addressSpace.addressPrefixes : [];
    if (!space.length) throw badRequest("InvalidRequestFormat", "Cannot parse the request: addressSpace.addressPrefixes is required.");
    const ranges = rangesOf(space, `virtual network ${ctx.name}`);
    const inline: Json[] = Array.isArray(ctx.body.properties?.subnets) ? ctx.body.properties.subnets : [];
    const siblings = inline.map((s) => ({ name: String(s.name), props: s.properties }));
    for (const s of siblings) checkSubnet(ctx.name, ranges, s.name, s.props, siblings);
    const keep = new Set(siblings.map((s) => s.name.toLowerCase()));
    for (const existing of ctx.w.store.children(ctx.id, "Microsoft.Network/virtualNetworks/subnets")) if (!keep.has(String(existing.name).toLowerCase())) inUse(ctx.w, existing);
  },
  assign(ctx, res) {
    const inline: Json[] = Array.isArray(ctx.body.properties?.subnets) ? ctx.body.properties.subnets : [];
    delete res.properties.subnets;
    res.properties.resourceGuid = ctx.prev?.properties?.resourceGuid ?? guid();
    const keep = new Set(inline.map((s) => String(s.name).toLowerCase()));
    for (const existing of ctx.w.store.children(ctx.id, "Microsoft.Network/virtualNetworks/subnets")) if (!keep.has(String(existing.name).toLowerCase())) ctx.w.store.remove(String(existing.id));
    for (const s of inline) {
      const id = `${ctx.id}/subnets/${s.name}`;
      ctx.w.store.put({ id, name: s.name, type: "Microsoft.Network/virtualNetworks/subnets", properties: { ...(s.properties ?? {}), provisioningState: "Succeeded" } });
    }
  },
  read(w, res) {
    return { ...res, properties: { ...res.properties, subnets: w.store.children(String(res.id), "Microsoft.Network/virtualNetworks/subnets").map(subnetView) } };
  },
};

export const subnets: TypeBehaviour = {
  tracked: false,
  asyncPut: true,
  asyncDelete: true,
  latencyMs: 5_000,
  lockKey: vnetLock,
  lockError: anotherOperation,
  validate(ctx) {
    const vnet = ctx.w.store.get(parentId(ctx.id)!)!;
    const siblings = ctx.w.store.children(String(vnet.id), "Microsoft.Network/virtualNetworks/subnets").map((s) => ({ name: String(s.name), props: s.properties }));
    checkSubnet(String(vnet.name), vnetSpace(vnet), ctx.name, ctx.body.properties, siblings);
  },
  validateDelete: inUse,
};


export const privateEndpoints: TypeBehaviour = {
  asyncPut: true,
  asyncDelete: true,
  latencyMs: 30_000,
  validate(ctx) {
    referenced(ctx, ctx.body.properties?.subnet?.id, "properties.subnet.id");
    const conns: Json[] = [...(ctx.body.properties?.privateLinkServiceConnections ?? []), ...(ctx.body.properties?.manualPrivateLinkServiceConnections ?? [])];
    if (!conns.length) throw badRequest("InvalidRequestFormat", "Cannot parse the request: a private endpoint needs one privateLinkServiceConnection.");
    for (const c of conns) {
      referenced(ctx, c.properties?.privateLinkServiceId, "privateLinkServiceConnections[].properties.privateLinkServiceId");
      if (!Array.isArray(c.properties?.groupIds) || !c.properties.groupIds.length) throw badRequest("PrivateEndpointGroupIdsRequired", `Private endpoint ${ctx.id} must specify groupIds for its connection ${c.name}.`);
    }
  },
  assign(ctx, res) {
    const nic = ctx.prev?.properties?.networkInterfaces ?? [{ id: `${ctx.id.replace(/privateEndpoints\/[^/]+$/i, "networkInterfaces/")}${ctx.name}.nic.${guid()}` }];
    res.properties.networkInterfaces = nic;
    res.properties.privateLinkServiceConnections = (res.properties.privateLinkServiceConnections ?? []).map((c: Json) => ({
      ...c,
      properties: { ...c.properties, privateLinkServiceConnectionState: { status: "Approved", description: "Auto-Approved", actionsRequired: "None" } },
    }));
    res.properties.customDnsConfigs = ctx.prev?.properties?.customDnsConfigs ?? [];
  },
};

export const privateDnsZoneGroups: TypeBehaviour = {
  tracked: false,
  asyncPut: true,
  asyncDelete: true,
  latencyMs: 10_000,
  validate(ctx) {
    const configs: Json[] = ctx.body.properties?.privateDnsZoneConfigs ?? [];
    if (!configs.length) throw badRequest("InvalidRequestFormat", "Cannot parse the request: privateDnsZoneConfigs is required.");
    for (const c of configs) referenced(ctx, c.properties?.privateDnsZoneId, "privateDnsZoneConfigs[].properties.privateDnsZoneId");
  },
};
