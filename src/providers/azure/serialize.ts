/**
 * An async mutex per key. Some ARM writes fail when two run at once on the same parent (subnets of one VNet, federated
 * credentials of one identity): the engine runs steps concurrently, so such writes take the parent's key and queue.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `work` once every earlier holder of `key` is done (whether it succeeded or failed). */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = before.then(() => mine);
    this.#tails.set(key, tail);
    try {
      await before;
      return await work();
    } finally {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  /** Keys held or waited for (for tests). */
  get size(): number {
    return this.#tails.size;
  }
}
