/**
 * mulberry32: a tiny 32-bit PRNG. Not for secrets; here so that a run with percentages
 * and jitter can be repeated exactly (same seed, same rules, same calls → same faults).
 * Returns a function giving floats in [0, 1).
 */
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

/**
 * Mixes a rule's id into the table's seed (FNV-1a), so each rule draws from its own
 * sequence: adding or removing one rule does not shift the others' decisions.
 */
export function seedFor(seed: number, id: string): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
