import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import type { ReadinessConfig } from '../../../src/config/types.js';
import type { DevmodeEvent, EventOf } from '../../../src/core/events/index.js';
import { allocatePort } from '../../../src/net/ports.js';
import { ManagedProcess, type ManagedProcessOptions } from '../../../src/supervisor/managed-process.js';
import { waitFor } from '../../helpers/processes.js';

/** Shared set-up for the supervisor's process tests: fixtures, events, ports, teardown. */

export const fixtures = fileURLToPath(new URL('../../fixtures/services/', import.meta.url));

/** `node <fixture>` as an argv command (no shell: faster, one process fewer). */
export function node(fixture: string): string[] {
  return [process.execPath, `${fixtures}${fixture}`];
}

/** A minimal environment: enough to run node, plus the given variables. */
export function env(vars: Record<string, string | number>): Record<string, string> {
  const out: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  for (const [k, v] of Object.entries(vars)) out[k] = String(v);
  return out;
}

export const freePort = (): Promise<number> => allocatePort({ preferred: 0, fixed: false });

export const tcp = (timeoutMs = 5_000): ReadinessConfig => ({ kind: 'tcp', timeoutMs, intervalMs: 20 });
export const http = (path = '/health', timeoutMs = 5_000): ReadinessConfig => ({ kind: 'http', path, timeoutMs, intervalMs: 20 });

/** Records every published event; `states()` lists one instance's state changes in order. */
export class EventLog {
  readonly events: DevmodeEvent[] = [];
  readonly publish = (event: DevmodeEvent): void => {
    this.events.push(event);
  };

  states(service?: string): EventOf<'instance.state'>[] {
    return this.events.filter((e): e is EventOf<'instance.state'> => e.type === 'instance.state' && (service === undefined || e.ref.service === service));
  }

  lines(service?: string): string[] {
    return this.events.filter((e): e is EventOf<'log'> => e.type === 'log' && (service === undefined || e.ref.service === service)).map((e) => e.line);
  }

  async waitForLine(re: RegExp, timeoutMs = 5_000): Promise<string> {
    let found: string | undefined;
    await waitFor(() => (found = this.lines().find((l) => re.test(l))) !== undefined, `a log line matching ${re}`, timeoutMs).catch((error: Error) => {
      throw new Error(`${error.message}; lines so far:\n${this.lines().join('\n')}`);
    });
    return found ?? '';
  }
}

/** A ManagedProcess stopped (whole group) when the test ends. */
export function managed(options: Partial<ManagedProcessOptions> & Pick<ManagedProcessOptions, 'command' | 'port' | 'publish'>): ManagedProcess {
  const proc = new ManagedProcess({
    ref: { service: 'svc', instance: 0 },
    cwd: fixtures,
    env: env({ PORT: options.port }),
    readiness: tcp(),
    stopGraceMs: 2_000,
    ...options,
  });
  onTestFinished(async () => {
    await proc.stop();
  });
  return proc;
}
