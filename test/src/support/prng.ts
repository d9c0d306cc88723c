/** A small seeded PRNG (Marsaglia's xorshift32), so a failing sequence of a property test replays from its seed. */
export function prng(seed: number): () => number {
  let x = Math.imul(seed, 0x9e3779b1) >>> 0 || 1;
  const next = (): number => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
  // The first outputs of a small seed are still small: let the state mix first.
  for (let i = 0; i < 16; i++) next();
  return next;
}
