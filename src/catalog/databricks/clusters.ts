/**
 * All-purpose clusters, and the cluster body job clusters share. A cluster named by jobs and wanted terminated is
 * stopped by a clusterState step after every step that uses it (seed 001 deploys, then stops its clusters).
 */
import { DATABRICKS_PROVIDER, STARTED_BY_BERTH, type ClusterResource, type DatabricksDesired, type InitScriptResource } from "../../resources/databricks-resource.ts";
import { outputToken } from "../../resources/outputs.ts";
import { databricksKey } from "../../providers/databricks/planning.ts";
import type { JobClusterSpec } from "../../spec/databricks-schema.ts";
import type { DatabricksContext } from "./context.ts";
import { initScriptEntry } from "./init-scripts.ts";

/** The clusters/create body of a spec cluster: its Databricks fields as given, init scripts by path, berth's keys left out. */
export function clusterBody(spec: JobClusterSpec, scripts: ReadonlyMap<string, InitScriptResource>): Record<string, unknown> {
  const { initScripts, ...fields } = spec;
  const body: Record<string, unknown> = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const entries = initScripts.map((n) => scripts.get(n)).filter((s): s is InitScriptResource => s !== undefined);
  if (entries.length) body.init_scripts = entries.map(initScriptEntry);
  return body;
}

export interface SynthesizedClusters {
  readonly clusters: DatabricksDesired[];
  /** Step key and cluster_id token of each cluster, by spec name: what jobs and permissions refer to. */
  readonly byName: ReadonlyMap<string, { readonly key: string; readonly clusterId: string }>;
}

export function synthClusters(ctx: DatabricksContext, scripts: ReadonlyMap<string, InitScriptResource>, scriptKeys: ReadonlyMap<string, string>): SynthesizedClusters {
  const clusters: DatabricksDesired[] = [];
  const byName = new Map<string, { key: string; clusterId: string }>();
  for (const [key, c] of Object.entries(ctx.spec.clusters)) {
    const { name, state, retain, permissions: _permissions, renamedFrom, ...fields } = c;
    const body = { cluster_name: name ?? `${ctx.prefix}${key}`, ...clusterBody(fields, scripts) };
    const resource: ClusterResource = { kind: "cluster", key, workspace: ctx.workspace, body, state, ...(retain ? { retain: true } : {}), ...(renamedFrom.length ? { renamedFrom } : {}) };
    const stepKey = databricksKey(resource);
    const needs = [...ctx.needs, ...c.initScripts.map((n) => scriptKeys.get(n)).filter((k): k is string => k !== undefined)];
    clusters.push({ key: stepKey, provider: DATABRICKS_PROVIDER, resource, origin: ["spec", "databricks", "clusters", key], group: ["databricks", "clusters", key], needs });
    byName.set(key, { key: stepKey, clusterId: outputToken({ resource: stepKey, output: "cluster_id" }) });
  }
  return { clusters, byName };
}

/** A terminated cluster is stopped after everything that names its id (jobs, permissions): `users` are their keys. */
export function synthClusterStates(ctx: DatabricksContext, byName: SynthesizedClusters["byName"], users: (clusterName: string) => readonly string[]): DatabricksDesired[] {
  const out: DatabricksDesired[] = [];
  for (const [name, c] of Object.entries(ctx.spec.clusters)) {
    if (c.state !== "terminated") continue;
    const cluster = byName.get(name)!;
    const resource = { kind: "clusterState" as const, key: name, workspace: ctx.workspace, cluster: cluster.key, clusterId: cluster.clusterId, startedBy: outputToken({ resource: cluster.key, output: STARTED_BY_BERTH }), state: "terminated" as const };
    out.push({ key: databricksKey(resource), provider: DATABRICKS_PROVIDER, resource, origin: ["spec", "databricks", "clusters", name, "state"], group: ["databricks", "clusters", name], needs: [...users(name)] });
  }
  return out;
}
