/**
 * Repository files a Databricks step uploads: read when the plan is made, named in it by absolute path and sha256
 * (never by content, so plans and revisions stay small), and read again by the provider, which refuses a file that
 * changed since. A missing file is a diagnostic at the spec path that names it.
 */
import { sha256 } from "../../util/sha256.ts";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import type { SourceFile } from "../../resources/databricks-resource.ts";


/** The file at `path` (relative to `baseDir`), or why it cannot be read. */
export function sourceFile(baseDir: string, path: string): SourceFile | { readonly problem: string } {
  const full = resolve(baseDir, path);
  try {
    if (!statSync(full).isFile()) return { problem: `${path} is not a file` };
    return { path: full, sha256: sha256(readFileSync(full)) };
  } catch {
    return { problem: `${path} does not exist` };
  }
}

/** Every file below a folder, relative paths with '/', sorted; hidden files and folders left out. */
export function folderFiles(baseDir: string, folder: string): { readonly files: { readonly relative: string; readonly file: SourceFile }[] } | { readonly problem: string } {
  const root = resolve(baseDir, folder);
  try {
    if (!statSync(root).isDirectory()) return { problem: `${folder} is not a folder` };
  } catch {
    return { problem: `${folder} does not exist` };
  }
  const out: { relative: string; file: SourceFile }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith(".")) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push({ relative: relative(root, full).split(sep).join("/"), file: { path: full, sha256: sha256(readFileSync(full)) } });
    }
  };
  walk(root);
  return { files: out };
}
