/**
 * Gateway benchmark: the same node:http backend reached (a) directly, (b) through nginx
 * (one worker, keep-alive upstream), (c) through the devmode gateway; with `--compare`,
 * also bare forwarders over an undici Pool and over the node:http Agent (how the proxy
 * implementation was chosen). Every leg runs in its own process; legs are interleaved
 * over `--rounds` rounds and the best throughput / median latency per leg is kept, so
 * load from other programs on the machine skews all legs alike.
 * Prints throughput at saturation and latency p50/p99 at a fixed 1k rps, and the ratios.
 *
 *   node --import tsx test/bench/gateway.ts [--seconds 2] [--rounds 3] [--connections 64] [--compare]
 */
import { parseArgs } from 'node:util';
import { nginx, serve, type Running } from './lib/children.js';
import { fixedRate, saturate, type LoadResult } from './lib/load.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '64' },
    compare: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const connections = Number(values.connections);

interface Leg {
  name: string;
  port: number;
  throughput: LoadResult[];
  latency: LoadResult[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const started: Running[] = [];
const legs: Leg[] = [];
const leg = (name: string, r: Running) => {
  started.push(r);
  legs.push({ name, port: r.port, throughput: [], latency: [] });
};
try {
  const backend = await serve('backend');
  leg('direct', backend);
  leg('nginx', await nginx(backend.port));
  leg('gateway', await serve('gateway', String(backend.port)));
  if (values.compare) {
    leg('undici-forwarder', await serve('undici', String(backend.port)));
    leg('nodehttp-forwarder', await serve('nodehttp', String(backend.port)));
  }
  for (let round = 0; round < rounds; round++) {
    for (const l of legs) {
      const url = `http://127.0.0.1:${l.port}/hello`;
      l.throughput.push(await saturate(url, connections, seconds * 1000));
      l.latency.push(await fixedRate(url, 1000, seconds * 1000));
    }
  }
} finally {
  for (const r of started.reverse()) await r.stop();
}

const f = (n: number, digits = 2) => n.toFixed(digits);
const rps = (l: Leg) => Math.max(...l.throughput.map((t) => t.rps));
const p50 = (l: Leg) => median(l.latency.map((t) => t.p50Ms));
const p99 = (l: Leg) => median(l.latency.map((t) => t.p99Ms));
const errors = (l: Leg) => [...l.throughput, ...l.latency].reduce((n, t) => n + t.errors, 0);
console.log(`\ngateway bench: ${connections} connections, ${rounds} rounds x ${seconds}s per leg, loopback, ${process.version}`);
console.log('leg                 best req/s   @1k rps p50 ms   p99 ms   errors');
for (const l of legs) {
  console.log(`${l.name.padEnd(18)} ${f(rps(l), 0).padStart(11)}   ${f(p50(l), 3).padStart(14)} ${f(p99(l), 3).padStart(8)}  ${String(errors(l)).padStart(7)}`);
}
const by = (name: string) => legs.find((l) => l.name === name)!;
const [direct, ng, gw] = [by('direct'), by('nginx'), by('gateway')];
console.log(`\ngateway/nginx throughput:  ${f(rps(gw) / rps(ng))}x   (target >= 0.5)`);
console.log(`gateway/direct throughput: ${f(rps(gw) / rps(direct))}x`);
console.log(`nginx/direct throughput:   ${f(rps(ng) / rps(direct))}x`);
console.log(`gateway added latency at 1k rps: p50 ${f(p50(gw) - p50(direct), 3)} ms, p99 ${f(p99(gw) - p99(direct), 3)} ms (target < 0.3 / 1)`);
if (values.compare) {
  console.log(`undici-forwarder/nodehttp-forwarder throughput: ${f(rps(by('undici-forwarder')) / rps(by('nodehttp-forwarder')))}x`);
  console.log(`gateway/nodehttp-forwarder throughput: ${f(rps(gw) / rps(by('nodehttp-forwarder')))}x`);
}
