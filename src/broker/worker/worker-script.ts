/**
 * Starts the broker's worker thread on worker-main, the same way from the compiled `dist/`
 * (plain `.js` next to this file) and from the TypeScript sources (tests, `tsx`): from
 * sources the worker loads tsx's hooks itself (`--import tsx`, which reaches a worker's
 * module loader from Node 22 on).
 */
import { Worker } from 'node:worker_threads';
import type { WorkerData } from './messages.js';

/** A new worker thread running worker-main with `data`. */
export function startBrokerWorker(data: WorkerData): Worker {
  const options = { workerData: data, name: 'devmode-kafka' };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker-main.js', import.meta.url), options);
  return new Worker(new URL('./worker-main.ts', import.meta.url), { ...options, execArgv: ['--import', 'tsx'] });
}
