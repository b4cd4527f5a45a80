import type { SystemConfig } from '../../config/types.js';

/** Prefix labels the printer aligns: `service.N` for each instance, plus devmode's own. */
export function printerNames(config: SystemConfig): string[] {
  const names = ['devmode', 'kafka', 'gateway', 'locator'];
  for (const s of config.services) {
    if (s.kind === 'managed') for (let i = 0; i < s.instances; i++) names.push(`${s.name}.${i}`);
    else names.push(s.name);
  }
  return names;
}

/** Resolves when the signal aborts (Ctrl-C, SIGTERM, SIGHUP). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
