import { createServer } from 'node:net';
import { findPortHolder, type PortHolder } from './port-holder.js';

/**
 * The range derived ports fall in: below every common OS's ephemeral range (Linux
 * 32768-60999, macOS and Windows 49152-65535). A service binds its port a second or so
 * after devmode chose it; in the ephemeral range (IANA's 49152-65535, which Lagom uses) an
 * outgoing connection could take it meanwhile, and did, at 100 services x 2 (the service
 * then failed with EADDRINUSE).
 */
export const DERIVED_PORT_MIN = 20000;
export const DERIVED_PORT_MAX = 32767;

/** How many ports upward a busy derived port is probed past before asking the OS instead. */
const PROBE_LIMIT = 256;

/**
 * A stable port for a service: FNV-1a (32-bit) of `system/service` folded into the range above,
 * so the same system gets the same ports on every run and machine. Instance i takes the i-th
 * port after instance 0's, wrapping within the range.
 */
export function derivePort(systemName: string, serviceName: string, instance = 0): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(`${systemName}/${serviceName}`, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return DERIVED_PORT_MIN + ((hash + instance) % (DERIVED_PORT_MAX - DERIVED_PORT_MIN + 1));
}

/** A fixed port (written in devmode.yaml) is taken. `code` is for the CLI's exit path. */
export class PortInUseError extends Error {
  readonly code = 'E_PORT_IN_USE';
  constructor(
    readonly port: number,
    readonly host: string,
    /** the OS's answer about the listener, or 'devmode' when another listener of this run has it */
    readonly holder: PortHolder | 'devmode' | null,
    /** who wanted it, e.g. `service order` or `gateway` (for the message) */
    readonly wanted: string | null = null,
  ) {
    const by =
      holder === 'devmode'
        ? ' by another listener of this system'
        : holder
          ? ` by ${holder.command} (pid ${holder.pid})`
          : '';
    const what = wanted ? ` (wanted by ${wanted})` : '';
    super(`port ${port}${what} is in use${by}; stop it or choose another port in devmode.yaml`);
    this.name = 'PortInUseError';
  }
}

export interface AllocatePortOptions {
  /** the port wanted; 0 = any free port chosen by the OS */
  preferred: number;
  /** address to probe by binding (default 127.0.0.1) */
  host?: string;
  /** true when the user wrote this port: busy means an error, not probing */
  fixed: boolean;
  /** ports already handed out in this run; skipped, and the chosen port is added */
  reserved?: Set<number>;
  /** who wants the port, for the error message (e.g. `service order`) */
  wanted?: string;
}

/**
 * Picks the port a listener will use. A fixed port must be free (else PortInUseError naming
 * the holder); a derived one is probed upward, wrapping, past busy and reserved ports; 0 asks
 * the OS. Probing binds and closes, so another program may still take the port before the
 * caller binds it: callers bind soon after.
 */
export async function allocatePort(options: AllocatePortOptions): Promise<number> {
  const host = options.host ?? '127.0.0.1';
  const reserved = options.reserved ?? new Set<number>();
  const take = (port: number): number => {
    reserved.add(port);
    return port;
  };
  const { preferred } = options;
  if (!Number.isInteger(preferred) || preferred < 0 || preferred > 65535) {
    throw new TypeError(`Expected a port between 0 and 65535, got ${String(preferred)}`);
  }

  if (preferred === 0) return take(await osPort(host, reserved));

  if (options.fixed) {
    if (reserved.has(preferred)) throw new PortInUseError(preferred, host, 'devmode', options.wanted ?? null);
    if (await isPortFree(preferred, host)) return take(preferred);
    throw new PortInUseError(preferred, host, await findPortHolder(preferred), options.wanted ?? null);
  }

  let port = preferred;
  for (let i = 0; i < PROBE_LIMIT; i++) {
    if (!reserved.has(port) && (await isPortFree(port, host))) return take(port);
    port = nextProbe(port, preferred);
  }
  return take(await osPort(host, reserved));
}

/**
 * The port probed after `port` when `preferred` is busy: upward, wrapping within the dynamic
 * range, or within the registered range for ports below it (gateway 9000, ...).
 */
export function nextProbe(port: number, preferred: number): number {
  const min = preferred >= DERIVED_PORT_MIN ? DERIVED_PORT_MIN : 1024;
  return port >= DERIVED_PORT_MAX ? min : port + 1;
}

/** Whether `port` can be bound on `host` right now (binds, then closes). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false);
      else reject(error);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the OS picks, avoiding the ones this run already handed out. */
async function osPort(host: string, reserved: Set<number>): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.unref();
      server.once('error', reject);
      server.listen({ port: 0, host, exclusive: true }, () => {
        const address = server.address();
        const chosen = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(chosen));
      });
    });
    if (!reserved.has(port)) return port;
  }
}
