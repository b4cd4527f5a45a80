import type { CliIO } from '../io.js';
import { parseFlags } from '../run.js';
import { events } from './events.js';
import { adminFlags } from './wait.js';

/**
 * `devmode logs [SERVICE...] [--since 10m]`: a running devmode's service output (what
 * `docker compose logs -f` shows), recent lines first, then following until Ctrl-C.
 * The same stream as `devmode events --type log`.
 */
export async function logs(args: string[], io: CliIO, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseFlags({ args, options: { ...adminFlags, since: { type: 'string' } }, allowPositionals: true });
  const forwarded = ['--type', 'log', '--since', values.since ?? '10m'];
  for (const service of positionals) forwarded.push('--service', service);
  if (values.admin !== undefined) forwarded.push('--admin', values.admin);
  if (values.file !== undefined) forwarded.push('--file', values.file);
  return events(forwarded, io, signal);
}
