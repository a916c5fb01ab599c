/**
 * Init scripts: a file of the repository put where clusters read it — a workspace file under the root folder by
 * default, a Unity Catalog volume, or DBFS when asked (deprecated by Databricks: a warning says so). Clusters and job
 * clusters name them by spec key; `initScriptEntry` is what their `init_scripts` then hold.
 */
import { basename } from "node:path";
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { DATABRICKS_PROVIDER, type DatabricksDesired, type InitScriptResource } from "../../resources/databricks-resource.ts";
import { databricksKey } from "../../providers/databricks/planning.ts";
import type { DatabricksContext } from "./context.ts";
import { sourceFile } from "./source-files.ts";

export function synthInitScripts(ctx: DatabricksContext, diagnostics: Diagnostic[]): DatabricksDesired[] {
  const out: DatabricksDesired[] = [];
  for (const [key, s] of Object.entries(ctx.spec.initScripts)) {
    const origin = ["spec", "databricks", "initScripts", key];
    const file = sourceFile(ctx.baseDir, s.file);
    if ("problem" in file) {
      diagnostics.push({ severity: "error", code: "DBX-SOURCE-MISSING", path: `${origin.join(".")}.file`, message: `init script ${file.problem}`, hint: "file is relative to the spec file" });
      continue;
    }
    const name = basename(s.file);
    const destination: InitScriptResource["destination"] =
      s.to === "workspace" ? { workspace: `${ctx.root}/init-scripts/${name}` } : "volume" in s.to ? { volumes: `${s.to.volume.replace(/\/+$/, "")}/${name}` } : { dbfs: `${s.to.dbfs.replace(/\/+$/, "")}/${name}` };
    if ("dbfs" in destination)
      diagnostics.push({ severity: "warning", code: "DBX-DBFS-INIT-SCRIPT", path: `${origin.join(".")}.to`, message: `init script ${key} goes to DBFS (${destination.dbfs}): Databricks has ended DBFS init scripts`, hint: "leave `to` out (a workspace file) or use { volume: /Volumes/<catalog>/<schema>/<volume> } on Unity Catalog" });
    const resource: InitScriptResource = { kind: "initScript", key, workspace: ctx.workspace, source: file, destination, ...(s.retain ? { retain: true } : {}) };
    out.push({ key: databricksKey(resource), provider: DATABRICKS_PROVIDER, resource, origin, group: ["databricks", "initScripts", key], needs: ctx.needs });
  }
  return out;
}

/** The cluster spec's `init_scripts` entry of a script. */
export const initScriptEntry = (r: InitScriptResource): Record<string, { destination: string }> => {
  const d = r.destination;
  return "workspace" in d ? { workspace: { destination: d.workspace } } : "volumes" in d ? { volumes: { destination: d.volumes } } : { dbfs: { destination: d.dbfs } };
};
