/**
 * Notebook folders: a folder of the repository becomes a workspace folder holding exactly its files. A file is a
 * notebook by its extension (the language Databricks runs it in) and is imported without the extension, as the
 * workspace names notebooks; any other file is a plain workspace file under its own name.
 */
import type { DatabricksDesired, NotebookFile } from "../../resources/databricks-resource.ts";
import { DATABRICKS_PROVIDER } from "../../resources/databricks-resource.ts";
import { databricksKey } from "../../providers/databricks/planning.ts";
import type { DatabricksContext } from "./context.ts";
import { folderFiles } from "./source-files.ts";

/** Language of a notebook, by extension. */
export const NOTEBOOK_LANGUAGES: Readonly<Record<string, NonNullable<NotebookFile["language"]>>> = { ".py": "PYTHON", ".sql": "SQL", ".scala": "SCALA", ".r": "R" };

const extensionOf = (name: string): string => /\.[^./]+$/.exec(name)?.[0]?.toLowerCase() ?? "";

/** The workspace path of a file of the folder: notebooks lose their extension. */
export const workspacePathOf = (folder: string, relativePath: string): string => {
  const language = NOTEBOOK_LANGUAGES[extensionOf(relativePath)];
  return `${folder}/${language ? relativePath.replace(/\.[^./]+$/, "") : relativePath}`;
};

/** A notebooks entry as job tasks name its files: its step, its workspace folder, its files relative to it. */
export interface NotebookFolder {
  readonly key: string;
  readonly folder: string;
  readonly files: ReadonlySet<string>;
}

export function synthNotebooks(ctx: DatabricksContext): { readonly notebooks: DatabricksDesired[]; readonly folders: ReadonlyMap<string, NotebookFolder> } {
  const out: DatabricksDesired[] = [];
  const folders = new Map<string, NotebookFolder>();
  for (const [key, n] of Object.entries(ctx.spec.notebooks)) {
    const origin: (string | number)[] = ["spec", "databricks", "notebooks", key];
    const found = folderFiles(ctx.baseDir, n.source);
    // The rules report a folder that is not there (rules/databricks.ts).
    if ("problem" in found) continue;
    const files: NotebookFile[] = found.files.map((f) => {
      const language = NOTEBOOK_LANGUAGES[extensionOf(f.relative)];
      return { source: f.file, path: workspacePathOf(n.path, f.relative), ...(language ? { language } : {}) };
    });
    const resource = { kind: "notebooks" as const, key, workspace: ctx.workspace, folder: n.path, files, ...(n.retain ? { retain: true } : {}) };
    out.push({ key: databricksKey(resource), provider: DATABRICKS_PROVIDER, resource, origin, group: ["databricks", "notebooks", key], needs: ctx.needs });
    folders.set(key, { key: databricksKey(resource), folder: n.path, files: new Set(found.files.map((f) => f.relative)) });
  }
  return { notebooks: out, folders };
}
