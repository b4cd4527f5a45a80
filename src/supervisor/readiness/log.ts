/** A source of output lines: registers a listener and returns the function that removes it. */
export type LineSource = (listener: (line: string) => void) => () => void;

/**
 * Log readiness: resolves with the first output line (stdout or stderr) matching `pattern`.
 * Rejects only when `signal` aborts (the caller's timeout or the process exiting).
 */
export function waitForLine(pattern: RegExp, lines: LineSource, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    // A global or sticky regex keeps lastIndex between test() calls; match with a fresh copy.
    const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
    const onAbort = () => {
      off();
      reject(signal.reason);
    };
    const off = lines((line) => {
      if (!re.test(line)) return;
      off();
      signal.removeEventListener('abort', onAbort);
      resolve(line);
    });
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
