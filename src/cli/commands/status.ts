import { renderStatus } from '../admin-client/index.js';
import { shouldColor } from '../../term/colors.js';
import type { CliIO } from '../io.js';
import { parseFlags } from '../run.js';
import { adminClientFor, adminFlags } from './wait.js';

/**
 * `devmode status [--json]`: the running system at a glance (services and instances,
 * traffic per edge, topics, groups with lag, faults), or the whole `/state` as JSON.
 */
export async function status(args: string[], io: CliIO, signal: AbortSignal): Promise<number> {
  const { values } = parseFlags({ args, options: { ...adminFlags, json: { type: 'boolean' } } });
  const { client } = await adminClientFor(values, io);
  const snapshot = await client.state(signal);
  if (values.json) io.stdout.write(JSON.stringify(snapshot, null, 2) + '\n');
  else io.stdout.write(renderStatus(snapshot, { enabled: shouldColor(io.stdout, io.env) }));
  return 0;
}
