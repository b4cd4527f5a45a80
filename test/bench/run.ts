/**
 * Runs every benchmark in test/bench/ one after the other (each in its own process,
 * `node --import tsx FILE`), then prints all their tables again together.
 * Benchmarks named on the command line run alone, in that order.
 *
 *   npm run bench                      # all of them (takes several minutes)
 *   npm run bench -- startup reload    # just these
 *
 * Ctrl-C is passed on to the running benchmark (which stops what it started); a benchmark
 * running past BENCH_TIMEOUT_SECONDS (default 900) is stopped and reported.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadAverage } from './lib/startup-stats.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Quick ones first; anything else found in the directory runs after these, by name. */
const PREFERRED = ['startup', 'reload', 'gateway', 'broker-log', 'broker'];
const timeoutMs = Number(process.env['BENCH_TIMEOUT_SECONDS'] ?? 900) * 1000;

const found = readdirSync(HERE)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -'.ts'.length));
const all = [...PREFERRED.filter((n) => found.includes(n)), ...found.filter((n) => !PREFERRED.includes(n)).sort()];
const wanted = process.argv.slice(2);
const unknown = wanted.filter((n) => !found.includes(n.replace(/\.ts$/, '')));
if (unknown.length > 0) {
  process.stderr.write(`bench: no benchmark named ${unknown.join(', ')} in test/bench/ (there are: ${all.join(', ')})\n`);
  process.exit(2);
}
const names = wanted.length > 0 ? wanted.map((n) => n.replace(/\.ts$/, '')) : all;

interface Outcome {
  name: string;
  code: number | null;
  seconds: number;
  output: string;
  note: string;
}

let interrupted = false;
let current: { pid: number | undefined } | undefined;
const forward = (signal: NodeJS.Signals) => {
  interrupted = true;
  // The benchmark leads its own group: the signal reaches it and whatever it did not detach.
  if (current?.pid !== undefined) {
    try {
      process.kill(-current.pid, signal);
    } catch {
      // already gone
    }
  }
};
process.on('SIGINT', forward);
process.on('SIGTERM', forward);

function runOne(name: string): Promise<Outcome> {
  const file = path.join(HERE, `${name}.ts`);
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: path.resolve(HERE, '../..'), stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    current = { pid: child.pid };
    let output = '';
    let note = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    const kill = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      note = `stopped after ${timeoutMs / 1000} s`;
      kill('SIGINT');
      setTimeout(() => kill('SIGKILL'), 15_000).unref();
    }, timeoutMs);
    child.once('error', (error) => {
      note = error.message;
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      resolve({ name, code: code ?? (signal ? 128 : null), seconds: (performance.now() - started) / 1000, output, note });
    });
  });
}

const outcomes: Outcome[] = [];
for (const name of names) {
  if (interrupted) break;
  process.stdout.write(`\n=== ${name} (load average ${loadAverage()}) ===\n`);
  outcomes.push(await runOne(name));
}

process.stdout.write(`\n\n=== All benchmark tables ===\n`);
for (const o of outcomes) {
  const status = o.code === 0 ? 'ok' : `FAILED (exit ${o.code}${o.note ? `, ${o.note}` : ''})`;
  process.stdout.write(`\n--- ${o.name}: ${status}, ${o.seconds.toFixed(0)} s ---\n${o.output.trim()}\n`);
}
process.exitCode = outcomes.every((o) => o.code === 0) && !interrupted ? 0 : 1;
