/**
 * The history of a platform that has no cluster to keep it in yet: `<state-dir>/<platform>.<env>/revisions/<n>.json.gz`,
 * each the same gzip-compressed, versioned record a revision Secret holds (revisions.ts), written whole (temporary
 * file, then link or rename), readable by the user only (0600). Only the lock's holder writes, as in the cluster.
 * A file that cannot be read is an error naming it: a history with a revision silently missing would let `rollback`
 * pick the wrong one and `up` number a new revision over an old one.
 */
import { mkdir, readdir, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import { replaceFile, writeNewFile } from "./atomic-file.ts";
import { decodeRevision, encodeRevision, type Revision, type RevisionStore } from "./revisions.ts";
import { ioError, StateFileError } from "./state-file.ts";

const REVISION_FILE = /^(\d+)\.json\.gz$/;
const fileName = (revision: number): string => `${revision}.json.gz`;

export class LocalRevisionStore implements RevisionStore {
  readonly dir: string;

  /** `stateDir` is the platform/env's folder (`.berth/shop.dev`). */
  constructor(stateDir: string) {
    this.dir = join(stateDir, "revisions");
  }

  get where(): string {
    return `files ${this.dir}/*.json.gz`;
  }

  async list(): Promise<Revision[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw ioError("STATE-UNREADABLE", this.dir, error);
    }
    const out: Revision[] = [];
    for (const name of names) {
      const m = REVISION_FILE.exec(name);
      if (!m) continue; // a temporary being written, or a file that is not berth's
      out.push(await this.#read(join(this.dir, name), Number(m[1])));
    }
    return out.sort((a, b) => a.revision - b.revision);
  }

  async #read(path: string, revision: number): Promise<Revision> {
    let data: Buffer;
    try {
      data = await readFile(path);
    } catch (error) {
      throw ioError("STATE-UNREADABLE", path, error);
    }
    const r = decodeRevision(data, path);
    if (r.revision !== revision) throw new StateFileError("STATE-MALFORMED", path, `revision ${r.revision} in a file named for revision ${revision}`);
    return r;
  }

  async create(r: Revision): Promise<void> {
    const path = join(this.dir, fileName(r.revision));
    let written: boolean;
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      written = await writeNewFile(path, encodeRevision(r));
    } catch (error) {
      throw ioError("STATE-UNWRITABLE", path, error);
    }
    // (the same run's revision is a retried create whose first write landed)
    if (!written && (await this.#read(path, r.revision)).run !== r.run)
      throw new Error(`revision ${r.revision} already exists (${path}): was the lock cleared under a running berth?`);
  }

  /** Only the lock's holder calls this, so a plain replace is safe. */
  async replace(r: Revision): Promise<void> {
    const path = join(this.dir, fileName(r.revision));
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await replaceFile(path, encodeRevision(r));
    } catch (error) {
      throw ioError("STATE-UNWRITABLE", path, error);
    }
  }

  async remove(revision: number): Promise<void> {
    const path = join(this.dir, fileName(revision));
    try {
      await unlink(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw ioError("STATE-UNWRITABLE", path, error);
    }
  }
}
