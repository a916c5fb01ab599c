/**
 * Azure names: made from spec.azure.naming (or given with `name:`), then checked against the rules of each resource
 * type. One row per family; storage-like types (a registry) take only alphanumerics, so their derived names drop the
 * hyphens. Names of Key Vaults, registries and SQL/PostgreSQL servers are globally unique in Azure: a valid name may
 * still be taken, which only the deploy can tell.
 */
import type { AzureFamily, AzureSpec } from "./azure-schema.ts";

export interface NameRule {
  readonly min: number;
  readonly max: number;
  readonly pattern: RegExp;
  /** What the pattern means, for the message. */
  readonly allowed: string;
  /** Turns a name made by the naming pattern into one the type accepts, where a mechanical change can. */
  readonly derive?: (name: string) => string;
  readonly globallyUnique?: boolean;
}

const alnumOnly = (n: string) => n.replace(/[^A-Za-z0-9]/g, "");

export const NAME_RULES: Readonly<Record<AzureFamily, NameRule>> = {
  resourceGroups: { min: 1, max: 90, pattern: /^[-\w.()]*[-\w()]$/, allowed: "letters, digits, '_', '-', '.', '(' and ')', not ending with '.'" },
  networks: { min: 2, max: 64, pattern: /^[A-Za-z0-9][\w.-]*\w$/, allowed: "letters, digits, '_', '.' and '-', starting with a letter or digit, ending with a letter, digit or '_'" },
  aks: { min: 1, max: 63, pattern: /^[A-Za-z0-9]([\w-]*[A-Za-z0-9])?$/, allowed: "letters, digits, '_' and '-', starting and ending with a letter or digit" },
  postgres: { min: 3, max: 63, pattern: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, allowed: "lower-case letters, digits and '-', not starting or ending with '-'", globallyUnique: true },
  sql: { min: 3, max: 63, pattern: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, allowed: "lower-case letters, digits and '-', not starting or ending with '-'", globallyUnique: true },
  keyVaults: { min: 3, max: 24, pattern: /^[A-Za-z](?!.*--)[A-Za-z0-9-]*[A-Za-z0-9]$/, allowed: "letters, digits and single '-', starting with a letter and ending with a letter or digit", globallyUnique: true },
  registries: { min: 5, max: 50, pattern: /^[A-Za-z0-9]+$/, allowed: "letters and digits only", derive: alnumOnly, globallyUnique: true },
  databricksWorkspaces: { min: 3, max: 64, pattern: /^[A-Za-z0-9][\w-]*$/, allowed: "letters, digits, '_' and '-'" },
  identities: { min: 3, max: 128, pattern: /^[A-Za-z0-9][\w-]*$/, allowed: "letters, digits, '_' and '-', starting with a letter or digit" },
};

/** The name the naming pattern gives a logical name, before the type's rule is checked. */
export function derivedName(naming: string, family: AzureFamily, vars: { platform: string; env?: string; name: string }): string {
  const made = naming.replace(/\{platform\}/g, vars.platform).replace(/\{env\}/g, vars.env ?? "base").replace(/\{name\}/g, vars.name);
  return NAME_RULES[family].derive?.(made) ?? made;
}

/** Why a name is not valid for its type, or undefined. */
export function nameProblem(family: AzureFamily, name: string): string | undefined {
  const rule = NAME_RULES[family];
  if (name.length < rule.min || name.length > rule.max) return `must be ${rule.min}–${rule.max} characters (got ${name.length})`;
  if (!rule.pattern.test(name)) return `may hold ${rule.allowed}`;
  return undefined;
}

/**
 * Fills in the Azure name of every resource that has none, and the resource group of every resource that names
 * none when exactly one is declared, so synth and the catalog read final names only.
 */
export function withAzureNames(azure: AzureSpec, platform: string, env: string | undefined): AzureSpec {
  const groups = Object.keys(azure.resourceGroups);
  const out: Record<string, unknown> = { ...azure };
  for (const family of Object.keys(NAME_RULES) as AzureFamily[]) {
    const records = azure[family] as Record<string, { name?: string; resourceGroup?: string }>;
    out[family] = Object.fromEntries(
      Object.entries(records).map(([logical, r]) => [
        logical,
        {
          ...r,
          name: r.name ?? derivedName(azure.naming, family, { platform, env, name: logical }),
          ...(family !== "resourceGroups" && r.resourceGroup === undefined && groups.length === 1 ? { resourceGroup: groups[0] } : {}),
        },
      ]),
    );
  }
  return out as AzureSpec;
}
