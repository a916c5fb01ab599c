import type { Diagnostic } from "../../../diagnostics/diagnostic.ts";
import { FAMILY_TYPES, outputsOf } from "../../../catalog/azure/ids.ts";
import { isCalledEndpoint } from "../../../catalog/azure/egress-hosts.ts";
import type { ImageSpec } from "../../image-schema.ts";
import { BUILT_IN_ROLES } from "../../../resources/azure-roles.ts";
import { didYouMean } from "../../../util/did-you-mean.ts";
import { AZURE_FAMILIES, isAzureRef, ROLE_TARGETS, type AzureFamily, type AzureRefSpec, type AzureSpec } from "../../azure-schema.ts";
import { problem, type SpecRule } from "../rule.ts";

type Path = (string | number)[];

/**
 * Every reference between Azure resources, and from apps, jobs and components to Azure outputs, names something
 * declared, and an output that resource type has.
 */
export const azureReferences: SpecRule = (spec) => {
  const azure = spec.platform.spec.azure;
  const out: Diagnostic[] = [];
  const p = spec.platform.spec;
  const refs: { ref: AzureRefSpec; at: Path }[] = [];
  for (const [section, records] of [["apps", p.apps], ["jobs", p.jobs]] as const)
    for (const [name, w] of Object.entries(records))
      for (const [envName, v] of Object.entries(w.env)) if (isAzureRef(v)) refs.push({ ref: v as AzureRefSpec, at: ["spec", section, name, "env", envName] });
  for (const [name, c] of Object.entries(p.components)) {
    if ("host" in c && typeof c.host === "object") refs.push({ ref: c.host, at: ["spec", "components", name, "host"] });
    if ("env" in c)
      for (const [envName, v] of Object.entries(c.env)) {
        if (typeof v === "string") continue;
        const at = ["spec", "components", name, "env", envName];
        refs.push({ ref: v, at });
        // The component opens egress to what the reference names, by the service's domain in a named cloud; a custom
        // cloud's domain is unknown, so the policy names no host there (a component has no egress: to name it).
        if (azure && typeof azure.cloud !== "string" && isCalledEndpoint(v))
          out.push(problem(spec, at, "AZURE-EGRESS-HOST", `${v.from} ${v.value} is reached over the network, and in a custom cloud berth cannot tell its domain: egress opens its port to any public address and names no host`, "write the URL itself here to have its host named", "warning"));
      }
  }
  const images: { image: ImageSpec; at: Path }[] = [
    ...Object.entries(p.apps).flatMap(([n, a]) => [{ image: a.image, at: ["spec", "apps", n, "image"] }, ...(a.canary ? [{ image: a.canary.image, at: ["spec", "apps", n, "canary", "image"] }] : [])]),
    ...Object.entries(p.jobs).map(([n, j]) => ({ image: j.image, at: ["spec", "jobs", n, "image"] })),
    ...Object.entries(p.components).flatMap(([n, c]) => (!("image" in c) || c.image === undefined ? [] : [{ image: c.image, at: ["spec", "components", n, "image"] }])),
  ];
  for (const { image, at } of images) {
    if (typeof image === "string") continue;
    const ref = image.registry;
    if (!ref.from.startsWith("azure.registries.") || ref.value !== "loginServer")
      out.push(problem(spec, [...at, "registry"], "AZURE-IMAGE-REGISTRY", `an image's registry is a registry's login server, not ${ref.from} ${ref.value}`, "registry: { from: azure.registries.<name>, value: loginServer }"));
    else refs.push({ ref, at: [...at, "registry"] });
  }
  for (const { ref, at } of refs) out.push(...checkRef(spec, azure, ref, at));
  if (!azure) return out;

  const groups = Object.keys(azure.resourceGroups);
  for (const family of AZURE_FAMILIES.filter((f) => f !== "resourceGroups")) {
    for (const [logical, r] of Object.entries(azure[family] as Record<string, { resourceGroup?: string }>)) {
      const at = ["spec", "azure", family, logical];
      if (r.resourceGroup === undefined)
        out.push(problem(spec, at, "AZURE-NO-RESOURCE-GROUP", `${family}.${logical} names no resource group, and ${groups.length === 0 ? "none is declared" : `several are (${groups.join(", ")})`}`, groups.length ? `add resourceGroup: ${groups[0]}` : "declare one under spec.azure.resourceGroups"));
      else if (!(r.resourceGroup in azure.resourceGroups)) out.push(unknown(spec, [...at, "resourceGroup"], "resourceGroups", r.resourceGroup, groups));
    }
  }
  const subnetRef = (ref: { network: string; subnet: string } | undefined, at: Path, delegation?: string) => {
    if (!ref) return;
    const net = azure.networks[ref.network];
    if (!net) return out.push(unknown(spec, [...at, "network"], "networks", ref.network, Object.keys(azure.networks)));
    const sub = net.subnets[ref.subnet];
    if (!sub) return out.push(problem(spec, [...at, "subnet"], "AZURE-UNKNOWN-REFERENCE", `network ${ref.network} has no subnet "${ref.subnet}"`, didYouMean(ref.subnet, Object.keys(net.subnets)) ?? `subnets: ${Object.keys(net.subnets).join(", ") || "none"}`));
    if (delegation && !sub.delegations.includes(delegation))
      out.push(problem(spec, [...at, "subnet"], "AZURE-SUBNET-DELEGATION", `subnet ${ref.network}/${ref.subnet} is not delegated to ${delegation}, which VNet integration requires`, `add delegations: [${delegation}] to the subnet`));
  };
  for (const [name, aks] of Object.entries(azure.aks)) {
    const at = ["spec", "azure", "aks", name];
    subnetRef(aks.subnet, [...at, "subnet"]);
    aks.registries.forEach((reg, i) => {
      if (!(reg in azure.registries)) out.push(unknown(spec, [...at, "registries", i], "registries", reg, Object.keys(azure.registries)));
    });
  }
  for (const [name, pg] of Object.entries(azure.postgres)) subnetRef(pg.subnet, ["spec", "azure", "postgres", name, "subnet"], "Microsoft.DBforPostgreSQL/flexibleServers");
  for (const [name, sql] of Object.entries(azure.sql)) subnetRef(sql.privateEndpoint?.subnet, ["spec", "azure", "sql", name, "privateEndpoint", "subnet"]);
  for (const family of ["postgres", "sql"] as const) {
    for (const [name, server] of Object.entries(azure[family])) {
      if (server.existing) continue;
      const at = ["spec", "azure", family, name];
      const vaults = Object.keys(azure.keyVaults);
      if (server.adminPassword) {
        if (!(server.adminPassword.keyVault in azure.keyVaults)) out.push(unknown(spec, [...at, "adminPassword", "keyVault"], "keyVaults", server.adminPassword.keyVault, vaults));
      } else if (vaults.length !== 1)
        out.push(
          problem(spec, at, "AZURE-NO-VAULT", `${family}.${name}'s admin password is generated and kept in a Key Vault, and ${vaults.length === 0 ? "the spec declares none" : `several are declared (${vaults.join(", ")})`}`, vaults.length === 0 ? "declare one under spec.azure.keyVaults (existing: true for one you have)" : `add adminPassword: { keyVault: ${vaults[0]} }`),
        );
    }
  }
  // Workload identity trusts the OIDC issuer of the cluster the pods run in: berth must know which one that is.
  const users = [
    ...Object.entries(p.apps).map(([n, a]) => [["spec", "apps", n, "identity"], a.identity] as const),
    ...Object.entries(p.jobs).map(([n, j]) => [["spec", "jobs", n, "identity"], j.identity] as const),
    ...Object.entries(p.components).map(([n, c]) => [["spec", "components", n, "identity"], "identity" in c ? c.identity : undefined] as const),
  ].filter(([, id]) => id !== undefined && id in azure.identities);
  const clusters = Object.keys(azure.aks);
  if (users.length > 0 && clusters.length !== 1)
    out.push(problem(spec, [...users[0]![0]], "AZURE-NO-ISSUER", `identity ${users[0]![1]} is federated with the OIDC issuer of the cluster its pods run in, and spec.azure.aks declares ${clusters.length === 0 ? "no cluster" : `${clusters.length} (${clusters.join(", ")})`}`, clusters.length === 0 ? "declare the cluster under spec.azure.aks (existing: true for one berth does not manage)" : "declare only the cluster these pods run in"));
  for (const name of Object.keys(azure.identities).filter((n) => n in p.identities))
    out.push(problem(spec, ["spec", "identities", name], "AZURE-IDENTITY-SHADOWED", `identity ${name} is declared in spec.identities and in spec.azure.identities; workloads run as the one berth makes`, "remove it from spec.identities", "warning"));
  for (const [name, id] of Object.entries(azure.identities)) {
    id.roles.forEach((r, i) => {
      const at = ["spec", "azure", "identities", name, "roles", i];
      const roles = Object.keys(BUILT_IN_ROLES);
      if (!(r.role in BUILT_IN_ROLES)) out.push(problem(spec, [...at, "role"], "AZURE-UNKNOWN-ROLE", `"${r.role}" is not a built-in role berth knows`, didYouMean(r.role, roles) ?? `known: ${roles.join(", ")}`));
      const targets = Object.entries(r.on).filter(([, v]) => v !== undefined) as [string, string][];
      if (targets.length !== 1) {
        out.push(problem(spec, [...at, "on"], "AZURE-ROLE-SCOPE", `a role is assigned on exactly one resource, got ${targets.length}`, `e.g. on: { keyVault: main }; one of ${Object.keys(ROLE_TARGETS).join(", ")}`));
        return;
      }
      const [key, target] = targets[0]!;
      const family = ROLE_TARGETS[key]!;
      if (!((azure[family] as Record<string, unknown>)[target])) out.push(unknown(spec, [...at, "on", key], family, target, Object.keys(azure[family])));
    });
  }
  return out;
};

function checkRef(spec: Parameters<SpecRule>[0], azure: AzureSpec | undefined, ref: AzureRefSpec, at: Path): Diagnostic[] {
  const [, family, logical] = ref.from.split(".") as [string, AzureFamily, string];
  if (!azure) return [problem(spec, [...at, "from"], "AZURE-UNKNOWN-REFERENCE", `${ref.from} refers to spec.azure, and the spec declares no azure section`, "declare the resource under spec.azure, or write the value itself")];
  const declared = Object.keys(azure[family]);
  if (!declared.includes(logical)) return [unknown(spec, [...at, "from"], family, logical, declared)];
  const outputs = outputsOf(family);
  if (!outputs.includes(ref.value))
    return [problem(spec, [...at, "value"], "AZURE-UNKNOWN-OUTPUT", `a ${FAMILY_TYPES[family]} has no output "${ref.value}"`, didYouMean(ref.value, outputs) ?? `outputs: ${outputs.join(", ")}`)];
  return [];
}

export const unknown = (spec: Parameters<SpecRule>[0], at: Path, family: string, name: string, declared: readonly string[]): Diagnostic =>
  problem(spec, at, "AZURE-UNKNOWN-REFERENCE", `"${name}" is not declared in spec.azure.${family}`, didYouMean(name, [...declared]) ?? (declared.length ? `declared: ${declared.join(", ")}` : `declare it under spec.azure.${family}`));
