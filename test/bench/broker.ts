// The broker benchmark (see README.md): kcat throughput against the embedded broker, next to
// librdkafka's own mock broker and a raw loopback TCP copy of the same bytes; kafkajs
// end-to-end latency next to a raw TCP ping-pong; kafkajs transactional produce next to plain
// produce (same client, same records); the broker process's memory; compaction's cost on a
// 1M-record compacted topic next to a plain decode of the same records.
//
//   node --import tsx test/bench/broker.ts            (1,000,000 messages, ~1-2 minutes)
//   BENCH_BROKER_MESSAGES=200000 node --import tsx test/bench/broker.ts   (quicker)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkajsLatency, percentile } from './lib/broker-latency.js';
import { kafkajsProduce } from './lib/broker-txn.js';
import { memoryOf, startChild, timed } from './lib/broker-procs.js';
import { tcpDownload, tcpPingPong, tcpUpload } from './lib/broker-tcp.js';

const MESSAGES = Number(process.env['BENCH_BROKER_MESSAGES'] ?? 1_000_000);
const MESSAGE_BYTES = 100;
const LATENCY_RATE = 1000;
const LATENCY_SECONDS = Number(process.env['BENCH_BROKER_LATENCY_SECONDS'] ?? 5);
/** retention for the memory-bound phase: far below what it is sent */
const BOUNDED_RETENTION = 32 * 1024 * 1024;
const KCAT_TIMEOUT_MS = 180_000;
const BROKER_CHILD = new URL('./lib/broker-child.ts', import.meta.url);
const COMPACTION_CHILD = new URL('./lib/broker-compaction.ts', import.meta.url);
const COMPACTION_RECORDS = Number(process.env['BENCH_BROKER_COMPACTION_RECORDS'] ?? 1_000_000);
const COMPACTION_KEYS = 10_000;
const TXN_MESSAGES = Number(process.env['BENCH_BROKER_TXN_MESSAGES'] ?? 200_000);
const TXN_COMMIT_EVERY = Number(process.env['BENCH_BROKER_TXN_COMMIT_EVERY'] ?? 1000);

interface Leg {
  what: string;
  messages: number;
  ms: number;
  note?: string;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'devmode-bench-broker-'));
  try {
    const file = join(dir, 'messages.txt');
    const line = Buffer.alloc(MESSAGE_BYTES + 1, 'x');
    line[MESSAGE_BYTES] = 0x0a;
    const body = Buffer.alloc(line.length * MESSAGES);
    for (let i = 0; i < MESSAGES; i++) line.copy(body, i * line.length);
    await writeFile(file, body);
    const payloadBytes = MESSAGES * MESSAGE_BYTES;
    console.log(`broker bench: ${MESSAGES.toLocaleString('en')} x ${MESSAGE_BYTES} B messages (${(body.length / 1e6).toFixed(1)} MB file), kcat ${await kcatVersion()}\n`);

    // --- (a) throughput ---
    const legs: Leg[] = [];
    const broker = await startChild<{ bootstrap: string; pid: number }>(BROKER_CHILD);
    const memory: [string, ReturnType<typeof memoryOf>][] = [['idle after start', memoryOf(broker.info.pid)]];
    let latencies: number[] = [];
    let lost = 0;
    let txn = { plainMs: 0, txnMs: 0 };
    try {
      const topic = `bench-${Date.now()}`;
      const produce = await timed('kcat', ['-P', '-b', broker.info.bootstrap, '-t', topic, '-l', file], KCAT_TIMEOUT_MS);
      legs.push({ what: 'embedded: kcat produce', messages: MESSAGES, ms: produce.ms });
      memory.push(['after produce', memoryOf(broker.info.pid)]);
      const consume = await timed('sh', ['-c', `kcat -C -b ${broker.info.bootstrap} -t ${topic} -o beginning -e -q | wc -l`], KCAT_TIMEOUT_MS);
      const consumed = Number(consume.stdout.trim());
      legs.push({ what: 'embedded: kcat consume', messages: consumed, ms: consume.ms, note: consumed === MESSAGES ? undefined : `expected ${MESSAGES}` });
      memory.push(['after consume', memoryOf(broker.info.pid)]);

      // --- (b) latency ---
      const result = await kafkajsLatency(broker.info.bootstrap, `latency-${Date.now()}`, LATENCY_RATE, LATENCY_SECONDS);
      latencies = result.latencies;
      lost = result.lost;
      memory.push(['after latency run', memoryOf(broker.info.pid)]);

      // --- (e) transactional produce beside plain produce ---
      txn = await transactionalProduce(broker.info.bootstrap);
      memory.push(['after transactional produce', memoryOf(broker.info.pid)]);
    } finally {
      await broker.stop();
    }

    const mock = await timed('kcat', ['-X', 'test.mock.num.brokers=1', '-b', 'mock', '-P', '-t', 'bench', '-l', file], KCAT_TIMEOUT_MS);
    legs.push({ what: 'librdkafka mock: kcat produce', messages: MESSAGES, ms: mock.ms, note: 'mock inside kcat; consume leg not measurable (keeps ~5 MiB/partition)' });
    const half = Math.floor(MESSAGES / 2);
    const halfFile = join(dir, 'half.txt');
    await writeFile(halfFile, body.subarray(0, half * line.length));
    const mockHalf = await timed('kcat', ['-X', 'test.mock.num.brokers=1', '-b', 'mock', '-P', '-t', 'bench', '-l', halfFile], KCAT_TIMEOUT_MS);
    legs.push({ what: 'librdkafka mock: kcat produce (half)', messages: half, ms: mockHalf.ms, note: 'the design figure: 500k in ~0.3 s' });
    const embeddedHalf = await embeddedProduceOnly(halfFile);
    legs.push({ what: 'embedded: kcat produce (half)', messages: half, ms: embeddedHalf });

    const up = await tcpUpload(file, body.length);
    legs.push({ what: 'raw TCP loopback: upload', messages: MESSAGES, ms: up, note: 'same bytes, no protocol' });
    const down = await tcpDownload(file, body.length);
    legs.push({ what: 'raw TCP loopback: download', messages: MESSAGES, ms: down });
    const ping = await tcpPingPong(10_000);

    // --- (c) memory with a retention far below what is sent ---
    const bounded = await boundedMemory(file);

    // --- (d) compaction's cost ---
    const compaction: CompactionRun[] = [];
    for (const where of ['memory', 'disk'] as const) {
      const run = await timed('node', ['--import', 'tsx', COMPACTION_CHILD.pathname, String(COMPACTION_RECORDS), String(COMPACTION_KEYS), where], KCAT_TIMEOUT_MS * 2);
      compaction.push(JSON.parse(run.stdout.trim().split('\n').pop()!) as CompactionRun);
    }

    printLegs(legs, payloadBytes / MESSAGES);
    const rate = (what: string) => {
      const leg = legs.find((l) => l.what === what)!;
      return leg.messages / (leg.ms / 1000);
    };
    console.log('\nratios (msgs/s):');
    console.log(`  embedded produce / mock produce (N)       ${(rate('embedded: kcat produce') / rate('librdkafka mock: kcat produce')).toFixed(2)}x   (target >= 0.7x)`);
    console.log(`  embedded produce / mock produce (half)    ${(rate('embedded: kcat produce (half)') / rate('librdkafka mock: kcat produce (half)')).toFixed(2)}x`);
    console.log(`  embedded produce / raw TCP upload         ${(rate('embedded: kcat produce') / rate('raw TCP loopback: upload')).toFixed(2)}x`);
    console.log(`  embedded consume / raw TCP download       ${(rate('embedded: kcat consume') / rate('raw TCP loopback: download')).toFixed(2)}x`);

    console.log(`\nlatency (${LATENCY_RATE} msg/s for ${LATENCY_SECONDS} s, after 1 s warm-up; kafkajs producer acks=1 -> consumer group, same process):`);
    console.log(`  kafkajs end to end    p50 ${fmt(percentile(latencies, 50))} ms   p99 ${fmt(percentile(latencies, 99))} ms   max ${fmt(Math.max(...latencies))} ms   (${latencies.length} received, ${lost} lost; target p50 < 1-2 ms, p99 < 5-10 ms)`);
    console.log(`  raw TCP ping-pong     p50 ${fmt(percentile(ping, 50))} ms   p99 ${fmt(percentile(ping, 99))} ms   (10,000 round trips, 64 B, in process)`);

    const perSec = (ms: number) => TXN_MESSAGES / (ms / 1000);
    console.log(`\ntransactional produce (kafkajs, ${TXN_MESSAGES.toLocaleString('en')} x ${MESSAGE_BYTES} B, 100 per send, one send at a time, idempotent, acks=all):`);
    console.log(`  plain                          ${fmtS(txn.plainMs)} s   ${Math.round(perSec(txn.plainMs)).toLocaleString('en').padStart(9)} msgs/s`);
    console.log(`  commit every ${String(TXN_COMMIT_EVERY).padEnd(18)}${fmtS(txn.txnMs)} s   ${Math.round(perSec(txn.txnMs)).toLocaleString('en').padStart(9)} msgs/s   ratio ${(perSec(txn.txnMs) / perSec(txn.plainMs)).toFixed(2)}x of plain`);

    console.log('\nbroker process memory (MiB):');
    for (const [when, m] of memory) console.log(`  ${when.padEnd(46)} rss ${m.rssMiB.toFixed(0).padStart(5)}   peak ${m.peakMiB.toFixed(0).padStart(5)}`);
    for (const [when, m] of bounded) console.log(`  ${when.padEnd(46)} rss ${m.rssMiB.toFixed(0).padStart(5)}   peak ${m.peakMiB.toFixed(0).padStart(5)}`);

    console.log(`\ncompaction (${COMPACTION_RECORDS.toLocaleString('en')} records of 100 B, ${COMPACTION_KEYS.toLocaleString('en')} keys, one partition, all segments closed):`);
    for (const c of compaction) {
      console.log(
        `  ${(c.onDisk ? 'on disk' : 'in memory').padEnd(10)} compact ${fmtS(c.compactMs)} s   decode-only floor ${fmtS(c.decodeMs)} s   ratio ${(c.compactMs / c.decodeMs).toFixed(1)}x   ` +
          `${(c.bytesBefore / 1e6).toFixed(0)} -> ${(c.bytesAfter / 1e6).toFixed(1)} MB, ${c.removed.toLocaleString('en')} removed   rss ${c.rssBeforeMiB.toFixed(0)} MiB before, peak ${c.peakMiB.toFixed(0)} MiB`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Plain then transactional kafkajs produce of the same records, after a short warm-up of each. */
async function transactionalProduce(bootstrap: string): Promise<{ plainMs: number; txnMs: number }> {
  const warmup = Math.min(TXN_MESSAGES, 10 * TXN_COMMIT_EVERY);
  await kafkajsProduce(bootstrap, `warm-plain-${Date.now()}`, warmup, MESSAGE_BYTES, null);
  await kafkajsProduce(bootstrap, `warm-txn-${Date.now()}`, warmup, MESSAGE_BYTES, TXN_COMMIT_EVERY);
  const plainMs = await kafkajsProduce(bootstrap, `plain-${Date.now()}`, TXN_MESSAGES, MESSAGE_BYTES, null);
  const txnMs = await kafkajsProduce(bootstrap, `txn-${Date.now()}`, TXN_MESSAGES, MESSAGE_BYTES, TXN_COMMIT_EVERY);
  return { plainMs, txnMs };
}

/** Produce-only leg against a fresh embedded broker (for the half-size comparison). */
async function embeddedProduceOnly(file: string): Promise<number> {
  const broker = await startChild<{ bootstrap: string; pid: number }>(BROKER_CHILD);
  try {
    return (await timed('kcat', ['-P', '-b', broker.info.bootstrap, '-t', 'half', '-l', file], KCAT_TIMEOUT_MS)).ms;
  } finally {
    await broker.stop();
  }
}

/** Sends the file three times into a broker whose retention is far smaller; memory must stay flat. */
async function boundedMemory(file: string): Promise<[string, ReturnType<typeof memoryOf>][]> {
  const broker = await startChild<{ bootstrap: string; pid: number }>(BROKER_CHILD, [String(BOUNDED_RETENTION)]);
  const out: [string, ReturnType<typeof memoryOf>][] = [];
  try {
    out.push([`retention ${BOUNDED_RETENTION / 1024 / 1024} MiB: idle`, memoryOf(broker.info.pid)]);
    for (let round = 1; round <= 3; round++) {
      await timed('kcat', ['-P', '-b', broker.info.bootstrap, '-t', 'bounded', '-l', file], KCAT_TIMEOUT_MS);
      out.push([`retention ${BOUNDED_RETENTION / 1024 / 1024} MiB: after ${round} x ${MESSAGES.toLocaleString('en')} msgs`, memoryOf(broker.info.pid)]);
    }
  } finally {
    await broker.stop();
  }
  return out;
}

function printLegs(legs: readonly Leg[], bytesPerMessage: number): void {
  console.log(`${'leg'.padEnd(38)} ${'messages'.padStart(10)} ${'seconds'.padStart(8)} ${'msgs/s'.padStart(11)} ${'MB/s'.padStart(7)}  note`);
  for (const leg of legs) {
    const seconds = leg.ms / 1000;
    const perSec = leg.messages / seconds;
    console.log(
      `${leg.what.padEnd(38)} ${leg.messages.toLocaleString('en').padStart(10)} ${seconds.toFixed(2).padStart(8)} ${Math.round(perSec).toLocaleString('en').padStart(11)} ${((perSec * bytesPerMessage) / 1e6).toFixed(1).padStart(7)}  ${leg.note ?? ''}`,
    );
  }
}

interface CompactionRun {
  onDisk: boolean;
  compactMs: number;
  decodeMs: number;
  removed: number;
  bytesBefore: number;
  bytesAfter: number;
  rssBeforeMiB: number;
  peakMiB: number;
}

function fmtS(ms: number): string {
  return (ms / 1000).toFixed(2);
}

function fmt(ms: number): string {
  return ms < 1 ? ms.toFixed(3) : ms.toFixed(2);
}

async function kcatVersion(): Promise<string> {
  const { stdout } = await timed('kcat', ['-V'], 5000).catch(() => ({ stdout: 'unknown' }));
  const match = /Version ([\d.]+).*librdkafka ([\d.]+)/.exec(stdout);
  return match ? `${match[1]} (librdkafka ${match[2]})` : 'unknown';
}

await main().catch((error: unknown) => {
  console.error(`broker bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
