/**
 * A copy of the repository's devmode.yaml for a benchmark: its own system name (so the
 * derived service ports differ from a `devmode up` someone may be running), every devmode
 * listener on a port the OS picks, and each service's cwd made absolute under `sampleRoot`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { loadConfig, type ManagedServiceConfig, type SystemConfig } from '../../../src/config/index.js';

/** The repository root (test/bench/lib/../../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SAMPLE_ROOT = path.join(REPO_ROOT, 'sample-system');
export const DEVMODE_BIN = path.join(REPO_ROOT, 'bin', 'devmode.js');

export interface BenchConfig {
  file: string;
  config: SystemConfig;
  managed: ManagedServiceConfig[];
}

/**
 * Writes `dir/devmode.yaml` and loads it with devmode's own config loader (so the bare
 * launcher sees the same services, instances, environment and readiness as devmode).
 */
export async function writeBenchConfig(options: { dir: string; name: string; sampleRoot?: string }): Promise<BenchConfig> {
  const sampleRoot = options.sampleRoot ?? SAMPLE_ROOT;
  const doc = parseDocument(await readFile(path.join(REPO_ROOT, 'devmode.yaml'), 'utf8'));
  doc.set('name', options.name);
  for (const listener of ['gateway', 'locator', 'admin']) doc.setIn([listener, 'port'], 0);
  doc.setIn(['kafka', 'port'], 0);
  const services = doc.get('services') as { items: { key: { value: string } }[] } | undefined;
  for (const item of services?.items ?? []) {
    const name = item.key.value;
    const cwd = doc.getIn(['services', name, 'cwd']);
    const relative = typeof cwd === 'string' ? path.relative('sample-system', cwd) : name;
    doc.setIn(['services', name, 'cwd'], path.join(sampleRoot, relative));
  }
  const file = path.join(options.dir, 'devmode.yaml');
  await writeFile(file, doc.toString());
  const loaded = await loadConfig(file);
  if (!loaded.ok) throw new Error(`the bench config ${file} does not load: ${loaded.error.map((d) => d.message).join('; ')}`);
  const managed = loaded.value.services.filter((s): s is ManagedServiceConfig => s.kind === 'managed');
  return { file, config: loaded.value, managed };
}
