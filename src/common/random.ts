/**
 * A small, fast, deterministic PRNG (mulberry32) with the draws the demo generator and the
 * benchmarks need: the same seed gives the same data on every machine.
 */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)],
    /** Log-normal with this median; sigma ≈ spread (0.9: p90 ≈ 3.2 × median). */
    logNormal: (median: number, sigma: number) => median * Math.exp(sigma * gaussian()),
    weighted: <T>(items: readonly (readonly [T, number])[]): T => {
      const total = items.reduce((acc, [, w]) => acc + w, 0);
      let r = next() * total;
      for (const [item, w] of items) if ((r -= w) < 0) return item;
      return items[items.length - 1][0];
    },
  };
}
