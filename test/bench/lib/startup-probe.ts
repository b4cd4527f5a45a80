/**
 * The wait loop a bare launcher needs: poll each health check at an interval until it
 * passes (HTTP 2xx/3xx, or a TCP connection accepted), as devmode's readiness does.
 */
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export type HealthCheck = { kind: 'http'; port: number; path: string } | { kind: 'tcp'; port: number };

function probeHttp(port: number, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 400);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
  });
}

function probeTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function probe(check: HealthCheck): Promise<boolean> {
  return check.kind === 'http' ? probeHttp(check.port, check.path) : probeTcp(check.port);
}

/**
 * Resolves once every check has passed (each polled on its own every `intervalMs`);
 * rejects after `timeoutMs` naming the checks still failing, or when `abort` fires.
 */
export async function waitAll(checks: readonly HealthCheck[], options: { intervalMs: number; timeoutMs: number; abort?: AbortSignal }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const pending = new Set(checks);
  await Promise.all(
    checks.map(async (check) => {
      for (;;) {
        if (options.abort?.aborted) throw new Error(`stopped waiting: ${String(options.abort.reason)}`);
        if (await probe(check)) {
          pending.delete(check);
          return;
        }
        if (Date.now() > deadline) {
          const names = [...pending].map((c) => (c.kind === 'http' ? `http :${c.port}${c.path}` : `tcp :${c.port}`));
          throw new Error(`not ready within ${options.timeoutMs} ms: ${names.join(', ')}`);
        }
        await sleep(options.intervalMs);
      }
    }),
  );
}
