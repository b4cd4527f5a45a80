/**
 * The test harness on the sample shop: 20 system tests (test/bench/lib/harness-cases.mjs:
 * orders to Kafka, orders reaching user, shipments, the ask failing with user cut off),
 *
 *   a. one system for all 20, reset + per-test recording between tests (what useSystem() does),
 *   b. a system started and stopped for each test (what a suite without shared setup does),
 *   c. `devmode test -- node harness-cases.mjs` (another language's suite: the same tests over HTTP),
 *
 * wall time of each, and in (a) the time from calling startSystem to the first assertion
 * passing. Prints a table with ratios to (a).
 *
 *   node --import tsx test/bench/harness.ts
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startSystem, type DevmodeSystem } from '../../src/index.js';
import { loadAverage } from './lib/startup-stats.js';
// @ts-expect-error a plain .mjs module (it runs alone under devmode test too)
import { cases } from './lib/harness-cases.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FILE = path.join(REPO, 'devmode.yaml');
type Case = () => Promise<void>;
const tests = (system: DevmodeSystem): Case[] =>
  (cases as (gw: string, hooks: { cut: () => Promise<() => Promise<void>> }) => Case[])(system.urls.gateway, {
    cut: async () => {
      const fault = await system.fault({ callee: 'user', cut: true });
      return () => fault.clear();
    },
  });

const loadBefore = loadAverage();

// a. one system, reset between tests
let t0 = performance.now();
const shared = await startSystem({ file: FILE });
const started = performance.now() - t0;
let firstAssertion = 0;
try {
  const list = tests(shared);
  for (const [i, run] of list.entries()) {
    await shared.reset({ faults: 'all', broker: true });
    await shared.beginTest(`bench ${i}`);
    await run();
    if (i === 0) firstAssertion = performance.now() - t0;
    await shared.endTest({ failed: false });
  }
} finally {
  await shared.stop();
}
const sharedMs = performance.now() - t0;

// b. a system per test
t0 = performance.now();
for (let i = 0; i < 20; i++) {
  const system = await startSystem({ file: FILE });
  try {
    await tests(system)[i]!();
  } finally {
    await system.stop();
  }
}
const perTestMs = performance.now() - t0;

// c. devmode test -- node harness-cases.mjs
t0 = performance.now();
const code = await new Promise<number | null>((resolve) => {
  const child = spawn(process.execPath, [path.join(REPO, 'bin/devmode.js'), 'test', '-q', '-f', FILE, '--', process.execPath, path.join(REPO, 'test/bench/lib/harness-cases.mjs')], { stdio: ['ignore', 'inherit', 'inherit'] });
  child.once('close', resolve);
});
const devmodeTestMs = performance.now() - t0;
if (code !== 0) throw new Error(`devmode test exited with ${code}`);

const row = (name: string, ms: number) => `${name.padEnd(58)} ${(ms / 1000).toFixed(2).padStart(7)} s ${(ms / sharedMs).toFixed(2).padStart(6)}x`;
process.stdout.write(
  [
    `harness: 20 system tests on the sample shop (load before: ${loadBefore}, after: ${loadAverage()})`,
    `${'leg'.padEnd(58)} ${'wall'.padStart(9)} ${'vs a'.padStart(7)}`,
    row('a. one system, reset + per-test recording between tests', sharedMs),
    row('b. startSystem + stop per test', perTestMs),
    row('c. devmode test -- node harness-cases.mjs (HTTP only)', devmodeTestMs),
    `startSystem to ready: ${started.toFixed(0)} ms; startSystem to the first assertion: ${firstAssertion.toFixed(0)} ms`,
    `per test in a: ${((sharedMs - started) / 20).toFixed(0)} ms (reset, recording and the test); in b: ${(perTestMs / 20).toFixed(0)} ms`,
    '',
  ].join('\n'),
);
