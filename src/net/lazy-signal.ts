import type { EventEmitter } from 'node:events';

/**
 * "The client went away, or devmode is stopping", as an AbortSignal made on first use.
 * Most calls never wait (an instance is ready, no fault applies), and building a signal
 * and listener for every request cost more CPU than proxying it (measured with
 * test/bench/gateway.ts: 100 -> 43 µs per request without it).
 */
export function lazyAbortSignal(client: EventEmitter, stopping: AbortSignal): () => AbortSignal {
  let signal: AbortSignal | undefined;
  return () => {
    if (signal) return signal;
    const abort = new AbortController();
    client.once('close', () => abort.abort());
    signal = AbortSignal.any([abort.signal, stopping]);
    return signal;
  };
}
