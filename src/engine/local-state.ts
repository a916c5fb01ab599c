/**
 * State kept in the state folder instead of the cluster, for a plan whose cluster does not exist yet (or that has
 * none): the lock and the history of one platform/env, protecting one machine only. See
 * docs/design/0010-providers-and-outputs.md, "State when the cluster does not exist yet".
 */
import { LocalLeaseStore } from "./local-lease.ts";
import { LocalRevisionStore } from "./local-revisions.ts";
import type { LeaseStore } from "./lock.ts";
import type { RevisionStore } from "./revisions.ts";
import { statePaths } from "./state-dir.ts";

export { LocalLeaseStore } from "./local-lease.ts";
export { LocalRevisionStore } from "./local-revisions.ts";

/** The lock and history of `instance` (`shop.dev`) under `stateDir` (`.berth`). */
export function localStateStores(stateDir: string, instance: string): { readonly lease: LeaseStore; readonly revisions: RevisionStore } {
  const { dir } = statePaths(stateDir, instance);
  return { lease: new LocalLeaseStore(dir), revisions: new LocalRevisionStore(dir) };
}
