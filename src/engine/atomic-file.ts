/**
 * Whole-file writes that a crash cannot leave half done: the bytes go to a temporary file beside the target, are
 * flushed, and only then take the target's name — by link(2) when the name must be new (it fails if the name exists,
 * so of two writers exactly one gets it), by rename(2) when it replaces. A reader sees the old file or the new one,
 * never part of one. A temporary left by a crash starts with TEMP_PREFIX and is never read as state.
 */
import { randomUUID } from "node:crypto";
import { link, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export const TEMP_PREFIX = ".tmp-";

async function writeTemp(target: string, data: string | Buffer, mode: number): Promise<string> {
  const temp = join(dirname(target), `${TEMP_PREFIX}${basename(target)}-${process.pid}-${randomUUID().slice(0, 8)}`);
  const file = await open(temp, "wx", mode);
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  return temp;
}

/** The folder's entries (the new name) reach the disk too, not only the file's bytes. */
async function syncDir(dir: string): Promise<void> {
  try {
    const d = await open(dir, "r");
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Some systems refuse to open or fsync a directory (Windows); the file itself is flushed.
  }
}

/** Writes `target` only if no file has that name: false (nothing written) when one exists. */
export async function writeNewFile(target: string, data: string | Buffer, mode = 0o600): Promise<boolean> {
  const temp = await writeTemp(target, data, mode);
  try {
    await link(temp, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await syncDir(dirname(target));
  return true;
}

/** Writes `target`, replacing whatever was there in one step. */
export async function replaceFile(target: string, data: string | Buffer, mode = 0o600): Promise<void> {
  const temp = await writeTemp(target, data, mode);
  try {
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDir(dirname(target));
}
