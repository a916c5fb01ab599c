/**
 * Repository files a Databricks step uploads: read when the plan is made, named in it by absolute path and sha256
 * (never by content, so plans and revisions stay small), and read again by the provider, which refuses a file that
 * changed since. The spec rules only look for them (`fileProblem`, `listFolder`); synth reads and hashes them.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import type { SourceFile } from "../../resources/databricks-resource.ts";
import { sha256 } from "../../util/sha256.ts";

/** Why the file at `path` (relative to `baseDir`) cannot be uploaded, or undefined when it is there. */
export function fileProblem(baseDir: string, path: string): string | undefined {
  try {
    return statSync(resolve(baseDir, path)).isFile() ? undefined : `${path} is not a file`;
  } catch {
    return `${path} does not exist`;
  }
}

/** The file at `path` (relative to `baseDir`), or why it cannot be read. */
export function sourceFile(baseDir: string, path: string): SourceFile | { readonly problem: string } {
  const problem = fileProblem(baseDir, path);
  if (problem) return { problem };
  const full = resolve(baseDir, path);
  return { path: full, sha256: sha256(readFileSync(full)) };
}

/** Every file below a folder (absolute, and relative with '/'), sorted; hidden files and folders left out. */
export function listFolder(baseDir: string, folder: string): { readonly files: { readonly relative: string; readonly path: string }[] } | { readonly problem: string } {
  const root = resolve(baseDir, folder);
  try {
    if (!statSync(root).isDirectory()) return { problem: `${folder} is not a folder` };
  } catch {
    return { problem: `${folder} does not exist` };
  }
  const out: { relative: string; path: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith(".")) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push({ relative: relative(root, full).split(sep).join("/"), path: full });
    }
  };
  walk(root);
  return { files: out };
}

/** listFolder with each file read and hashed: what a notebooks step names. */
export function folderFiles(baseDir: string, folder: string): { readonly files: { readonly relative: string; readonly file: SourceFile }[] } | { readonly problem: string } {
  const listed = listFolder(baseDir, folder);
  if ("problem" in listed) return listed;
  return { files: listed.files.map((f) => ({ relative: f.relative, file: { path: f.path, sha256: sha256(readFileSync(f.path)) } })) };
}
