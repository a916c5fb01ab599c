/**
 * What every Databricks synth module shares: the resolved spec's databricks section, the workspace it deploys to
 * (and how berth signs in), the environment's conventions (name prefix, root folder, production or not), and the keys
 * of the Azure steps a Databricks step must follow (the workspace, the vaults its sign-in and scopes read).
 */
import { dirname } from "node:path";
import type { DatabricksAuth, DatabricksWorkspaceRef } from "../../resources/databricks-resource.ts";
import type { AzureSpec } from "../../spec/azure-schema.ts";
import type { DatabricksSpec } from "../../spec/databricks-schema.ts";
import type { ResolvedSpec } from "../../spec/resolve.ts";
import { armOf } from "../azure/ids.ts";

export interface DatabricksContext {
  readonly spec: DatabricksSpec;
  /** The whole resolved spec: where diagnostics are located. */
  readonly resolved: ResolvedSpec;
  readonly azure?: AzureSpec;
  readonly platform: string;
  readonly env: string;
  readonly instance: string;
  /** Where repository paths (init scripts, notebook folders) are relative to. */
  readonly baseDir: string;
  readonly workspace: DatabricksWorkspaceRef;
  /** Keys of the Azure steps every Databricks step follows: the workspace (when in the spec) and the vaults sign-in reads. */
  readonly needs: readonly string[];
  /** Schedules run unless paused; autotermination may be off. */
  readonly production: boolean;
  readonly development: boolean;
  readonly prefix: string;
  /** The root folder with {platform} and {env} filled in. */
  readonly root: string;
}

const PRODUCTION = /^(prod|production)$/i;
const DEVELOPMENT = /^(dev|development|local|sandbox)$/i;

/** The vault of spec.azure.keyVaults a name refers to: its ARM id and step key (undefined when not declared; the rules say so). */
export function vaultOf(azure: AzureSpec | undefined, name: string): { readonly id: string; readonly key: string } | undefined {
  const place = azure ? armOf(azure, "keyVaults", name) : undefined;
  return place ? { id: place.id, key: place.key } : undefined;
}

function authOf(spec: DatabricksSpec, azure: AzureSpec | undefined, needs: string[]): DatabricksAuth {
  const a = spec.auth;
  const secret = (vault: string, name: string) => {
    const v = vaultOf(azure, vault);
    if (v) needs.push(v.key);
    return { vaultId: v?.id ?? `(unknown vault ${vault})`, secret: name };
  };
  if ("servicePrincipal" in a) {
    const sp = a.servicePrincipal;
    return { type: "servicePrincipal", tenantId: sp.tenantId ? secret(sp.keyVault, sp.tenantId) : (azure?.tenantId ?? ""), clientId: secret(sp.keyVault, sp.clientId), clientSecret: secret(sp.keyVault, sp.clientSecret) };
  }
  if ("pat" in a) return { type: "pat", token: secret(a.pat.keyVault, a.pat.secret) };
  if ("oauthM2M" in a) return { type: "oauthM2M", clientId: a.oauthM2M.clientId, clientSecret: secret(a.oauthM2M.keyVault, a.oauthM2M.clientSecret) };
  if ("workloadIdentity" in a) return { type: "workloadIdentity", clientId: a.workloadIdentity.clientId, ...(a.workloadIdentity.tokenFile ? { tokenFile: a.workloadIdentity.tokenFile } : {}) };
  return { type: "azure" };
}

export function databricksContext(spec: ResolvedSpec): DatabricksContext | undefined {
  const d = spec.platform.spec.databricks;
  if (!d) return undefined;
  const azure = spec.platform.spec.azure;
  const platform = spec.platform.metadata.name;
  const env = spec.env ?? "base";
  const needs: string[] = [];
  const place = d.workspace && azure ? armOf(azure, "databricksWorkspaces", d.workspace) : undefined;
  if (place) needs.push(place.key);
  const auth = authOf(d, azure, needs);
  const resourceId = place?.id ?? d.resourceId;
  const workspace: DatabricksWorkspaceRef = {
    name: d.workspace ?? (d.url ? new URL(d.url).host : "workspace"),
    ...(d.url ? { url: d.url.replace(/\/+$/, "") } : {}),
    ...(resourceId ? { resourceId } : {}),
    auth,
  };
  const fill = (s: string) => s.replaceAll("{platform}", platform).replaceAll("{env}", env);
  return {
    spec: d,
    resolved: spec,
    ...(azure ? { azure } : {}),
    platform,
    env,
    instance: `${platform}.${env}`,
    baseDir: dirname(spec.file),
    workspace,
    needs: [...new Set(needs)],
    production: d.production ?? PRODUCTION.test(env),
    development: !(d.production ?? PRODUCTION.test(env)) && (spec.env === undefined || DEVELOPMENT.test(env)),
    prefix: fill(d.namePrefix),
    root: fill(d.root),
  };
}

/**
 * Whether the sign-in gives an Entra ID token (a Key Vault-backed scope can only be made with one). Workload identity
 * federation gives a Databricks OAuth token, not an Entra one.
 */
export const signsInWithEntra = (auth: DatabricksAuth): boolean => auth.type === "azure" || auth.type === "servicePrincipal";
