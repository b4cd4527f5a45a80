/**
 * Gateway benchmark: the same node:http backend reached (a) directly, (b) through nginx
 * (one worker, keep-alive upstream), (c) through the devmode gateway; with `--compare`,
 * also bare forwarders (no routes, no events): over an undici Pool, over HttpProxy with its
 * node:http client for every request (its former implementation) and over HttpProxy as it
 * is (how the proxy implementation was chosen). Every leg runs in its own process; legs
 * are interleaved over `--rounds` rounds and the best throughput / median latency per leg is kept, so
 * load from other programs on the machine skews all legs alike.
 * Prints throughput at saturation and latency p50/p99 at a fixed 1k rps, and the ratios.
 *
 *   node --import tsx test/bench/gateway.ts [--seconds 2] [--rounds 3] [--connections 64] [--compare]
 */
import { readFileSync } from 'node:fs';
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
  /** the proxy process's CPU time per request at saturation, in µs */
  cpu: number[];
  /** the same at a fixed 1k req/s */
  cpu1k: number[];
  cpuMs(): number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const started: Running[] = [];
const legs: Leg[] = [];
const leg = (name: string, r: Running) => {
  started.push(r);
  legs.push({ name, port: r.port, throughput: [], latency: [], cpu: [], cpu1k: [], cpuMs: () => r.cpuMs() });
};
try {
  const backend = await serve('backend');
  leg('direct', backend);
  leg('nginx', await nginx(backend.port));
  leg('gateway', await serve('gateway', String(backend.port)));
  if (values.compare) {
    leg('undici-forwarder', await serve('undici', String(backend.port)));
    leg('nodehttp-forwarder', await serve('nodehttp', String(backend.port)));
    leg('proxy-forwarder', await serve('proxy', String(backend.port)));
  }
  for (let round = 0; round < rounds; round++) {
    for (const l of legs) {
      const url = `http://127.0.0.1:${l.port}/hello`;
      const cpuBefore = l.cpuMs();
      const result = await saturate(url, connections, seconds * 1000);
      l.throughput.push(result);
      l.cpu.push(((l.cpuMs() - cpuBefore) * 1000) / result.answered);
      const cpuBefore1k = l.cpuMs();
      const paced = await fixedRate(url, 1000, seconds * 1000);
      l.latency.push(paced);
      l.cpu1k.push(((l.cpuMs() - cpuBefore1k) * 1000) / paced.answered);
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
const cpu = (l: Leg) => median(l.cpu);
const cpu1k = (l: Leg) => median(l.cpu1k);
console.log('leg                 best req/s   @1k rps p50 ms   p99 ms   errors   CPU µs/req   @1k rps');
for (const l of legs) {
  const row = `${l.name.padEnd(18)} ${f(rps(l), 0).padStart(11)}   ${f(p50(l), 3).padStart(14)} ${f(p99(l), 3).padStart(8)}  ${String(errors(l)).padStart(7)}`;
  console.log(`${row}   ${f(cpu(l), 1).padStart(10)}   ${f(cpu1k(l), 1).padStart(7)}`);
}
console.log("(CPU µs/req: median over rounds, the leg's own process at saturation and at 1k req/s, backend excluded: other programs on the");
console.log(' machine barely change it, so it compares implementations better than req/s does on a shared machine)');
console.log(`load average after the run: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
const by = (name: string) => legs.find((l) => l.name === name)!;
const [direct, ng, gw] = [by('direct'), by('nginx'), by('gateway')];
console.log(`\ngateway/nginx throughput:  ${f(rps(gw) / rps(ng))}x   (target >= 0.5)`);
console.log(`gateway/direct throughput: ${f(rps(gw) / rps(direct))}x`);
console.log(`nginx/direct throughput:   ${f(rps(ng) / rps(direct))}x`);
console.log(`gateway added latency at 1k rps: p50 ${f(p50(gw) - p50(direct), 3)} ms, p99 ${f(p99(gw) - p99(direct), 3)} ms (target < 0.3 / 1)`);
console.log(
  `gateway CPU per request: ${f(cpu1k(gw), 1)} µs at 1k req/s (nginx ${f(cpu1k(ng), 1)}: ${f(cpu1k(gw) / cpu1k(ng))}x; target <= 60 µs), ` +
    `${f(cpu(gw), 1)} µs at saturation (nginx ${f(cpu(ng), 1)}: ${f(cpu(gw) / cpu(ng))}x; target <= 2x)`,
);
if (values.compare) {
  console.log(`undici-forwarder/nodehttp-forwarder throughput: ${f(rps(by('undici-forwarder')) / rps(by('nodehttp-forwarder')))}x`);
  console.log(`proxy-forwarder/nodehttp-forwarder throughput: ${f(rps(by('proxy-forwarder')) / rps(by('nodehttp-forwarder')))}x`);
  console.log(`gateway/proxy-forwarder throughput: ${f(rps(gw) / rps(by('proxy-forwarder')))}x`);
  console.log(`CPU per request: proxy-forwarder ${f(cpu(by('proxy-forwarder')), 1)} µs vs nodehttp-forwarder ${f(cpu(by('nodehttp-forwarder')), 1)} µs (${f(cpu(by('proxy-forwarder')) / cpu(by('nodehttp-forwarder')))}x)`);
}
