/**
 * Coalesces concurrent calls into one `flush` over all of them: items requested while a flush
 * runs wait for it and go together in the next one, so N jobs that each need one statement share
 * one statement. A lone call is flushed at the next turn of the event loop (so calls made in the
 * same turn, such as jobs started together, share it). Each caller gets its own item's result;
 * when a flush throws, every item of that flush gets the error.
 */
export class Batcher<I, O> {
  private pending: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  private running = false;

  /** `flush` returns one result per item, in the items' order. */
  constructor(
    private readonly flush: (items: I[]) => Promise<O[]>,
    private readonly maxBatch = 200,
  ) {}

  run(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.running) return;
      this.running = true;
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch);
        try {
          const results = await this.flush(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(results[i]));
        } catch (error) {
          for (const b of batch) b.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
