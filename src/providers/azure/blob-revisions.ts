/**
 * The history in a blob container: one block blob per revision, `<folder>/revisions/<n>.json.gz`, holding the same
 * gzip-compressed, versioned record a revision Secret or file holds (engine/revisions.ts). A revision is created with
 * If-None-Match: * — of two runs that somehow both numbered a revision N (the lock cleared under a running berth),
 * the service lets one write it — and replaced only by the lock's holder. Read strictly, as the local files are: a
 * revision that cannot be read is an error naming its blob, never left out of `history` and `rollback` silently.
 */
import type { ContainerClient } from "@azure/storage-blob";
import { decodeRevision, encodeRevision, type Revision, type RevisionStore } from "../../engine/revisions.ts";
import { StateFileError } from "../../engine/state-file.ts";
import { mapLimited } from "../../util/map-limited.ts";
import { type BlobStateContainer, isAnswer } from "./blob-container.ts";

const FOLDER = "revisions/";
const REVISION_BLOB = /^(\d+)\.json\.gz$/;
const blobName = (revision: number): string => `${FOLDER}${revision}.json.gz`;

export class BlobRevisionStore implements RevisionStore {
  constructor(private readonly container: BlobStateContainer) {}

  get where(): string {
    return `blobs ${this.container.where(FOLDER)}*.json.gz`;
  }

  #blob(c: ContainerClient, revision: number) {
    return c.getBlockBlobClient(this.container.name(blobName(revision)));
  }

  async list(): Promise<Revision[]> {
    const prefix = this.container.name(FOLDER);
    const names = await this.container.request(
      `read the history (${this.where})`,
      async (c) => {
        const found: number[] = [];
        for await (const b of c.listBlobsFlat({ prefix })) {
          const m = REVISION_BLOB.exec(b.name.slice(prefix.length));
          if (m) found.push(Number(m[1]));
        }
        return found;
      },
      [404],
    );
    // No container yet: no history yet.
    if (isAnswer(names)) return [];
    const read = await mapLimited(names, 8, (n) => this.#read(n));
    return read.filter((r): r is Revision => r !== undefined).sort((a, b) => a.revision - b.revision);
  }

  /** One revision; undefined when it was deleted since it was listed (retention by the holder). */
  async #read(revision: number): Promise<Revision | undefined> {
    const where = this.container.where(blobName(revision));
    const data = await this.container.request(`read revision ${revision} (${where})`, (c) => this.#blob(c, revision).downloadToBuffer(), [404]);
    if (isAnswer(data)) return undefined;
    const r = decodeRevision(data, where);
    if (r.revision !== revision) throw new StateFileError("STATE-MALFORMED", where, `revision ${r.revision} in a blob named for revision ${revision}`);
    return r;
  }

  async create(r: Revision): Promise<void> {
    const where = this.container.where(blobName(r.revision));
    const written = await this.#write(r, { ifNoneMatch: "*" });
    // (the same run's revision is a retried create whose first try landed)
    if (isAnswer(written) && (await this.#read(r.revision))?.run !== r.run)
      throw new Error(`revision ${r.revision} already exists (${where}): was the lock cleared under a running berth?`);
  }

  /** Only the lock's holder calls this, so a plain replace is safe. */
  async replace(r: Revision): Promise<void> {
    await this.#write(r, {});
  }

  async remove(revision: number): Promise<void> {
    await this.container.request(`delete revision ${revision} beyond --history-max (${this.where})`, (c) => this.#blob(c, revision).deleteIfExists());
  }

  #write(r: Revision, conditions: { ifNoneMatch?: string }) {
    const data = encodeRevision(r);
    return this.container.request(
      `record revision ${r.revision} (${this.where})`,
      (c) =>
        this.#blob(c, r.revision).upload(data, data.length, {
          conditions,
          blobHTTPHeaders: { blobContentType: "application/gzip" },
          // For people listing the container (az storage blob list --include m): what each revision is, unpacked.
          metadata: { revision: String(r.revision), action: r.action, status: r.status },
        }),
      [409],
      true,
    );
  }
}
