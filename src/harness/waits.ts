import type { Store } from '../core/store/index.js';
import { lastLines, LOG_LINES_SHOWN, printable } from './explain.js';

/** A wait ended because a service it depends on exited by itself. */
export class ServiceExitedError extends Error {
  constructor(
    message: string,
    readonly service: string,
    readonly instance: number,
    readonly exit: { code: number | null; signal: string | null },
  ) {
    super(message);
    this.name = 'ServiceExitedError';
  }
}

/** A wait saw nothing matching in time; the message explains what it saw instead. */
export class WaitTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaitTimeoutError';
  }
}

export interface WaitEngineInput<T> {
  store: Store;
  /** e.g. `waitForCall({to: 'user'})`, the first words of every error */
  label: string;
  /** looks once; undefined = not yet */
  check: () => Promise<T | undefined> | T | undefined;
  /** ms between looks when no Store change wakes the wait (the broker is read, not followed) */
  pollMs: number | null;
  timeoutMs: number;
  /** abort when an instance of one of these exits by itself; empty = of any service */
  services: readonly string[];
  signal?: AbortSignal | undefined;
  /** the explanation after "nothing matched within N ms" */
  explain: () => Promise<string>;
}

/**
 * Looks, then waits for a change (a Store change, or the poll interval) and looks again,
 * until found, the timeout, or an instance of a service the wait depends on exits by
 * itself, which fails the wait at once with the exit and the instance's last lines
 * instead of letting it run out its time.
 */
export async function waitUntil<T>(input: WaitEngineInput<T>): Promise<T> {
  const started = Date.now();
  const deadline = started + input.timeoutMs;
  let exited: ServiceExitedError | undefined;
  let wake: (() => void) | undefined;
  const poke = () => wake?.();
  const watched = new Set(input.services);
  const offEvent = input.store.onEvent((event) => {
    if (exited || event.type !== 'instance.state' || event.state !== 'exited') return;
    if (watched.size > 0 && !watched.has(event.ref.service)) return;
    const exit = event.exit ?? { code: null, signal: null };
    const key = `${event.ref.service}.${event.ref.instance}`;
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code ?? 'unknown'}`;
    // the Store folds this very event before listeners run, so its last lines are there
    const lines = lastLines(input.store.getSnapshot(), event.ref.service, LOG_LINES_SHOWN).filter((_, i, all) => belongsTo(all, i, key));
    exited = new ServiceExitedError(
      `${input.label} stopped waiting after ${Date.now() - started} ms: ${key} ${how}${event.detail ? ` (${printable(event.detail)})` : ''}.\n${lines.join('\n')}`,
      event.ref.service,
      event.ref.instance,
      exit,
    );
    poke();
  });
  const offChange = input.store.subscribe(poke);
  input.signal?.addEventListener('abort', poke);
  try {
    for (;;) {
      if (exited) throw exited;
      if (input.signal?.aborted) throw input.signal.reason instanceof Error ? input.signal.reason : new Error(`${input.label} was aborted`);
      const found = await input.check();
      if (found !== undefined) return found;
      if (exited) throw exited;
      const left = deadline - Date.now();
      if (left <= 0) throw new WaitTimeoutError(`${input.label}: nothing matched within ${input.timeoutMs} ms.\n${await input.explain()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, input.pollMs === null ? left : Math.min(left, input.pollMs));
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    }
  } finally {
    offEvent();
    offChange();
    input.signal?.removeEventListener('abort', poke);
  }
}

/** lastLines() lists every instance of a service; keep the section of the one that exited. */
function belongsTo(all: readonly string[], index: number, key: string): boolean {
  for (let i = index; i >= 0; i--) {
    const line = all[i]!;
    if (line.startsWith('Last lines of ')) return line.startsWith(`Last lines of ${key} `);
  }
  return false;
}
