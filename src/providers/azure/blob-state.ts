/**
 * berth's state in an Azure Storage blob container (`spec.state.backend: azureBlob`, docs/state.md): the lock, the
 * history and the journal of one platform/env, under `[<prefix>/]<platform>.<env>/` in the container.
 */
import type { JournalStore } from "../../engine/journal.ts";
import type { LeaseStore } from "../../engine/lock.ts";
import type { RevisionStore } from "../../engine/revisions.ts";
import { BlobStateContainer, type BlobStateOptions } from "./blob-container.ts";
import { BlobJournal } from "./blob-journal.ts";
import { BlobLeaseStore } from "./blob-lease.ts";
import { BlobRevisionStore } from "./blob-revisions.ts";

export { CONNECTION_STRING_ENV, type BlobStateOptions } from "./blob-container.ts";

export interface BlobStateStores {
  readonly lease: LeaseStore;
  readonly revisions: RevisionStore;
  readonly journal: JournalStore;
}

/** The stores of one platform/env; nothing is sent until one of them is used. */
export function blobStateStores(options: BlobStateOptions): BlobStateStores {
  const container = new BlobStateContainer(options);
  return { lease: new BlobLeaseStore(container), revisions: new BlobRevisionStore(container), journal: new BlobJournal(container) };
}
