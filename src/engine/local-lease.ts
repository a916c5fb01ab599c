/**
 * The lock of a platform that has no cluster to keep it in yet (docs/design/0010-providers-and-outputs.md): files in
 * `<state-dir>/<platform>.<env>/lock/`, one machine only.
 *
 * POSIX has no "replace this file only if it still holds what I read" — rename(2) overwrites blindly, so a lock file
 * rewritten in place lets two racing takeovers both win. What it does have is link(2), which gives a name to a file
 * only if the name is free. So the lock is a sequence of files, `<generation>.json`, never rewritten: the newest
 * generation is the lock, and every change (take, renew, take over, release) is the creation of the next generation
 * by link(2). Two writers that read generation N both try to create N+1; exactly one gets the name, the other is
 * told "conflict" — the resourceVersion of the Kubernetes Lease, emulated by the generation.
 *
 * Older generations are deleted once a newer exists (a writer checks after its link that no newer generation exists,
 * so one that links a deleted generation's name late is told it lost); the newest is never deleted, so generations
 * only grow and a stale version can never match again. A release writes a `released` generation rather than
 * deleting the last file, for the same reason.
 */
import { mkdir, readdir, readFile, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { TEMP_PREFIX, writeNewFile } from "./atomic-file.ts";
import type { LeaseRecord, LeaseStore } from "./lock.ts";
import { ioError, parseJson, parseRecord, StateFileError } from "./state-file.ts";

export const LOCK_FILE_VERSION = 1;

const Holder = z.strictObject({
  id: z.string().min(1),
  pid: z.number().int(),
  host: z.string(),
  user: z.string(),
  command: z.string(),
  since: z.string(),
});

const time = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "not a time");

const Lease = z.strictObject({
  holderIdentity: z.string().min(1),
  leaseDurationSeconds: z.number().positive(),
  acquireTime: time,
  renewTime: time,
  leaseTransitions: z.number().int().nonnegative(),
  holder: Holder.optional(),
});

/** A generation holds the lease, or says it was released (the lock is free). */
const LockFile = z
  .strictObject({ version: z.literal(LOCK_FILE_VERSION), generation: z.number().int().positive(), lease: Lease.optional(), released: z.literal(true).optional() })
  .refine((f) => (f.lease === undefined) !== (f.released === undefined), "exactly one of lease and released");
type LockFile = z.infer<typeof LockFile>;

const GENERATION = /^(\d+)\.json$/;
/** Zero-padded so `ls` shows them in order; read back as numbers, so more digits still sort right. */
const fileName = (generation: number): string => `${String(generation).padStart(10, "0")}.json`;
/** A temporary a crashed writer left is removed once it is surely not being written any more. */
const STALE_TEMP_MS = 10 * 60_000;

export class LocalLeaseStore implements LeaseStore {
  readonly dir: string;

  /** `stateDir` is the platform/env's folder (`.berth/shop.dev`). */
  constructor(stateDir: string) {
    this.dir = join(stateDir, "lock");
  }

  /** Files on this machine: a dead holder here is dead for certain (see LeaseStore.machineLocal). */
  readonly machineLocal = true;

  get where(): string {
    return `lock files ${this.dir}`;
  }

  async read(): Promise<{ lease: LeaseRecord; resourceVersion: string } | undefined> {
    const newest = await this.#newest();
    return newest?.file.lease ? { lease: newest.file.lease, resourceVersion: String(newest.generation) } : undefined;
  }

  async create(lease: LeaseRecord): Promise<{ resourceVersion: string } | "conflict"> {
    const newest = await this.#newest();
    if (newest?.file.lease) return "conflict";
    const next = (newest?.generation ?? 0) + 1;
    return (await this.#write(next, { lease })) ? { resourceVersion: String(next) } : "conflict";
  }

  async replace(lease: LeaseRecord, resourceVersion: string): Promise<{ resourceVersion: string } | "conflict" | "gone"> {
    const read = generationOf(resourceVersion);
    if (read !== undefined && (await this.#write(read + 1, { lease }))) return { resourceVersion: String(read + 1) };
    return (await this.read()) ? "conflict" : "gone";
  }

  async remove(resourceVersion?: string): Promise<boolean> {
    const version = resourceVersion ?? (await this.read())?.resourceVersion;
    const read = version === undefined ? undefined : generationOf(version);
    return read !== undefined && this.#write(read + 1, { released: true });
  }

  /** Creates generation `n`; false when it exists or a newer one does (someone else changed the lock since). */
  async #write(n: number, body: { lease: LeaseRecord } | { released: true }): Promise<boolean> {
    const target = join(this.dir, fileName(n));
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      if (!(await writeNewFile(target, `${JSON.stringify({ version: LOCK_FILE_VERSION, generation: n, ...body })}\n`))) return false;
    } catch (error) {
      throw ioError("STATE-UNWRITABLE", target, error);
    }
    const { generations } = await this.#list();
    if (generations.some((g) => g > n)) {
      // Our name was free only because an older generation had been cleaned away: a newer one is the lock.
      await unlink(target).catch(() => undefined);
      return false;
    }
    await this.#clean(generations.filter((g) => g < n));
    return true;
  }

  async #list(): Promise<{ generations: number[]; temps: string[] }> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { generations: [], temps: [] };
      throw ioError("STATE-UNREADABLE", this.dir, error);
    }
    const generations: number[] = [];
    const temps: string[] = [];
    for (const name of names) {
      const m = GENERATION.exec(name);
      if (m) generations.push(Number(m[1]));
      else if (name.startsWith(TEMP_PREFIX)) temps.push(name);
    }
    return { generations: generations.sort((a, b) => a - b), temps };
  }

  async #newest(): Promise<{ generation: number; file: LockFile } | undefined> {
    // A writer may clean away the generation we listed as newest before we read it: a newer one exists then, look again.
    for (let tries = 0; tries < 100; tries++) {
      const { generations } = await this.#list();
      const generation = generations.at(-1);
      if (generation === undefined) return undefined;
      const path = join(this.dir, fileName(generation));
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw ioError("STATE-UNREADABLE", path, error);
      }
      return { generation, file: parseLockFile(path, text, generation) };
    }
    throw new StateFileError("STATE-UNREADABLE", this.dir, "the lock changed 100 times while being read");
  }

  async #clean(older: readonly number[]): Promise<void> {
    for (const g of older) await unlink(join(this.dir, fileName(g))).catch(() => undefined);
    const { temps } = await this.#list();
    for (const t of temps) {
      const path = join(this.dir, t);
      const s = await stat(path).catch(() => undefined);
      if (s && Date.now() - s.mtimeMs > STALE_TEMP_MS) await unlink(path).catch(() => undefined);
    }
  }
}

/** A resourceVersion this store handed out; anything else matches no generation. */
function generationOf(resourceVersion: string): number | undefined {
  return /^\d+$/.test(resourceVersion) ? Number(resourceVersion) : undefined;
}

/** One generation of the lock, read strictly. */
export function parseLockFile(path: string, text: string, generation: number): LockFile {
  const file = parseRecord(path, parseJson(path, text), LockFile, LOCK_FILE_VERSION);
  if (file.generation !== generation) throw new StateFileError("STATE-MALFORMED", path, `generation ${file.generation} in a file named for generation ${generation}`);
  return file;
}
