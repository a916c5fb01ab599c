import type { Diagnostic } from "../../../diagnostics/diagnostic.ts";
import { problem, type SpecRule } from "../rule.ts";

/**
 * What berth needs to create a resource. The schema leaves these optional because an `existing` resource is only
 * read: its name and resource group find it, and a version or node pools written for it would be ignored.
 */
export const azureRequired: SpecRule = (spec) => {
  const azure = spec.platform.spec.azure;
  if (!azure) return [];
  const out: Diagnostic[] = [];
  const missing = (at: (string | number)[], field: string, example: string) =>
    out.push(problem(spec, at, "AZURE-REQUIRED", `${field} is required to create this resource`, `add ${field}: ${example}, or existing: true if it exists already`));
  for (const [name, aks] of Object.entries(azure.aks)) {
    if (aks.existing) continue;
    const at = ["spec", "azure", "aks", name];
    if (aks.kubernetesVersion === undefined) missing(at, "kubernetesVersion", '"1.31"');
    if (aks.nodePools === undefined) missing(at, "nodePools", "[{ name: system, vmSize: Standard_D4s_v5, count: 2, mode: System }]");
  }
  for (const [name, net] of Object.entries(azure.networks)) {
    if (net.existing) continue;
    const at = ["spec", "azure", "networks", name];
    if (net.addressSpace === undefined) missing(at, "addressSpace", "[10.0.0.0/16]");
    for (const [s, sub] of Object.entries(net.subnets)) if (sub.addressPrefix === undefined) missing([...at, "subnets", s], "addressPrefix", "10.0.0.0/24");
  }
  return out;
};
