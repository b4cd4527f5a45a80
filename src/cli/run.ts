import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createRequire } from 'node:module';
import type { CliIO } from './io.js';
import { UserError } from './errors.js';
import { USAGE } from './usage.js';
import { asksForHelp, helpFor } from './help.js';

/** A subcommand: parses its own flags from `args` and returns the process exit code. */
export type Command = (args: string[], io: CliIO, signal: AbortSignal) => Promise<number>;

/**
 * Dispatches `devmode <command> ...`. Commands are loaded lazily so `devmode check` does not
 * pay for loading ink or the broker.
 */
export async function runCli(argv: string[], io: CliIO, signal: AbortSignal): Promise<number> {
  const [name, ...rest] = argv;
  const commandHelp = name === undefined ? undefined : helpFor(name);
  if (commandHelp !== undefined && asksForHelp(rest)) {
    io.stdout.write(commandHelp);
    return 0;
  }
  switch (name) {
    case undefined:
    case 'help':
    case '--help':
    case '-h': {
      // `devmode help up` is `devmode up --help`
      const topic = name === 'help' && rest[0] !== undefined ? helpFor(rest[0]) : undefined;
      if (name === 'help' && rest[0] !== undefined && topic === undefined) {
        throw new UserError(`unknown command '${rest[0]}'; run 'devmode help' for the list`, 2);
      }
      io.stdout.write(topic ?? USAGE);
      return name === undefined ? 1 : 0;
    }
    case '--version':
    case '-v':
    case 'version': {
      const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
      io.stdout.write(`devmode ${pkg.version} (Node ${process.versions.node})\n`);
      return 0;
    }
    case 'up':
      return (await import('./commands/up.js')).up(rest, io, signal);
    case 'test':
      return (await import('./commands/test.js')).test(rest, io, signal);
    case 'check':
      return (await import('./commands/check.js')).check(rest, io);
    case 'kafka':
      return (await import('./commands/kafka.js')).kafka(rest, io, signal);
    case 'logs':
      return (await import('./commands/logs.js')).logs(rest, io, signal);
    case 'restart':
      return (await import('./commands/restart.js')).restart(rest, io, signal);
    case 'fault':
    case 'faults':
      return (await import('./commands/fault.js')).fault(rest, io, signal);
    case 'clean':
      return (await import('./commands/clean.js')).clean(rest, io);
    case 'wait':
      return (await import('./commands/wait.js')).wait(rest, io, signal);
    case 'events':
      return (await import('./commands/events.js')).events(rest, io, signal);
    case 'ui':
      return (await import('./commands/ui.js')).ui(rest, io, signal);
    case 'status':
    case 'ps':
      return (await import('./commands/status.js')).status(rest, io, signal);
    default:
      throw new UserError(`unknown command '${name}'; run 'devmode help' for the list`, 2);
  }
}

/** parseArgs with devmode's conventions: an unknown or malformed flag is a user error with the usage hint. */
export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UserError(`${message.replace(/\. To specify.*$/s, '')}; run 'devmode help' for usage`, 2);
  }
}
