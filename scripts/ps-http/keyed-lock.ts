/**
 * Serialises work per key. A session's statements must reach MySQL in the order
 * the client sent them, and the idle-timeout rollback must never interleave with
 * a statement of the same session; different sessions still run in parallel.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => done);
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      // Only the last waiter may drop the entry, otherwise a queued task would lose its place.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
