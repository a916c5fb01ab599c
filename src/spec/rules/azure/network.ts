import type { Diagnostic } from "../../../diagnostics/diagnostic.ts";
import { contains, overlaps, parseIpv4, rangeOf, type Range } from "../../../util/cidr.ts";
import { problem, type SpecRule } from "../rule.ts";

interface Block {
  readonly range: Range;
  readonly cidr: string;
  readonly path: (string | number)[];
  readonly what: string;
}

/**
 * The address plan holds together: subnets inside their VNet and apart from each other, and the ranges AKS keeps
 * for services and pods apart from every VNet (a pod could not reach an address both sides claim).
 */
export const azureNetwork: SpecRule = (spec) => {
  const azure = spec.platform.spec.azure;
  if (!azure) return [];
  const out: Diagnostic[] = [];
  const vnets: Block[] = [];
  for (const [net, n] of Object.entries(azure.networks)) {
    // An existing network may leave its ranges out (azureRequired reports a new one without them).
    if (n.addressSpace === undefined) continue;
    const at = ["spec", "azure", "networks", net];
    const spaces = n.addressSpace.map((cidr, i) => ({ range: rangeOf(cidr)!, cidr, path: [...at, "addressSpace", i], what: `networks.${net}.addressSpace[${i}]` }));
    vnets.push(...spaces);
    out.push(...pairwise(spec, spaces, "AZURE-CIDR-OVERLAP"));
    const subnets: Block[] = Object.entries(n.subnets).flatMap(([s, sub]) => (sub.addressPrefix === undefined ? [] : [{ range: rangeOf(sub.addressPrefix)!, cidr: sub.addressPrefix, path: [...at, "subnets", s, "addressPrefix"], what: `subnet ${s}` }]));
    for (const s of subnets)
      if (!spaces.some((space) => contains(space.range, s.range)))
        out.push(problem(spec, s.path, "AZURE-CIDR-OUTSIDE", `${s.what} (${s.cidr}) is not inside the address space of network ${net} (${n.addressSpace.join(", ")})`, "choose a prefix inside addressSpace, or widen addressSpace"));
    out.push(...pairwise(spec, subnets, "AZURE-CIDR-OVERLAP"));
  }
  for (const [name, aks] of Object.entries(azure.aks)) {
    // An existing cluster's service and pod ranges are read, never written: its defaults here mean nothing.
    if (aks.existing) continue;
    const at = ["spec", "azure", "aks", name];
    const own: Block[] = [{ range: rangeOf(aks.serviceCidr)!, cidr: aks.serviceCidr, path: [...at, "serviceCidr"], what: `aks.${name}.serviceCidr` }];
    if (aks.podCidr) own.push({ range: rangeOf(aks.podCidr)!, cidr: aks.podCidr, path: [...at, "podCidr"], what: `aks.${name}.podCidr` });
    out.push(...pairwise(spec, own, "AZURE-CIDR-OVERLAP"));
    for (const o of own)
      for (const v of vnets.filter((v) => overlaps(v.range, o.range)))
        out.push(problem(spec, o.path, "AZURE-CIDR-OVERLAP", `${o.what} (${o.cidr}) overlaps ${v.what} (${v.cidr}): addresses in both would be unreachable from pods`, "choose a range outside every VNet, e.g. 10.240.0.0/16"));
    const dns = parseIpv4(aks.dnsServiceIP);
    const svc = own[0]!.range;
    if (dns === undefined || dns < svc.first || dns > svc.last)
      out.push(problem(spec, [...at, "dnsServiceIP"], "AZURE-CIDR-OUTSIDE", `dnsServiceIP ${aks.dnsServiceIP} is not inside serviceCidr ${aks.serviceCidr}`, "use the .10 address of serviceCidr"));
    if (aks.podCidr && aks.networkPlugin === "azure")
      out.push(problem(spec, [...at, "podCidr"], "AZURE-INVALID", "podCidr is for kubenet and overlay; with the azure plugin pods take subnet addresses", "remove podCidr, or use networkPlugin: overlay"));
  }
  return out;
};

function pairwise(spec: Parameters<SpecRule>[0], blocks: readonly Block[], code: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  blocks.forEach((a, i) =>
    blocks.slice(i + 1).forEach((b) => {
      if (overlaps(a.range, b.range)) out.push(problem(spec, b.path, code, `${b.what} (${b.cidr}) overlaps ${a.what} (${a.cidr})`, "give each range its own addresses"));
    }),
  );
  return out;
}
