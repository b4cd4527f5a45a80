import type { CliIO } from '../io.js';
import { UserError } from '../errors.js';
import { parseFlags } from '../run.js';
import { adminClientFor, adminFlags } from './wait.js';

/** `devmode restart SERVICE`: restart every instance of a service of a running devmode; waits until it is back. */
export async function restart(args: string[], io: CliIO, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseFlags({ args, options: adminFlags, allowPositionals: true });
  const [service] = positionals;
  if (!service || positionals.length > 1) throw new UserError('usage: devmode restart SERVICE', 2);
  const { client } = await adminClientFor(values, io);
  await client.restart(service, signal);
  io.stdout.write(`${service} restarted\n`);
  return 0;
}
