import type { Diagnostic } from "../../../diagnostics/diagnostic.ts";
import { problem, type SpecRule } from "../rule.ts";

/** Logins Azure refuses for a server administrator (PostgreSQL flexible server; Azure SQL). */
const RESERVED_LOGINS = {
  postgres: { names: ["azure_superuser", "azure_pg_admin", "admin", "administrator", "root", "guest", "public"], prefix: "pg_" },
  sql: { names: ["admin", "administrator", "sa", "root", "dbmanager", "loginmanager", "dbo", "guest", "public"], prefix: undefined },
} as const;

/** Settings Azure would refuse, found before any request: reserved logins, node pools, vault retention. */
export const azureServers: SpecRule = (spec) => {
  const azure = spec.platform.spec.azure;
  if (!azure) return [];
  const out: Diagnostic[] = [];
  for (const family of ["postgres", "sql"] as const) {
    const reserved = RESERVED_LOGINS[family];
    for (const [name, server] of Object.entries(azure[family])) {
      const login = server.adminLogin.toLowerCase();
      if ((reserved.names as readonly string[]).includes(login) || (reserved.prefix && login.startsWith(reserved.prefix)))
        out.push(problem(spec, ["spec", "azure", family, name, "adminLogin"], "AZURE-RESERVED-LOGIN", `"${server.adminLogin}" is reserved by Azure for ${family === "postgres" ? "PostgreSQL flexible servers" : "Azure SQL"}`, `choose another login; reserved: ${reserved.names.join(", ")}${reserved.prefix ? `, and names starting with ${reserved.prefix}` : ""}`));
    }
  }
  for (const [name, aks] of Object.entries(azure.aks)) {
    // An existing cluster's pools are read, never written; azureRequired reports a new one without pools.
    if (aks.existing || aks.nodePools === undefined) continue;
    const at = ["spec", "azure", "aks", name];
    if (!aks.nodePools.some((p) => p.mode === "System")) out.push(problem(spec, [...at, "nodePools"], "AZURE-NO-SYSTEM-POOL", "an AKS cluster needs at least one System node pool", "set mode: System on one pool"));
    const seen = new Set<string>();
    aks.nodePools.forEach((p, i) => {
      if (seen.has(p.name)) out.push(problem(spec, [...at, "nodePools", i, "name"], "SPEC-DUPLICATE", `node pool name "${p.name}" is used twice`));
      seen.add(p.name);
      const scaled = p.min !== undefined || p.max !== undefined;
      if (scaled && (p.min === undefined || p.max === undefined)) out.push(problem(spec, [...at, "nodePools", i], "AZURE-NODE-COUNT", "autoscaling needs both min and max", "add the missing bound, or use count"));
      else if (scaled && p.count !== undefined) out.push(problem(spec, [...at, "nodePools", i, "count"], "AZURE-NODE-COUNT", "count is for a fixed pool; with min and max the autoscaler decides", "remove count, or min and max"));
      else if (!scaled && p.count === undefined) out.push(problem(spec, [...at, "nodePools", i], "AZURE-NODE-COUNT", "a node pool needs count, or min and max", "e.g. count: 3"));
      else if (scaled && p.min! > p.max!) out.push(problem(spec, [...at, "nodePools", i, "min"], "SPEC-RANGE", `min ${p.min} must be less than or equal to max ${p.max}`));
      if (p.mode === "System" && ((p.count ?? p.min ?? 1) < 1)) out.push(problem(spec, [...at, "nodePools", i], "AZURE-NODE-COUNT", "a System pool needs at least one node"));
    });
  }
  for (const [name, kv] of Object.entries(azure.keyVaults))
    if (kv.purgeOnDelete && kv.purgeProtection)
      out.push(problem(spec, ["spec", "azure", "keyVaults", name, "purgeOnDelete"], "AZURE-INVALID", "a vault with purge protection cannot be purged", "set purgeProtection: false to allow purgeOnDelete (it cannot be turned off once on)"));
  return out;
};
