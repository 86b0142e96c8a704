// A seedable PRNG for sampling and for deterministic test data.
// Written by hand (mulberry32, a few lines of 32-bit integer arithmetic) because a seed must give the
// same sequence on every platform and release forever: it is part of what `GenerationOptions.seed` promises.

/** Returns a function yielding uniform floats in [0, 1) with 2^-32 resolution. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
