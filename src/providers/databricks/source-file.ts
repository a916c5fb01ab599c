/**
 * A repository file a Databricks step uploads (an init script, a notebook), read when the step runs: the plan was made
 * with its sha256, so a file edited since is refused rather than uploaded unseen by the plan.
 */
import { sha256 } from "../../util/sha256.ts";
import { readFile } from "node:fs/promises";
import type { SourceFile } from "../../resources/databricks-resource.ts";
import { refused } from "./kind-errors.ts";


/** How a change names content: short, stable, never the content itself. */
export const digestLabel = (bytes: Uint8Array): string => `sha256:${sha256(bytes).slice(0, 12)} (${bytes.length} bytes)`;

/** The file's bytes as the plan saw them, or why they cannot be had (unreadable, or changed since the plan). */
export async function trySource(source: SourceFile): Promise<{ readonly bytes: Uint8Array } | { readonly problem: string }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(source.path);
  } catch (error) {
    return { problem: `cannot read ${source.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  const actual = sha256(bytes);
  if (actual !== source.sha256.toLowerCase())
    return { problem: `${source.path} changed since the plan was made (sha256 ${actual.slice(0, 12)}…, the plan has ${source.sha256.slice(0, 12)}…); make the plan again (berth plan / berth up) so it shows what will be uploaded` };
  return { bytes };
}

/** The file's bytes, exactly as the plan saw them: a run uploads nothing else. `what` names the resource. */
export async function readSource(source: SourceFile, what: string): Promise<Uint8Array> {
  const got = await trySource(source);
  if ("problem" in got) throw refused(`${what}: ${got.problem}`);
  return got.bytes;
}
