/**
 * Paths as the three file APIs want them. Users write workspace paths as the cluster UI shows them
 * (`/Workspace/Shared/x`) or as the Workspace API always accepted them (`/Shared/x`); berth sends the latter and
 * compares in it, so both spellings name one object. Volume paths go into the Files API's URL, segment by segment
 * encoded; DBFS paths lose their `dbfs:` scheme.
 */

/** `/Workspace/Shared/x/` → `/Shared/x`: the form the Workspace API takes and lists. */
export function workspaceApiPath(path: string): string {
  const trimmed = path.replace(/\/+$/, "") || "/";
  const stripped = trimmed === "/Workspace" ? "/" : trimmed.startsWith("/Workspace/") ? trimmed.slice("/Workspace".length) : trimmed;
  return stripped.startsWith("/") ? stripped : `/${stripped}`;
}

export function parentOf(path: string): string {
  const i = path.replace(/\/+$/, "").lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

export const joinPath = (folder: string, relative: string): string => `${folder.replace(/\/+$/, "")}/${relative.replace(/^\/+/, "")}`;

/** `path` relative to `folder` (both Workspace API paths), or undefined when it is not inside it. */
export function relativeTo(folder: string, path: string): string | undefined {
  const base = folder.replace(/\/+$/, "");
  return path.startsWith(`${base}/`) && path.length > base.length + 1 ? path.slice(base.length + 1) : undefined;
}

/** Every folder from `folder`'s child down to the parent of `relative` (`a/b/c.py` → `a`, `a/b`). */
export function foldersOf(relative: string): string[] {
  const parts = relative.split("/").slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}

const encodeSegments = (path: string): string => path.split("/").map(encodeURIComponent).join("/");

/** `/Volumes/c/s/v/init.sh` → `/api/2.0/fs/files/Volumes/c/s/v/init.sh` (or `…/fs/directories/…`). */
export const filesApiPath = (api: "files" | "directories", volumePath: string): string => `/api/2.0/fs/${api}${encodeSegments(`/${volumePath.replace(/^\/+/, "").replace(/\/+$/, "")}`)}`;

/** `dbfs:/init-scripts/x.sh` → `/init-scripts/x.sh`. */
export const dbfsApiPath = (path: string): string => {
  const bare = path.replace(/^dbfs:/, "").replace(/\/+$/, "");
  return bare.startsWith("/") ? bare : `/${bare}`;
};
