/**
 * Micro-benchmark of the embedded broker's log (not a test): append and read throughput of
 * 100-byte messages, in memory and on disk, as a produce path does it (validate with
 * CRC-32C, append) and as a fetch does it (read whole batches, 1 MiB at a time).
 *   node --import tsx test/bench/broker-log.ts [totalMB]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedLogStore } from '../../src/broker/log/log-store.js';
import { validateProducedBatch } from '../../src/broker/log/batch.js';
import { crc32cImplementation } from '../../src/broker/log/crc32c.js';
import { encodeSizedBatch } from '../helpers/record-batch.js';

const totalMB = Number(process.argv[2] ?? 100);
const MESSAGE = 100;

interface Result {
  label: string;
  mbPerSec: number;
  msgsPerSec: number;
}

function fmt(r: Result): string {
  return `${r.label.padEnd(44)} ${r.mbPerSec.toFixed(0).padStart(6)} MB/s ${(r.msgsPerSec / 1e6).toFixed(2).padStart(6)} M msg/s`;
}

async function run(dataDir: string | null, perBatch: number): Promise<Result[]> {
  const template = encodeSizedBatch(perBatch, MESSAGE);
  const batches = Math.ceil((totalMB * 1024 * 1024) / template.length);
  const store = new EmbeddedLogStore({ dataDir, retentionBytes: Number.MAX_SAFE_INTEGER });
  await store.open();
  try {
    store.createTopic('bench', 1);
    const log = store.partition('bench', 0)!;
    // Copies made before timing: a produce hands the log a buffer it owns.
    const inputs = Array.from({ length: Math.min(batches, 1024) }, () => Buffer.from(template));
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batches; i++) {
      const b = inputs[i % inputs.length]!;
      if (validateProducedBatch(b, { produceVersion: 9, maxMessageBytes: 1 << 24 }) !== 0) throw new Error('invalid batch');
      log.append(b, 0);
    }
    const t1 = process.hrtime.bigint();
    let offset = log.logStartOffset;
    let bytes = 0;
    while (offset < log.highWatermark) {
      const got = log.read(offset, 1024 * 1024, true);
      for (const b of got) bytes += b.length;
      const last = got[got.length - 1]!;
      offset = last.readBigInt64BE(0) + BigInt(last.readInt32BE(23)) + 1n;
    }
    const t2 = process.hrtime.bigint();
    const where = dataDir === null ? 'memory' : 'disk';
    const total = batches * template.length;
    const msgs = batches * perBatch;
    const appendS = Number(t1 - t0) / 1e9;
    const readS = Number(t2 - t1) / 1e9;
    if (bytes !== total) throw new Error(`read ${bytes} of ${total} bytes`);
    return [
      { label: `append ${where}, ${perBatch} msgs/batch (validate+CRC)`, mbPerSec: total / 1048576 / appendS, msgsPerSec: msgs / appendS },
      { label: `read   ${where}, ${perBatch} msgs/batch`, mbPerSec: total / 1048576 / readS, msgsPerSec: msgs / readS },
    ];
  } finally {
    await store.close();
  }
}

console.log(`broker log: ${totalMB} MB of ${MESSAGE}-byte messages per run; CRC-32C ${crc32cImplementation}`);
const dir = mkdtempSync(join(tmpdir(), 'devmode-bench-log-'));
try {
  for (const perBatch of [1, 100]) {
    for (const r of await run(null, perBatch)) console.log(fmt(r));
    for (const r of await run(join(dir, `b${perBatch}`), perBatch)) console.log(fmt(r));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
