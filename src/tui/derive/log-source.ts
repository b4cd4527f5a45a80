import type { LogLine, RingView, StoreSnapshot } from '../../core/store/index.js';
import { plainLine } from '../text/sanitize.js';

/**
 * The lines the Logs view shows before any filter: every service merged, or one service's
 * instances (their own rings, which keep more of a quiet service than the merged ring
 * does beside a noisy one), interleaved by seq. Memoised on the rings' identity: the Store
 * hands out the same ring object until it changes.
 */
export class LogSource {
  #key: unknown[] = [];
  #lines: readonly LogLine[] = [];
  #dropped = 0;
  /** a line's text without colours or escapes, made once per line */
  readonly #plain = new WeakMap<LogLine, string>();

  lines(s: StoreSnapshot, service: string | null): { lines: readonly LogLine[]; dropped: number } {
    if (service === null) return { lines: s.logs.merged.items, dropped: s.logs.merged.dropped };
    const rings: RingView<LogLine>[] = [];
    for (const svc of s.services) if (svc.name === service) for (const i of svc.instances) {
      const ring = s.logs.byInstance[i.key];
      if (ring) rings.push(ring);
    }
    if (rings.length !== this.#key.length - 1 || this.#key[0] !== service || rings.some((r, i) => r !== this.#key[i + 1])) {
      this.#key = [service, ...rings];
      this.#lines = rings.length === 1 ? rings[0]!.items : mergeBySeq(rings.map((r) => r.items));
      this.#dropped = rings.reduce((n, r) => n + r.dropped, 0);
    }
    return { lines: this.#lines, dropped: this.#dropped };
  }

  plain(line: LogLine): string {
    let p = this.#plain.get(line);
    if (p === undefined) {
      p = plainLine(line.text);
      this.#plain.set(line, p);
    }
    return p;
  }
}

function mergeBySeq(lists: (readonly LogLine[])[]): LogLine[] {
  const out: LogLine[] = [];
  const at = lists.map(() => 0);
  for (;;) {
    let best = -1;
    for (let k = 0; k < lists.length; k++) {
      const l = lists[k]![at[k]!];
      if (l && (best === -1 || l.seq < lists[best]![at[best]!]!.seq)) best = k;
    }
    if (best === -1) return out;
    out.push(lists[best]![at[best]!++]!);
  }
}
