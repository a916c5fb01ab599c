/**
 * Jobs: tasks name notebooks, clusters and init scripts by spec name; here they become the notebook's workspace
 * path, the cluster's id (an output token, resolved when the step runs) and the script's path. Schedules are paused
 * outside production unless the spec says otherwise.
 */
import { DATABRICKS_PROVIDER, type DatabricksDesired, type InitScriptResource, type JobResource } from "../../resources/databricks-resource.ts";
import { databricksKey } from "../../providers/databricks/planning.ts";
import type { DatabricksContext } from "./context.ts";
import { clusterBody, type SynthesizedClusters } from "./clusters.ts";
import { type NotebookFolder, workspacePathOf } from "./notebooks.ts";

export function synthJobs(ctx: DatabricksContext, clusters: SynthesizedClusters, folders: ReadonlyMap<string, NotebookFolder>, scripts: ReadonlyMap<string, InitScriptResource>, scriptKeys: ReadonlyMap<string, string>): DatabricksDesired[] {
  const out: DatabricksDesired[] = [];
  for (const [key, j] of Object.entries(ctx.spec.jobs)) {
    const origin = ["spec", "databricks", "jobs", key];
    const needs = new Set(ctx.needs);
    const tasks = j.tasks.map((t) => {
      const [entry, ...rest] = t.notebook.split("/");
      const folder = folders.get(entry ?? "");
      const file = rest.join("/");
      let notebookPath = `(unknown notebook ${t.notebook})`;
      if (folder) {
        needs.add(folder.key);
        // A notebook named with or without its extension.
        const match = [...folder.files].find((f) => f === file || f.replace(/\.[^./]+$/, "") === file);
        // The rules report a file the folder does not have (rules/databricks.ts).
        if (match) notebookPath = workspacePathOf(folder.folder, match);
      }
      const cluster = t.cluster ? clusters.byName.get(t.cluster) : undefined;
      return {
        task_key: t.key,
        ...(t.dependsOn.length ? { depends_on: t.dependsOn.map((d) => ({ task_key: d })) } : {}),
        notebook_task: { notebook_path: notebookPath, source: "WORKSPACE", ...(t.parameters ? { base_parameters: t.parameters } : {}) },
        ...(cluster ? { existing_cluster_id: cluster.clusterId } : {}),
        ...(t.jobCluster ? { job_cluster_key: t.jobCluster } : {}),
        ...(t.timeout_seconds !== undefined ? { timeout_seconds: t.timeout_seconds } : {}),
        ...(t.max_retries !== undefined ? { max_retries: t.max_retries } : {}),
      };
    });
    for (const c of Object.values(j.jobClusters)) for (const s of c.initScripts) if (scriptKeys.has(s)) needs.add(scriptKeys.get(s)!);
    const jobClusters = Object.entries(j.jobClusters).map(([k, c]) => ({ job_cluster_key: k, new_cluster: clusterBody(c, scripts) }));
    const schedule = j.schedule ? { quartz_cron_expression: j.schedule.quartz_cron_expression, timezone_id: j.schedule.timezone_id, pause_status: (j.schedule.paused ?? !ctx.production) ? "PAUSED" : "UNPAUSED" } : undefined;
    const settings: Record<string, unknown> = {
      name: j.name ?? `${ctx.prefix}${key}`,
      tasks,
      ...(jobClusters.length ? { job_clusters: jobClusters } : {}),
      ...(schedule ? { schedule } : {}),
      ...(j.max_concurrent_runs !== undefined ? { max_concurrent_runs: j.max_concurrent_runs } : {}),
      ...(j.timeout_seconds !== undefined ? { timeout_seconds: j.timeout_seconds } : {}),
      ...(j.tags ? { tags: j.tags } : {}),
    };
    const smoke = j.smokeRun === true ? { timeoutMinutes: 30 } : j.smokeRun === false ? undefined : j.smokeRun;
    const resource: JobResource = { kind: "job", key, workspace: ctx.workspace, settings, ...(smoke ? { smokeRun: smoke } : {}), ...(j.retain ? { retain: true } : {}), ...(j.renamedFrom.length ? { renamedFrom: j.renamedFrom } : {}) };
    out.push({ key: databricksKey(resource), provider: DATABRICKS_PROVIDER, resource, origin, group: ["databricks", "jobs", key], needs: [...needs] });
  }
  return out;
}
