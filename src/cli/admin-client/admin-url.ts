import path from 'node:path';
import type { ListenerConfig } from '../../config/types.js';
import { adminRecordPath, readAdminRecord } from '../../admin/index.js';
import { usageError } from './errors.js';

/** The default admin port (config/defaults.ts `admin.port`). */
export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:9001';

/** What resolving needs from the config part; the CLI passes config/index.js's functions. */
export interface ConfigAccess {
  findConfigFile(cwd: string): { ok: true; value: string } | { ok: false; error: string };
  loadConfig(file: string): Promise<{ ok: true; value: { name: string; root: string; admin: ListenerConfig } } | { ok: false }>;
}

export interface ResolvedAdminUrl {
  url: string;
  /** where it came from, for messages */
  source: '--admin' | 'DEVMODE_ADMIN_URL' | 'running devmode' | 'devmode.yaml' | 'default';
  /** the system name in ./devmode.yaml, when there is one, to notice talking to another system */
  expectedName: string | undefined;
}

/**
 * Where the admin API of "the devmode the user means" is: `--admin URL`, else
 * DEVMODE_ADMIN_URL (set for `devmode test`'s command and every service), else the record a
 * running devmode wrote beside ./devmode.yaml, else the config's fixed `admin.port`, else
 * the default port. A config with mistakes is ignored here: these commands only talk to a
 * running devmode.
 */
export async function resolveAdminUrl(input: { flag: string | undefined; file: string | undefined; env: NodeJS.ProcessEnv; cwd: string; config: ConfigAccess }): Promise<ResolvedAdminUrl> {
  const config = await readConfig(input);
  const expectedName = config?.name;
  if (input.flag !== undefined) return { url: checkUrl(input.flag, '--admin'), source: '--admin', expectedName };
  const fromEnv = input.env.DEVMODE_ADMIN_URL;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { url: checkUrl(fromEnv.trim(), 'DEVMODE_ADMIN_URL'), source: 'DEVMODE_ADMIN_URL', expectedName };
  if (config) {
    const record = await readAdminRecord(adminRecordPath(config.root));
    if (record) return { url: record.url, source: 'running devmode', expectedName };
    if (config.admin.port !== null) {
      const host = config.admin.host === '0.0.0.0' || config.admin.host === '::' ? '127.0.0.1' : config.admin.host;
      return { url: `http://${host.includes(':') ? `[${host}]` : host}:${config.admin.port}`, source: 'devmode.yaml', expectedName };
    }
  }
  return { url: DEFAULT_ADMIN_URL, source: 'default', expectedName };
}

async function readConfig(input: { file: string | undefined; cwd: string; config: ConfigAccess }): Promise<{ name: string; root: string; admin: ListenerConfig } | undefined> {
  let file: string;
  if (input.file !== undefined) file = path.resolve(input.cwd, input.file);
  else {
    const found = input.config.findConfigFile(input.cwd);
    if (!found.ok) return undefined;
    file = found.value;
  }
  try {
    const loaded = await input.config.loadConfig(file);
    return loaded.ok ? loaded.value : undefined;
  } catch {
    return undefined;
  }
}

function checkUrl(value: string, where: string): string {
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw usageError(`${where} "${value}" is not a URL; use the admin URL devmode printed at start, e.g. http://127.0.0.1:9001`);
  }
  if (url.protocol !== 'http:') throw usageError(`${where} "${value}" must be an http:// URL, e.g. http://127.0.0.1:9001`);
  return url.href.replace(/\/$/, '');
}
