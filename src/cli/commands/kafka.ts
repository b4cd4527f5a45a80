import path from 'node:path';
import { runStandalone } from '../../broker/index.js';
import type { CliIO } from '../io.js';
import { UserError } from '../errors.js';
import { parseFlags } from '../run.js';

/** `devmode kafka [--port N] [--host H] [--data-dir DIR] [--partitions N]`: only the embedded broker. */
export async function kafka(args: string[], io: CliIO, signal: AbortSignal): Promise<number> {
  const { values } = parseFlags({ args, options: {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    partitions: { type: 'string' },
  } });
  const int = (name: string, text: string | undefined, min: number, max: number) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new UserError(`--${name} must be an integer from ${min} to ${max}, got '${text}'`, 2);
    return n;
  };
  const port = int('port', values.port, 0, 65535);
  const partitions = int('partitions', values.partitions, 1, 10_000);
  return runStandalone(
    {
      ...(port !== undefined ? { port } : {}),
      ...(values.host !== undefined ? { host: values.host } : {}),
      dataDir: values['data-dir'] !== undefined ? path.resolve(io.cwd, values['data-dir']) : null,
      ...(partitions !== undefined ? { partitions } : {}),
    },
    { stdout: io.stdout, stderr: io.stderr, signal },
  );
}
