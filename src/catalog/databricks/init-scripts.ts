/**
 * Init scripts: a file of the repository put where clusters read it — a workspace file under the root folder by
 * default, a Unity Catalog volume, or DBFS when asked (deprecated by Databricks: a warning says so). Clusters and job
 * clusters name them by spec key; `initScriptEntry` is what their `init_scripts` then hold.
 */
import { basename } from "node:path";
import { DATABRICKS_PROVIDER, type DatabricksDesired, type InitScriptResource } from "../../resources/databricks-resource.ts";
import { databricksKey } from "../../providers/databricks/planning.ts";
import type { DatabricksContext } from "./context.ts";
import type { DatabricksSpec } from "../../spec/databricks-schema.ts";

type InitScriptSpec = DatabricksSpec["initScripts"][string];
import { sourceFile } from "./source-files.ts";

export function synthInitScripts(ctx: DatabricksContext): DatabricksDesired[] {
  const out: DatabricksDesired[] = [];
  for (const [key, s] of Object.entries(ctx.spec.initScripts)) {
    const origin: (string | number)[] = ["spec", "databricks", "initScripts", key];
    const file = sourceFile(ctx.baseDir, s.file);
    // The rules report a file that is not there, and a DBFS destination (rules/databricks.ts).
    if ("problem" in file) continue;
    const destination = destinationOf(ctx.root, s);
    const resource: InitScriptResource = { kind: "initScript", key, workspace: ctx.workspace, source: file, destination, ...(s.retain ? { retain: true } : {}) };
    out.push({ key: databricksKey(resource), provider: DATABRICKS_PROVIDER, resource, origin, group: ["databricks", "initScripts", key], needs: ctx.needs });
  }
  return out;
}

/** Where a script goes: a workspace file under the root's init-scripts folder, a volume, or DBFS, under its file name. */
export function destinationOf(root: string, s: InitScriptSpec): InitScriptResource["destination"] {
  const name = basename(s.file);
  return s.to === "workspace" ? { workspace: `${root}/init-scripts/${name}` } : "volume" in s.to ? { volumes: `${s.to.volume.replace(/\/+$/, "")}/${name}` } : { dbfs: `${s.to.dbfs.replace(/\/+$/, "")}/${name}` };
}

/** The destination as one path, for messages and for telling two scripts apart. */
export const initScriptDestination = (root: string, s: InitScriptSpec): string => Object.values(destinationOf(root, s))[0] as string;

/** The cluster spec's `init_scripts` entry of a script. */
export const initScriptEntry = (r: InitScriptResource): Record<string, { destination: string }> => {
  const d = r.destination;
  return "workspace" in d ? { workspace: { destination: d.workspace } } : "volumes" in d ? { volumes: { destination: d.volumes } } : { dbfs: { destination: d.dbfs } };
};
