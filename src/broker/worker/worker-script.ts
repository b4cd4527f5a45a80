/**
 * Starts the broker's worker thread on worker-main, the same way from the compiled `dist/`
 * (plain `.js` next to this file) and from the TypeScript sources (tests, `tsx`).
 *
 * From sources the worker needs tsx's loader. On Node 20 `execArgv: ['--import', 'tsx']`
 * does not reach a worker's module loader (the `.ts` entry fails with
 * ERR_UNKNOWN_FILE_EXTENSION), so a two-line ESM bootstrap registers tsx's hooks in the
 * worker (`tsx/esm/api` register()) and then imports the entry.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerData } from './messages.js';

/** A new worker thread running worker-main with `data`. */
export function startBrokerWorker(data: WorkerData): Worker {
  const here = fileURLToPath(import.meta.url);
  const options = { workerData: data, name: 'devmode-kafka' };
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker-main.js', import.meta.url), options);
  const entry = pathToFileURL(join(dirname(here), 'worker-main.ts')).href;
  const bootstrap = `import(${JSON.stringify(tsxApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** file: URL of tsx's ESM API (the CommonJS one's register() cannot load its ESM half on Node 20). */
function tsxApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: Record<string, { import?: { default?: string } } | string> };
  const api = pkg.exports?.['./esm/api'];
  const file = typeof api === 'object' ? api.import?.default : undefined;
  return pathToFileURL(join(dirname(manifest), file ?? 'dist/esm/api/index.mjs')).href;
}
