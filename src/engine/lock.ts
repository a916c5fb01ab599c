/**
 * One run at a time per platform/env: a lock file created exclusively, naming its holder. A holder that died
 * (SIGKILL) leaves its lock; the next run refuses and says so — `berth unlock --force` clears it deliberately.
 */
import { existsSync, openSync, readFileSync, rmSync, writeSync, closeSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { randomUUID } from "node:crypto";

export interface LockHolder {
  readonly id: string;
  readonly pid: number;
  readonly host: string;
  readonly user: string;
  readonly command: string;
  readonly since: string;
}

export class LockHeld extends Error {
  constructor(
    readonly holder: LockHolder | undefined,
    /** The holder's process is gone (same host, no such pid). */
    readonly stale: boolean,
  ) {
    super(
      holder
        ? `another berth run holds the lock: ${holder.command} (pid ${holder.pid} on ${holder.host}, user ${holder.user}, since ${holder.since}, lock ${holder.id})${stale ? "; that process is no longer running" : ""}`
        : "another berth run holds the lock (unreadable lock file)",
    );
  }
}

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

export function readLock(path: string): LockHolder | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LockHolder;
  } catch {
    return undefined;
  }
}

export function acquireLock(path: string, command: string): { readonly holder: LockHolder; release(): void } {
  const holder: LockHolder = { id: randomUUID().slice(0, 8), pid: process.pid, host: hostname(), user: userInfo().username, command, since: new Date().toISOString() };
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const current = readLock(path);
    throw new LockHeld(current, current !== undefined && current.host === hostname() && !processAlive(current.pid));
  }
  writeSync(fd, JSON.stringify(holder));
  closeSync(fd);
  return {
    holder,
    release: () => {
      if (readLock(path)?.id === holder.id) rmSync(path, { force: true });
    },
  };
}

/** Clears a lock; with an id, only that lock (so a lock taken since is not cleared by mistake). */
export function forceUnlock(path: string, id?: string): LockHolder | undefined {
  const current = readLock(path);
  if (!existsSync(path)) return undefined;
  if (id && current && current.id !== id) throw new Error(`the lock is ${current.id}, not ${id}; nothing was cleared`);
  rmSync(path, { force: true });
  return current;
}
