/**
 * The Workspace API (`/api/2.0/workspace/*`) as the init-script and notebooks kinds use it: status, export, a
 * recursive listing, mkdirs, import with overwrite, delete. Paths are Workspace API paths (workspace-paths.ts);
 * `what` names the berth resource in every operation, so a refused request says whose it was.
 */
import type { Progress } from "../provider.ts";
import { type DatabricksApi, deletedUnlessMissing, type Json } from "./api.ts";
import { workspaceApiPath } from "./workspace-paths.ts";

export interface WorkspaceObject {
  readonly path: string;
  /** NOTEBOOK, DIRECTORY, FILE, LIBRARY, REPO, DASHBOARD. */
  readonly object_type: string;
  readonly object_id?: number | string;
  readonly language?: string;
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

export async function getStatus(api: DatabricksApi, what: string, path: string, progress?: Progress): Promise<WorkspaceObject | undefined> {
  return (await api.find({ path: "/api/2.0/workspace/get-status", query: { path }, operation: `${what}: get-status ${path}`, progress })) as WorkspaceObject | undefined;
}

/** The object's bytes as SOURCE (a notebook's source, a file's content as is); undefined when it does not exist. */
export async function exportSource(api: DatabricksApi, what: string, path: string, progress?: Progress): Promise<Uint8Array | undefined> {
  const got = await api.find({ path: "/api/2.0/workspace/export", query: { path, format: "SOURCE" }, operation: `${what}: export ${path}`, progress });
  return got ? Buffer.from(typeof got.content === "string" ? got.content : "", "base64") : undefined;
}

/** Everything under `folder`, depth first (folders before what they hold); undefined when the folder does not exist. */
export async function listRecursive(api: DatabricksApi, what: string, folder: string, progress?: Progress): Promise<WorkspaceObject[] | undefined> {
  const list = async (path: string): Promise<WorkspaceObject[] | undefined> => {
    const got: Json | undefined = await api.find({ path: "/api/2.0/workspace/list", query: { path }, operation: `${what}: list ${path}`, progress });
    // Newer workspaces answer with `/Workspace/…` paths: compare in one spelling.
    return got ? ((got.objects ?? []) as WorkspaceObject[]).map((o) => ({ ...o, path: workspaceApiPath(o.path) })) : undefined;
  };
  const top = await list(folder);
  if (!top) return undefined;
  const out: WorkspaceObject[] = [];
  const walk = async (objects: readonly WorkspaceObject[]): Promise<void> => {
    for (const o of [...objects].sort((a, b) => a.path.localeCompare(b.path))) {
      out.push(o);
      // A folder deleted between two listings holds nothing any more.
      if (o.object_type === "DIRECTORY") await walk((await list(o.path)) ?? []);
    }
  };
  await walk(top);
  return out;
}

export async function mkdirs(api: DatabricksApi, what: string, path: string, progress?: Progress): Promise<void> {
  await api.post({ path: "/api/2.0/workspace/mkdirs", body: { path }, operation: `${what}: mkdirs ${path}`, idempotent: true, progress });
}

/**
 * Imports with overwrite: a notebook as SOURCE in its language, anything else as a workspace file (RAW, as the
 * Terraform provider's workspace_file does): AUTO would turn a `.ipynb`, or a `.py` starting with the notebook header,
 * into a notebook at another path (extension stripped), and every later run would upload it again.
 */
export async function importObject(api: DatabricksApi, what: string, path: string, bytes: Uint8Array, language: string | undefined, progress?: Progress): Promise<void> {
  const body = language ? { path, content: base64(bytes), format: "SOURCE", language, overwrite: true } : { path, content: base64(bytes), format: "RAW", overwrite: true };
  await api.post({ path: "/api/2.0/workspace/import", body, operation: `${what}: import ${path}${language ? ` (${language} notebook)` : ""}`, idempotent: true, progress });
}

/** Deletes a workspace object; one already gone is fine (a retry, or a delete made by hand). */
export const deleteObject = (api: DatabricksApi, what: string, path: string, recursive: boolean, progress?: Progress): Promise<boolean> =>
  deletedUnlessMissing(() => api.post({ path: "/api/2.0/workspace/delete", body: { path, recursive }, operation: `${what}: delete ${path}`, idempotent: true, progress }));
