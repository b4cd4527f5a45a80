import { adminRecordPath, readAdminRecord } from '../../admin/index.js';
import { UserError } from '../errors.js';
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

/**
 * Refuses to start a second devmode for a system already running from this directory
 * (`.devmode/admin.json` names a live devmode whose admin API answers with this system's
 * name): the second would take other ports and run every service twice.
 */
export async function assertNotRunning(config: SystemConfig): Promise<void> {
  const record = await readAdminRecord(adminRecordPath(config.root));
  if (!record || record.pid === process.pid || record.name !== config.name) return;
  const answers = await fetch(`${record.url}/state`, { signal: AbortSignal.timeout(1000) })
    .then(async (res) => ((await res.json()) as { name?: unknown }).name === config.name)
    .catch(() => false);
  if (!answers) return;
  throw new UserError(
    `devmode is already running system '${config.name}' from this directory (pid ${record.pid}, admin API ${record.url}); stop it first (Ctrl-C in its terminal, or kill ${record.pid})`,
    1,
  );
}
