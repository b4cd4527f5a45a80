import { setTimeout as sleep } from 'node:timers/promises';
import type { ReadinessConfig } from '../../config/types.js';
import { probeHttp } from './http.js';
import { probeTcp } from './tcp.js';
import { waitForLine, type LineSource } from './log.js';
import { unreachable } from '../../util/unreachable.js';

/** Readiness did not pass in time; the message says what was tried and the last failure. */
export class ReadinessTimeoutError extends Error {
  readonly code = 'E_NOT_READY';
  constructor(message: string) {
    super(message);
    this.name = 'ReadinessTimeoutError';
  }
}

export interface ReadinessTarget {
  host: string;
  port: number;
  lines: LineSource;
  /** aborted when the process exits or is stopped: stop probing at once */
  signal: AbortSignal;
  /**
   * Called when the instance answers its HTTP check and says it is not ready (a status
   * other than 2xx/3xx, or no answer in time), each time that reason changes: unhealthy,
   * as views show it. Not for a port nobody listens on yet: that is still starting.
   */
  onFailing?: (why: string) => void;
}

/**
 * Waits until the instance passes its readiness check, polling http/tcp at the interval.
 * Rejects with ReadinessTimeoutError after the timeout, or with `signal.reason` on abort.
 */
export async function waitReady(config: ReadinessConfig, target: ReadinessTarget): Promise<void> {
  if (config.kind === 'none') return;
  const timeout = AbortSignal.timeout(config.timeoutMs);
  const signal = AbortSignal.any([target.signal, timeout]);
  const host = probeHost(target.host);
  const seconds = formatDuration(config.timeoutMs);

  switch (config.kind) {
    case 'log':
      try {
        await waitForLine(config.pattern, target.lines, signal);
        return;
      } catch (error) {
        if (target.signal.aborted) throw target.signal.reason;
        throw new ReadinessTimeoutError(`not ready after ${seconds}: no output line matched /${config.pattern.source}/`);
      }
    case 'http':
    case 'tcp': {
      const what =
        config.kind === 'http' ? `GET http://${host}:${target.port}${config.path} never answered 2xx/3xx` : `nothing accepted TCP connections on ${host}:${target.port}`;
      // Each attempt gets at least a second, so a slow first answer is not cut short by a short interval.
      const attemptMs = Math.max(1_000, config.intervalMs);
      let last = 'no attempt made';
      // Probe quickly at first and back off to the configured interval: a service is
      // usually ready within a few hundred ms, and each probe costs one local connect,
      // while a coarse interval adds up to a whole interval to every start and reload.
      let pause = Math.min(10, config.intervalMs);
      let told = '';
      for (;;) {
        try {
          if (config.kind === 'http') await probeHttp(host, target.port, config.path, attemptMs, signal);
          else await probeTcp(host, target.port, attemptMs, signal);
          return;
        } catch (error) {
          if (target.signal.aborted) throw target.signal.reason;
          if (!timeout.aborted) last = (error as Error).message;
          if (config.kind === 'http' && !timeout.aborted && last !== told && !last.startsWith('connect ')) {
            told = last;
            target.onFailing?.(`readiness: GET ${config.path} ${last}`);
          }
        }
        if (!timeout.aborted) await sleep(pause, undefined, { signal }).catch(() => {});
        pause = Math.min(config.intervalMs, pause * 2);
        if (target.signal.aborted) throw target.signal.reason;
        if (timeout.aborted) throw new ReadinessTimeoutError(`not ready after ${seconds}: ${what} (last: ${last})`);
      }
    }
    default:
      return unreachable(config, 'readiness kind');
  }
}

/** Listeners on a wildcard address are probed on loopback. */
function probeHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/** 30000 -> "30s", 1500 -> "1.5s", 200 -> "200ms" */
export function formatDuration(ms: number): string {
  return ms < 1_000 ? `${ms}ms` : `${Number((ms / 1_000).toFixed(1))}s`;
}
