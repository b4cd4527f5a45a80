import type { WaitOptions } from './store.js';

/**
 * A promise that `listen` resolves (it returns its unsubscribe), rejected after the timeout
 * (an Error naming `what`, plus `detail()`) or when the signal aborts; cleans up either way.
 */
export function waitUntil<T>(options: WaitOptions, what: string, listen: (resolve: (value: T) => void) => () => void, detail?: () => string): Promise<T> {
  const timeoutMs = options.timeout ?? 15_000;
  return new Promise<T>((resolve, reject) => {
    if (options.signal?.aborted) return reject(options.signal.reason);
    let off: () => void = () => {};
    const finish = () => {
      off();
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      finish();
      reject(options.signal?.reason);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`${what} did not come within ${timeoutMs} ms${detail?.() ?? ''}`));
    }, timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    off = listen((value) => {
      finish();
      resolve(value);
    });
  });
}
