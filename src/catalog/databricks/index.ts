/**
 * Databricks synth: spec.databricks → the workspace artifacts, each a DatabricksDesired the plan orders (init
 * scripts and scopes, clusters, notebooks, jobs, permissions, clusters stopped last). Pure but for reading the
 * repository files it uploads (their digests go into the plan, never their content).
 */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import type { AzureDesired } from "../../resources/azure-resource.ts";
import type { DatabricksAuth, DatabricksDesired, InitScriptResource, VaultSecretRef } from "../../resources/databricks-resource.ts";
import { providedVaultSecrets } from "./vault-secrets.ts";
import { outputRefsIn } from "../../resources/outputs.ts";
import type { ResolvedSpec } from "../../spec/resolve.ts";
import { synthClusters, synthClusterStates } from "./clusters.ts";
import { databricksContext } from "./context.ts";
import { synthInitScripts } from "./init-scripts.ts";
import { synthJobs } from "./jobs.ts";
import { synthNotebooks } from "./notebooks.ts";
import { synthPermissions } from "./permissions.ts";
import { synthSecretScopes } from "./secret-scopes.ts";

export interface DatabricksSynthesized {
  readonly databricks: DatabricksDesired[];
  /** The vault secrets it reads, planned as provided (vault-secrets.ts): the Azure side of a Databricks deploy. */
  readonly azure: AzureDesired[];
  readonly diagnostics: Diagnostic[];
}

/** Every vault secret reference of a resource, marked `granted` where the plan grants the deployer the role to read it. */
function withGrants(d: DatabricksDesired, grantOf: (ref: VaultSecretRef) => string | undefined): DatabricksDesired {
  const mark = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(mark);
    if (!value || typeof value !== "object") return value;
    const o = value as Record<string, unknown>;
    if (typeof o.vaultId === "string" && typeof o.secret === "string") return grantOf(o as unknown as VaultSecretRef) ? { ...o, granted: true } : o;
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, mark(v)]));
  };
  return { ...d, resource: mark(d.resource) as DatabricksDesired["resource"] };
}

/** Vault secrets the sign-in reads: every step of the workspace needs them. */
function authSecrets(auth: DatabricksAuth): VaultSecretRef[] {
  if (auth.type === "servicePrincipal") return [...(typeof auth.tenantId === "string" ? [] : [auth.tenantId]), auth.clientId, auth.clientSecret];
  if (auth.type === "pat") return [auth.token];
  if (auth.type === "oauthM2M") return [auth.clientSecret];
  return [];
}

export function synthDatabricksArtifacts(spec: ResolvedSpec): DatabricksSynthesized {
  const ctx = databricksContext(spec);
  if (!ctx) return { databricks: [], azure: [], diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const initScripts = synthInitScripts(ctx);
  const scripts = new Map(initScripts.map((d) => [d.resource.key, d.resource as InitScriptResource]));
  const scriptKeys = new Map(initScripts.map((d) => [d.resource.key, d.key]));
  const scopes = synthSecretScopes(ctx);
  const clusters = synthClusters(ctx, scripts, scriptKeys);
  const { notebooks, folders } = synthNotebooks(ctx);
  const jobs = synthJobs(ctx, clusters, folders, scripts, scriptKeys);
  const permissions = [
    ...Object.entries(ctx.spec.clusters).flatMap(([n, c]) => synthPermissions(ctx, "clusters", n, clusters.byName.get(n)!.key, c.permissions)),
    ...notebooks.flatMap((d) => synthPermissions(ctx, "notebooks", d.resource.key, d.key, ctx.spec.notebooks[d.resource.key]!.permissions)),
    ...jobs.flatMap((d) => synthPermissions(ctx, "jobs", d.resource.key, d.key, ctx.spec.jobs[d.resource.key]!.permissions)),
  ];
  // A cluster is stopped after every job that names its id and every permission set on it.
  const users = (clusterName: string): string[] => {
    const cluster = clusters.byName.get(clusterName)!.key;
    return [...jobs, ...permissions].filter((d) => outputRefsIn(d.resource).some((ref) => ref.resource === cluster)).map((d) => d.key);
  };
  const states = synthClusterStates(ctx, clusters.byName, users);
  const all = [...initScripts, ...scopes, ...clusters.clusters, ...notebooks, ...jobs, ...permissions, ...states];
  const signIn = authSecrets(ctx.workspace.auth);
  const scopeSecrets = (d: DatabricksDesired): VaultSecretRef[] => (d.resource.kind === "secretScope" && d.resource.backend.type === "DATABRICKS" ? Object.values(d.resource.backend.secrets) : []);
  const read = [...signIn.map((ref) => ({ ref, origin: ["spec", "databricks", "auth"] })), ...all.flatMap((d) => scopeSecrets(d).map((ref) => ({ ref, origin: d.origin })))];
  const provided = providedVaultSecrets(spec, read);
  const keys = (refs: readonly VaultSecretRef[]) => refs.flatMap((r) => [provided.keyOf(r), provided.grantOf(r)]).filter((k): k is string => k !== undefined);
  const databricks = all.map((d) => ({ ...withGrants(d, provided.grantOf), needs: [...new Set([...(d.needs ?? []), ...keys(signIn), ...keys(scopeSecrets(d))])] }));
  return { databricks, azure: provided.azure, diagnostics };
}
