import { Batcher } from './batcher.js';

describe('Batcher', () => {
  it('flushes calls of one turn together and calls made during a flush in the next one', async () => {
    const flushes: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new Batcher<number, number>(async (items) => {
      flushes.push(items);
      if (flushes.length === 1) await gate;
      return items.map((i) => i * 10);
    });
    const first = [batcher.run(1), batcher.run(2)];
    await new Promise((resolve) => setImmediate(resolve));
    const later = [batcher.run(3), batcher.run(4), batcher.run(5)];
    release();
    expect(await Promise.all([...first, ...later])).toEqual([10, 20, 30, 40, 50]);
    expect(flushes).toEqual([[1, 2], [3, 4, 5]]);
  });

  it('fails only the items of a failed flush', async () => {
    let calls = 0;
    const batcher = new Batcher<number, number>(async (items) => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
      return items;
    });
    const failed = batcher.run(1);
    await expect(failed).rejects.toThrow('boom');
    await expect(batcher.run(2)).resolves.toBe(2);
  });

  it('splits at the maximum batch size', async () => {
    const sizes: number[] = [];
    const batcher = new Batcher<number, number>(async (items) => (sizes.push(items.length), items), 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => batcher.run(i)));
    expect(sizes).toEqual([2, 2, 1]);
  });
});
