import { http } from '../../net/node-http.js';

/**
 * One HTTP readiness attempt: GET `path` on host:port; a 2xx or 3xx answer passes.
 * Rejects with a short reason (`connect ECONNREFUSED`, `answered 503`) for the timeout message.
 */
export function probeHttp(host: string, port: number, path: string, attemptTimeoutMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    // agent: false so a probe never reuses a socket a previous attempt left half-open
    const req = http.request({ host, port, path, method: 'GET', agent: false, headers: { 'user-agent': 'devmode-readiness' } });
    // The listener is ours to remove: passing `signal` to http.request() leaves one behind per attempt.
    const onAbort = () => req.destroy(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (error?: Error) => {
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    req.once('response', (res) => {
      res.resume();
      req.destroy();
      const status = res.statusCode ?? 0;
      settle(status >= 200 && status < 400 ? undefined : new Error(`answered ${status}`));
    });
    req.setTimeout(attemptTimeoutMs, () => req.destroy(new Error(`no answer within ${attemptTimeoutMs} ms`)));
    req.once('error', (error: NodeJS.ErrnoException) => settle(new Error(error.code ? `connect ${error.code}` : error.message)));
    req.end();
  });
}
