/**
 * The journal in a blob container: an append blob, `<folder>/journal.jsonl`, the same JSON lines as the local file
 * (engine/journal.ts), so a run interrupted on one machine resumes on any other. Each entry is one appended block,
 * committed before `append` returns — an append block is all or nothing, so there is no torn line to cut.
 *
 * A run's writer starts the blob anew: what a resume needs is the last run's entries only (unfinishedRun), and they
 * were read before the new run starts; an append blob holds at most 50,000 blocks, so a journal kept forever would
 * fill. Appends carry the offset they expect (appendPosition): an append that finds the blob longer is a retry whose
 * first try landed (the tail is that very line) or someone else's write — then no further change may be made.
 * Appends of one writer go one after another, in the order the engine made them.
 */
import type { AppendBlobClient, ContainerClient } from "@azure/storage-blob";
import { type JournalEntry, type JournalStore, type JournalWriter, JournalWriteError, journalLine, parseJournal } from "../../engine/journal.ts";
import { type BlobStateContainer, isAnswer } from "./blob-container.ts";

export const JOURNAL_BLOB = "journal.jsonl";

export class BlobJournal implements JournalStore {
  constructor(private readonly container: BlobStateContainer) {}

  get where(): string {
    return this.container.where(JOURNAL_BLOB);
  }

  async read(): Promise<JournalEntry[]> {
    const data = await this.container.request(`read the journal (${this.where})`, (c) => blobOf(c, this.container).downloadToBuffer(), [404]);
    return isAnswer(data) ? [] : parseJournal(data.toString("utf8"), this.where);
  }

  writer(): JournalWriter {
    return new BlobJournalWriter(this.container, this.where);
  }
}

const blobOf = (c: ContainerClient, container: BlobStateContainer): AppendBlobClient => c.getAppendBlobClient(container.name(JOURNAL_BLOB));

class BlobJournalWriter implements JournalWriter {
  /** Bytes written so far by this run; undefined until the run's journal is started. */
  #offset: number | undefined;
  #queue: Promise<void> = Promise.resolve();
  /** The first failure: every later append fails with it (the offsets no longer say where the blob ends). */
  #broken: JournalWriteError | undefined;

  constructor(
    private readonly container: BlobStateContainer,
    private readonly where: string,
  ) {}

  append(entry: Omit<JournalEntry, "at">): Promise<void> {
    const line = Buffer.from(journalLine(entry), "utf8");
    const done = this.#queue.then(() => this.#write(line));
    this.#queue = done.catch(() => undefined);
    return done;
  }

  async #write(line: Buffer): Promise<void> {
    if (this.#broken) throw this.#broken;
    try {
      if (this.#offset === undefined) {
        await this.container.request(`start the journal (${this.where})`, (c) => blobOf(c, this.container).create(), [], true);
        this.#offset = 0;
      }
      const offset = this.#offset;
      const appended = await this.container.request(`write the journal (${this.where})`, (c) => blobOf(c, this.container).appendBlock(line, line.length, { conditions: { appendPosition: offset } }), [412]);
      if (isAnswer(appended) && !(await this.#landed(offset, line))) throw new JournalWriteError(`the journal ${this.where} was written by someone else during this run (was the lock cleared under it?)`);
      this.#offset = offset + line.length;
    } catch (error) {
      this.#broken = error instanceof JournalWriteError ? error : new JournalWriteError(`cannot write the journal ${this.where}: ${error instanceof Error ? error.message : String(error)}`);
      throw this.#broken;
    }
  }

  /** Whether the blob ends with exactly this line at this offset: an append retried after its first try landed. */
  async #landed(offset: number, line: Buffer): Promise<boolean> {
    const tail = await this.container.request(`read the journal (${this.where})`, (c) => blobOf(c, this.container).downloadToBuffer(offset), [404, 416]);
    return !isAnswer(tail) && tail.equals(line);
  }
}
