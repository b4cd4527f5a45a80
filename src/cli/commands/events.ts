import { formatStreamLine, parseEventLine } from '../admin-client/index.js';
import { shouldColor } from '../../term/colors.js';
import type { CliIO } from '../io.js';
import { parseFlags } from '../run.js';
import { adminClientFor, adminFlags } from './wait.js';

/**
 * `devmode events [--json] [--type T] [--service S] [--since 5m]`: the running devmode's
 * events until Ctrl-C or until it stops. `--json` prints the JSON lines as received (for
 * jq and scripts); otherwise one readable line per event.
 */
export async function events(args: string[], io: CliIO, signal: AbortSignal): Promise<number> {
  const { values } = parseFlags({
    args,
    options: { ...adminFlags, json: { type: 'boolean' }, type: { type: 'string', multiple: true }, service: { type: 'string', multiple: true }, since: { type: 'string' } },
  });
  const { client } = await adminClientFor(values, io);
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  // `devmode events | head` closes the pipe: stop quietly rather than fail on EPIPE.
  io.stdout.on('error', () => stop.abort());
  const style = { enabled: shouldColor(io.stdout, io.env) };
  try {
    const stream = await client.events(
      { types: values.type ?? [], services: values.service ?? [], ...(values.since !== undefined ? { since: values.since } : {}) },
      stop.signal,
    );
    for await (const line of stream) {
      if (values.json) {
        io.stdout.write(line + '\n');
        continue;
      }
      const event = parseEventLine(line);
      if (event) io.stdout.write(formatStreamLine(event, style, 12) + '\n');
    }
    if (signal.aborted) return 0;
    io.stderr.write(`devmode: the devmode at ${client.url} stopped\n`);
    return 0;
  } catch (error) {
    if (signal.aborted) return 0;
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
    stop.abort();
  }
}
