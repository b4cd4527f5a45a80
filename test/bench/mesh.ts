/**
 * Mesh benchmark (see README.md): service-to-service calls to one backend, (a) straight to
 * its port and (b) through the URL devmode gave its caller (SERVICE_BACKEND_URL, the caller's
 * mesh edge), in one run under one real `devmode up`: latency at a fixed 1k req/s and
 * throughput at saturation, legs interleaved (with a third leg through devmode's gateway,
 * which routes to the same backend, and devmode's CPU per request on each, beside two
 * references on the same backend: nginx with one worker, and a Node byte pipe, the floor
 * of any proxy written in Node, lib/byte-pipe.mjs); then (c)
 * devmode's memory while 1k req/s run through the mesh for BENCH_MESH_SOAK_SECONDS
 * (default 60), sampled every 5 s.
 *
 *   node --import tsx test/bench/mesh.ts [--seconds 10] [--slices 5] [--rounds 2] [--connections 64] [--sat-seconds 3]
 *   BENCH_MESH_SOAK_SECONDS=300 node --import tsx test/bench/mesh.ts
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { bytePipe, nginx } from './lib/children.js';
import { cpuSecondsOf, memoryOf, slopePerMinute } from './lib/footprint-proc.js';
import { saturate, type LoadResult } from './lib/load.js';
import { FixedRateLoad, mergeWindows, percentiles, runFixedRate, type LoadWindow } from './lib/mesh-load.js';
import { startMeshSystem } from './lib/mesh-system.js';
import { Reaper } from './lib/startup-procs.js';
import { loadAverage, table } from './lib/startup-stats.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    // latency: each leg's seconds cut in this many slices, interleaved with the other legs'
    // (on this shared 2-core machine a slow spell lasts seconds: short slices spread it over
    // every leg instead of landing on one)
    slices: { type: 'string', default: '5' },
    // throughput: best of this many runs per leg
    rounds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '64' },
    'sat-seconds': { type: 'string', default: '3' },
  },
});
const seconds = Number(values.seconds);
const rounds = Math.max(1, Number(values.rounds));
const slices = Math.max(1, Number(values.slices));
const connections = Number(values.connections);
const satSeconds = Number(values['sat-seconds']);
const soakSeconds = Number(process.env['BENCH_MESH_SOAK_SECONDS'] ?? 60);
const RATE = 1000;
const SAMPLE_EVERY_S = 5;

const f = (n: number, digits = 3) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const reaper = new Reaper();
const dir = await mkdtemp(path.join(tmpdir(), 'devmode-bench-mesh-'));
reaper.removeOnExit(dir);

let stopReference: (() => Promise<void>) | undefined;
try {
  const system = await startMeshSystem({ dir, reaper });
  const pid = system.devmodePid;
  // The reference for CPU per request: nginx (one worker) proxying to the same backend.
  const reference = await nginx(Number(new URL(system.directUrl).port));
  // The floor of any proxy in Node: bytes piped through, nothing parsed, nothing reported.
  const pipe = await bytePipe(Number(new URL(system.directUrl).port));
  stopReference = async () => {
    await reference.stop();
    await pipe.stop();
  };
  const devmodeCpu = () => cpuSecondsOf(pid);
  const legs = [
    { name: 'direct', origin: new URL(system.directUrl).origin, cpuSeconds: devmodeCpu },
    { name: 'mesh', origin: new URL(system.meshUrl).origin, cpuSeconds: devmodeCpu },
    // Not asked for, but it tells a cost of the mesh edge from one of devmode's proxying as a whole.
    { name: 'gateway', origin: new URL(system.gatewayUrl).origin, cpuSeconds: devmodeCpu },
    // Its CPU column is nginx's worker's, not devmode's.
    { name: 'nginx', origin: `http://127.0.0.1:${reference.port}`, cpuSeconds: () => reference.cpuMs() / 1000 },
    // Its CPU column is the pipe's process's.
    { name: 'node pipe', origin: `http://127.0.0.1:${pipe.port}`, cpuSeconds: () => pipe.cpuMs() / 1000 },
  ];
  // devmode's CPU seconds spent during each leg's fixed-rate runs, per leg.
  const cpu = new Map<string, number>(legs.map((l) => [l.name, 0]));
  console.log(`mesh bench: ${process.version}, loopback; devmode pid ${pid}; direct ${system.directUrl}, mesh edge ${system.meshUrl}, gateway ${system.gatewayUrl}`);
  console.log(`load average at start ${loadAverage()}\n`);
  const fixed = (origin: string, s: number) => runFixedRate({ origin, rate: RATE, next: () => ({ method: 'GET', path: '/hello' }) }, s);

  // Warm-up: connections opened, code paths compiled, on both legs.
  for (const leg of legs) await fixed(leg.origin, 1);

  const latency = new Map<string, LoadWindow[]>(legs.map((l) => [l.name, []]));
  for (let slice = 0; slice < slices; slice++) {
    for (const leg of legs) {
      const before = leg.cpuSeconds();
      latency.get(leg.name)!.push(await fixed(leg.origin, seconds / slices));
      cpu.set(leg.name, cpu.get(leg.name)! + leg.cpuSeconds() - before);
    }
  }
  const afterLatency = loadAverage();
  const throughput = new Map<string, LoadResult[]>(legs.map((l) => [l.name, []]));
  const satCpu = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const leg of legs) {
      const before = leg.cpuSeconds();
      const result = await saturate(`${leg.origin}/hello`, connections, satSeconds * 1000);
      throughput.get(leg.name)!.push(result);
      // Per request over the whole run (its 0.5 s warm-up included, hence requests + warm-up share).
      satCpu.set(leg.name, [...(satCpu.get(leg.name) ?? []), (leg.cpuSeconds() - before) / (result.rps * (satSeconds + 0.5))]);
    }
  }
  const afterThroughput = loadAverage();

  const stats = new Map(legs.map((l) => [l.name, mergeWindows(latency.get(l.name)!)]));
  const pct = new Map(legs.map((l) => [l.name, percentiles(stats.get(l.name)!.latenciesMs)]));
  const best = (name: string) => Math.max(...throughput.get(name)!.map((t) => t.rps));
  const direct = pct.get('direct')!;
  const added = (name: string) => {
    const p = pct.get(name)!;
    return [`added by the ${name}`, '', f(p.p50 - direct.p50), f(p.p99 - direct.p99), f(p.max - direct.max, 1), '', '', ''];
  };
  console.log(`(a, b) latency at a fixed ${RATE} req/s, ${seconds} s per leg in ${slices} interleaved slices (load average after: ${afterLatency})`);
  console.log(
    table(
      ['leg', 'answered', 'p50 ms', 'p99 ms', 'max ms', 'failed', 'max send lag ms', 'CPU us/req (devmode; nginx: its worker; pipe: its process)'],
      [
        ...legs.map((l) => {
          const w = stats.get(l.name)!;
          const p = pct.get(l.name)!;
          return [l.name, String(p.n), f(p.p50), f(p.p99), f(p.max, 1), String(w.errors + w.badStatus), f(w.maxSendLagMs, 1), f((cpu.get(l.name)! / p.n) * 1e6, 0)];
        }),
        added('mesh'),
        added('gateway'),
        // the floor this machine sets: what a C proxy (nginx, one worker) adds on the same path
        added('nginx'),
        added('node pipe'),
      ],
    ),
  );
  console.log(`target: added p50 < 0.3 ms, p99 < 1 ms; devmode's CPU per request at ${RATE} req/s <= 60 us\n`);
  console.log(`(a, b) throughput, ${connections} connections, best of ${rounds} x ${satSeconds} s per leg (load average after: ${afterThroughput})`);
  console.log(
    table(
      ['leg', 'best req/s', 'p50 ms', 'p99 ms', 'errors', 'CPU us/req (devmode; nginx: its worker; pipe: its process)'],
      legs.map((l) => {
        const runs = throughput.get(l.name)!;
        const top = runs.reduce((a, b) => (b.rps > a.rps ? b : a));
        const perRequest = Math.min(...(satCpu.get(l.name) ?? [NaN]));
        return [l.name, best(l.name).toFixed(0), f(top.p50Ms, 2), f(top.p99Ms, 2), String(runs.reduce((n, r) => n + r.errors, 0)), f(perRequest * 1e6, 0)];
      }),
    ),
  );
  console.log(`mesh/direct throughput: ${(best('mesh') / best('direct')).toFixed(2)}x, gateway/direct ${(best('gateway') / best('direct')).toFixed(2)}x`);
  const satOf = (name: string) => Math.min(...(satCpu.get(name) ?? [NaN])) * 1e6;
  console.log(`CPU per request at saturation vs nginx's: mesh ${(satOf('mesh') / satOf('nginx')).toFixed(2)}x, gateway ${(satOf('gateway') / satOf('nginx')).toFixed(2)}x (target <= 2x)`);
  const at1k = (name: string) => (cpu.get(name)! / pct.get(name)!.n) * 1e6;
  console.log(`CPU per request at ${RATE} req/s: mesh ${f(at1k('mesh'), 0)} us = ${(at1k('mesh') / at1k('nginx')).toFixed(2)}x nginx's, ${(at1k('mesh') / at1k('node pipe')).toFixed(2)}x a Node byte pipe's (${f(at1k('node pipe'), 0)} us: the floor of a proxy in Node here)\n`);


  // (c) Memory over time at 1k req/s through the mesh.
  const rows: string[][] = [];
  const samples: { seconds: number; mib: number }[] = [];
  const sample = (at: number, window: LoadWindow | undefined) => {
    const mem = memoryOf(pid);
    if (!mem) throw new Error(`devmode (pid ${pid}) is gone`);
    samples.push({ seconds: at, mib: mem.rssMiB });
    const p = window ? percentiles(window.latenciesMs) : undefined;
    rows.push([`${at} s`, f(mem.rssMiB, 1), p ? String(p.n) : '', p ? f(p.p99) : '', window ? String(window.errors + window.badStatus) : '', loadAverage()]);
  };
  console.log(`(c) devmode's memory at ${RATE} req/s through the mesh for ${soakSeconds} s (VmRSS every ${SAMPLE_EVERY_S} s)`);
  const soak = new FixedRateLoad({ origin: new URL(system.meshUrl).origin, rate: RATE, next: () => ({ method: 'GET', path: '/hello' }) });
  sample(0, undefined);
  const cpuBefore = cpuSecondsOf(pid);
  const soakStarted = performance.now();
  soak.start();
  for (let at = SAMPLE_EVERY_S; at <= soakSeconds; at += SAMPLE_EVERY_S) {
    await sleep(SAMPLE_EVERY_S * 1000);
    sample(at, soak.cut());
  }
  await soak.stop();
  const cpuShare = (cpuSecondsOf(pid) - cpuBefore) / ((performance.now() - soakStarted) / 1000);
  console.log(table(['time', 'RSS MiB', 'answered', 'p99 ms', 'failed', 'load average'], rows));
  const mibs = samples.map((s) => s.mib);
  const half = samples.filter((s) => s.seconds >= soakSeconds / 2);
  const peak = memoryOf(pid)?.peakMiB ?? NaN;
  console.log(
    `RSS first ${f(mibs[0]!, 1)} MiB, last ${f(mibs.at(-1)!, 1)} MiB, max ${f(Math.max(...mibs), 1)} MiB (VmHWM ${f(peak, 1)} MiB); ` +
      `slope ${f(slopePerMinute(samples), 2)} MiB/min overall, ${f(slopePerMinute(half), 2)} MiB/min over the second half (target: flat)`,
  );
  console.log(`devmode's CPU during (c): ${(cpuShare * 100).toFixed(0)}% of one core at ${RATE} req/s through the mesh`);
  console.log(`load average at end ${loadAverage()}`);
} finally {
  await stopReference?.();
  await reaper.close();
}
