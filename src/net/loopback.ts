/**
 * Loopback addresses of their own for callers. Linux answers on all of 127.0.0.0/8 (the
 * kernel's local route covers the whole block) with no setup, so a listener bound to the
 * wildcard address can tell which of those addresses a connection was made to; macOS and
 * Windows answer on 127.0.0.1 only, unless aliases are added by hand.
 */
export function loopbackBlockRouted(platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'linux';
}

/** Instances per caller block: 127.A.B.1 .. 127.A.B.250 (0 and 255 left alone). */
export const INSTANCES_PER_BLOCK = 250;

/**
 * Hands out a /24 block of 127/8 per caller name, stable across runs and machines: FNV-1a
 * (32-bit) of `system/caller` picks 127.A.B.0 (A from 1: 127.0.x.x, where 127.0.0.1 lives,
 * is left to everything else), probing to the next block when two names meet. Instance i of
 * a caller gets 127.A.B.(i+1). Which caller takes a contested block depends on the order
 * of assignment: callers are assigned in the config's order.
 */
export class LoopbackPlan {
  readonly #system: string;
  readonly #blocks = new Map<string, number>();
  readonly #taken = new Set<number>();

  constructor(system: string) {
    this.#system = system;
  }

  /** The address of instance `instance` of `caller` (the block is assigned on first use). */
  address(caller: string, instance: number): string {
    if (!Number.isInteger(instance) || instance < 0 || instance >= INSTANCES_PER_BLOCK) {
      throw new RangeError(`a caller can have at most ${INSTANCES_PER_BLOCK} instances with an address each (got instance ${instance} of ${caller})`);
    }
    const block = this.#block(caller);
    return `127.${block >> 8}.${block & 0xff}.${instance + 1}`;
  }

  #block(caller: string): number {
    let block = this.#blocks.get(caller);
    if (block !== undefined) return block;
    // Blocks 256..65279: A in 1..254, B in 0..255 (127.255.x.x holds the broadcast address).
    const first = 256;
    const count = 254 * 256;
    let hash = 0x811c9dc5;
    for (const byte of Buffer.from(`${this.#system}/${caller}`, 'utf8')) {
      hash ^= byte;
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    block = first + (hash % count);
    while (this.#taken.has(block)) block = first + ((block - first + 1) % count);
    this.#taken.add(block);
    this.#blocks.set(caller, block);
    return block;
  }
}
