import { findConfigFile, loadConfig, parseDuration } from '../../config/index.js';
import { AdminClient, ReadinessTracker, parseEventLine, resolveAdminUrl, type ConfigAccess } from '../admin-client/index.js';
import type { CliIO } from '../io.js';
import { UserError } from '../errors.js';
import { parseFlags } from '../run.js';

/** How the admin commands read ./devmode.yaml (only to find the admin URL and the system's name). */
export const configAccess: ConfigAccess = { findConfigFile, loadConfig };

/** The admin flags every command that talks to a running devmode takes. */
export const adminFlags = {
  admin: { type: 'string' },
  file: { type: 'string', short: 'f' },
} as const;

/** Resolves the admin URL from the flags, environment and config; returns a client for it. */
export async function adminClientFor(values: { admin?: string | undefined; file?: string | undefined }, io: CliIO): Promise<{ client: AdminClient; expectedName: string | undefined }> {
  const resolved = await resolveAdminUrl({ flag: values.admin, file: values.file, env: io.env, cwd: io.cwd, config: configAccess });
  return { client: new AdminClient(resolved.url), expectedName: resolved.expectedName };
}

/**
 * `devmode wait SERVICE [--for ready] [--timeout 30s]` or `devmode wait --all`: exits 0
 * once every instance of the service (or of every service) is ready; 1 on timeout, for an
 * unknown service, or when devmode stops first. Reads `/state`, then follows `/events`.
 */
export async function wait(args: string[], io: CliIO, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseFlags({
    args,
    allowPositionals: true,
    options: { ...adminFlags, for: { type: 'string', default: 'ready' }, timeout: { type: 'string', default: '30s' }, all: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } },
  });
  if (values.for !== 'ready') throw new UserError(`--for ${values.for} is not something devmode wait knows; only --for ready is supported`, 2);
  const [service, ...extra] = positionals;
  if (extra.length > 0) throw new UserError(`devmode wait takes one service, got ${positionals.length}: run it once per service, or use --all`, 2);
  if (service === undefined && !values.all) throw new UserError('devmode wait needs a service name (devmode wait order) or --all', 2);
  if (service !== undefined && values.all) throw new UserError('give a service name or --all, not both', 2);
  const timeoutMs = parseTimeout(values.timeout);
  const target = service ?? null;
  const what = target ?? 'the system';

  const { client, expectedName } = await adminClientFor(values, io);
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop.abort(new Error('timeout'));
  }, timeoutMs);
  const tracker = new ReadinessTracker(target);
  const done = (line: string) => {
    if (!values.quiet) io.stdout.write(line + '\n');
    return 0;
  };
  try {
    // Subscribe first, then read the state: an instance that becomes ready in between is in the stream.
    const types = ['instance.state', 'system.ready', 'system.stopping'];
    const stream = await client.events({ types, ...(target ? { services: [target] } : {}) }, stop.signal);
    const snapshot = await client.state(stop.signal);
    if (expectedName !== undefined && snapshot.name !== expectedName) {
      io.stderr.write(`devmode: note: the devmode at ${client.url} runs system "${snapshot.name}", not "${expectedName}" from devmode.yaml\n`);
    }
    if (!tracker.seed(snapshot)) {
      const known = snapshot.services.map((s) => s.name);
      io.stderr.write(`devmode: there is no service named "${target}" in ${snapshot.name || 'the running system'}${known.length > 0 ? ` (services: ${known.join(', ')})` : ''}\n`);
      return 1;
    }
    if (tracker.ready) return done(readyLine(what, tracker.instanceCount, target !== null));
    for await (const line of stream) {
      const event = parseEventLine(line);
      if (!event || event.type === 'admin.dropped') continue;
      if (event.type === 'system.stopping') {
        io.stderr.write(`devmode: devmode is stopping (${event.reason}); ${what} did not become ready\n`);
        return 1;
      }
      tracker.apply(event);
      if (tracker.ready) return done(readyLine(what, tracker.instanceCount, target !== null));
    }
    if (timedOut) return timeoutMessage();
    if (signal.aborted) return 130;
    io.stderr.write(`devmode: devmode stopped before ${what} was ready\n`);
    return 1;
  } catch (error) {
    if (timedOut) return timeoutMessage();
    if (signal.aborted) return 130;
    throw error;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    stop.abort();
  }

  function timeoutMessage(): number {
    const pending = tracker.pending();
    io.stderr.write(`devmode: ${what} was not ready within ${values.timeout}${pending.length > 0 ? `: ${pending.join(', ')}` : ''}\n`);
    return 1;
  }
}

function readyLine(what: string, instances: number, oneService: boolean): string {
  return oneService ? `${what} is ready (${instances} instance${instances === 1 ? '' : 's'})` : `${what} is ready`;
}

/** `30s`, `2m`, `500ms`, or a bare number of seconds (as docker's --timeout). */
function parseTimeout(text: string): number {
  const ms = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) * 1000 : parseDuration(text);
  if (ms === undefined || ms <= 0) throw new UserError(`--timeout ${text} is not a duration; use e.g. --timeout 30s, 2m or 500ms`, 2);
  return ms;
}
