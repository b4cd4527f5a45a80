import { connect } from 'node:net';

/** One TCP readiness attempt: passes as soon as a connection to host:port is accepted. */
export function probeTcp(host: string, port: number, attemptTimeoutMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const onAbort = () => socket.destroy(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (error?: Error) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(attemptTimeoutMs, () => socket.destroy(new Error(`no answer within ${attemptTimeoutMs} ms`)));
    socket.once('connect', () => settle());
    socket.once('error', (error: NodeJS.ErrnoException) => settle(new Error(error.code ? `connect ${error.code}` : error.message)));
  });
}
