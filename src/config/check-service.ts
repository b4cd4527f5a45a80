/** Semantic checks of one service: command or url, files on disk, readiness. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { suggest } from '../util/suggest.js';
import { asList, type CheckContext } from './check-context.js';
import { exists, findProgram, isDirectory, programOf } from './find-command.js';
import type { RawService } from './schema.js';

/** Keys that only mean something for a service devmode starts. */
const MANAGED_ONLY = [
  'command', 'cwd', 'environment', 'env_file', 'depends_on', 'instances', 'port', 'readiness',
  'watch', 'ignore', 'build', 'reload', 'restart', 'stop_grace_period',
] as const;

/** Service names become env var names (SERVICE_<NAME>_URL) and URL parts. */
const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Checks one service entry. */
export function checkService(ctx: CheckContext, name: string, service: RawService, writtenKeys: readonly string[]): void {
  const at = ['services', name] as const;
  if (!SERVICE_NAME.test(name)) {
    ctx.error(at, 'key', `invalid service name '${name}'`, 'use letters, digits, "-" and "_", starting with a letter');
  }
  if (service.command === undefined && service.url === undefined) {
    // `comand:` is already reported as an unknown key with a suggestion; once is enough.
    // An invalid 'url' or 'command' is reported by the schema already.
    const written = writtenKeys.some((key) => key === 'command' || key === 'url' || suggest(key, ['command', 'url']) !== undefined);
    if (!written) {
      ctx.error(at, 'key', `service '${name}' has neither 'command' nor 'url'`, "add 'command' to have devmode run it, or 'url' if it runs elsewhere");
    }
  }
  if (service.command !== undefined && service.url !== undefined) {
    ctx.error([...at, 'url'], 'key', `service '${name}' has both 'command' and 'url'`, "keep 'command' if devmode runs it, 'url' if it runs elsewhere");
    return;
  }
  if (service.url !== undefined) {
    for (const key of MANAGED_ONLY) {
      if (service[key] !== undefined) {
        ctx.error([...at, key], 'key', `'${key}' has no effect on service '${name}', which has a 'url'`, "remove it, or replace 'url' with 'command'");
      }
    }
    return;
  }
  const argv = typeof service.command === 'string' ? [service.command] : service.command ?? [];
  if (argv.some((arg) => arg.includes('\0'))) {
    ctx.error([...at, 'command'], 'value', `command of service '${name}' contains a NUL character`, 'remove it; no program can receive it');
  }
  checkReadiness(ctx, name, service);
  if (!ctx.options.checkFiles) return;
  const cwd = path.resolve(ctx.root, service.cwd ?? '.');
  const cwdOk = isDirectory(cwd);
  if (!cwdOk) {
    ctx.error([...at, 'cwd'], 'value', `cwd '${service.cwd}' of service '${name}' does not exist`, pathHint(ctx.root, cwd, 'directory'));
  }
  // A relative program path cannot be judged when its cwd is already reported missing.
  if (service.command !== undefined && (cwdOk || !programOf(service.command)?.includes('/'))) {
    checkCommand(ctx, name, service.command, cwdOk ? cwd : ctx.root);
  }
  asList(service.env_file).forEach((file, i) => {
    if (!exists(path.resolve(ctx.root, file))) {
      const where = Array.isArray(service.env_file) ? [...at, 'env_file', i] : [...at, 'env_file'];
      ctx.error(where, 'value', `env_file '${file}' of service '${name}' does not exist`, pathHint(ctx.root, path.resolve(ctx.root, file), 'file'));
    }
  });
  if (cwdOk) {
    asList(service.watch).forEach((entry, i) => {
      if (!exists(path.resolve(cwd, entry))) {
        const where = Array.isArray(service.watch) ? [...at, 'watch', i] : [...at, 'watch'];
        ctx.warn(where, 'value', `watch path '${entry}' of service '${name}' does not exist`, `watch paths are relative to the service's cwd (${cwd})`);
      }
    });
  }
}

function checkCommand(ctx: CheckContext, name: string, command: string | readonly string[], cwd: string): void {
  const program = programOf(command);
  if (program === undefined) return;
  const where = typeof command === 'string' ? ['services', name, 'command'] : ['services', name, 'command', 0];
  const found = findProgram(program, cwd, ctx.options.pathEnv);
  if (found.kind === 'missing') {
    const hint = program.includes('/')
      ? `it is looked up relative to the service's cwd (${cwd})`
      : 'check the spelling, or install it so that it is on PATH (node_modules/.bin counts too)';
    ctx.errorAt(where, program, `command '${program}' of service '${name}' not found`, hint);
  } else if (found.kind === 'not-executable') {
    ctx.errorAt(where, program, `command '${program}' of service '${name}' is not executable`, `chmod +x ${found.file}`);
  }
}

function checkReadiness(ctx: CheckContext, name: string, service: RawService): void {
  const readiness = service.readiness;
  if (readiness === undefined || readiness === 'none') return;
  const at = ['services', name, 'readiness'] as const;
  const kinds = (['http', 'tcp', 'log'] as const).filter((k) => readiness[k] !== undefined);
  if (kinds.length === 0) {
    ctx.error(at, 'key', `readiness of service '${name}' names no check`, 'add one of http: /path, tcp: true or log: <regex>, or write readiness: none');
  } else if (kinds.length > 1) {
    ctx.error([...at, kinds[1] ?? 'tcp'], 'key', `readiness of service '${name}' has both '${kinds[0]}' and '${kinds[1]}'`, 'choose one of http, tcp or log');
  }
  if (readiness.tcp === false) {
    ctx.error([...at, 'tcp'], 'value', `'tcp' in readiness of service '${name}' can only be true`, 'leave readiness out (tcp is the default), or write readiness: none');
  }
  if (readiness.http !== undefined && !readiness.http.startsWith('/')) {
    ctx.error([...at, 'http'], 'value', `'http' must be a path starting with '/', got ${JSON.stringify(readiness.http)}`, `write /${readiness.http.replace(/^\/*/, '')}`);
  }
  if (readiness.log !== undefined) {
    try {
      new RegExp(readiness.log);
    } catch (error) {
      const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '').toLowerCase() : String(error);
      ctx.error([...at, 'log'], 'value', `invalid regular expression in 'readiness.log' of service '${name}': ${reason}`, 'escape special characters such as ( [ { with a backslash');
    }
    if (readiness.interval !== undefined) {
      ctx.warn([...at, 'interval'], 'key', `'interval' has no effect with log readiness (service '${name}')`, 'remove it');
    }
  }
}

/** "did you mean" over the sibling entries of a missing path, else where paths start from. */
function pathHint(root: string, missing: string, kind: 'file' | 'directory'): string {
  try {
    const parent = path.dirname(missing);
    const entries = readdirSync(parent, { withFileTypes: true })
      .filter((e) => (kind === 'directory' ? e.isDirectory() : e.isFile()))
      .map((e) => e.name);
    const close = suggest(path.basename(missing), entries);
    if (close !== undefined) return `did you mean '${path.relative(root, path.join(parent, close)) || '.'}'?`;
  } catch {
    // The parent is missing too: fall through to the general hint.
  }
  return `paths are relative to the directory of the config file (${root})`;
}
