/**
 * A crash mid-compaction loses nothing acknowledged: a process appends to a compacted topic
 * and compacts it continuously; it is killed with SIGKILL at arbitrary moments and the data
 * directory reopened each time. Every key's latest acknowledged record must be there, at its
 * offset, with its value, and nothing half-written may remain.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { EmbeddedLogStore } from '../../../src/broker/log/log-store.js';
import { decodeBatch } from '../../../src/broker/log/records.js';

const FIXTURE = join(import.meta.dirname, '../../fixtures/compacting-store.ts');
const KEYS = 500;

/** Runs the fixture until it acknowledged past `minAck`, waits `ms` more, SIGKILLs it; returns the last ack seen. */
async function runAndKill(dir: string, minAck: number, ms: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let acked = 0;
  let err = '';
  let buffered = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack past ${minAck} in 30 s: ${err}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const l of lines) if (l.startsWith('ACK ')) acked = Number(l.slice(4));
      if (acked > minAck) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => reject(new Error(`the fixture exited early: ${err}`)));
  });
  await new Promise((r) => setTimeout(r, ms));
  child.kill('SIGKILL');
  await exited.catch(() => {});
  return acked;
}

describe('compaction and SIGKILL', () => {
  it('keeps every acknowledged latest record across kills mid-compaction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devmode-compact-crash-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    let acked = 0;
    for (const ms of [150, 400, 90, 700]) {
      // past 4,000 acknowledged, compactions of closed segments have run (every 1,000 records)
      acked = await runAndKill(dir, acked + 4000, ms);
      const store = new EmbeddedLogStore({ dataDir: dir, cleanerCheckMs: 3_600_000 });
      await store.open();
      try {
        expect(readdirSync(join(dir, 'c-0')).filter((n) => n.endsWith('.cleaned'))).toEqual([]);
        const log = store.partition('c', 0)!;
        const hwm = Number(log.highWatermark);
        expect(hwm).toBeGreaterThanOrEqual(acked);
        const latest = new Map<string, number>();
        let previous = -1;
        let count = 0;
        for (const batch of log.read(0n, 1 << 30, true)) {
          for (const r of decodeBatch(batch).records) {
            expect(r.offset).toBeGreaterThan(previous);
            previous = r.offset;
            count++;
            // every record is intact: its key and value follow from its offset
            expect(`${r.key?.toString()}=${r.value?.toString()}`).toBe(`k${r.offset % KEYS}=v${r.offset}`);
            latest.set(r.key!.toString(), r.offset);
          }
        }
        // compaction did run (records were removed) before the kill
        expect(count, `records left of ${hwm} (segments: ${readdirSync(join(dir, 'c-0')).join(' ')})`).toBeLessThan(hwm);
        // each key's last acknowledged record (or a later one) is there
        for (let k = 0; k < KEYS; k++) {
          const lastAcked = acked - 1 - ((acked - 1 - k) % KEYS);
          expect(latest.get(`k${k}`), `key k${k}`).toBeGreaterThanOrEqual(lastAcked);
        }
      } finally {
        await store.close();
      }
    }
  });
});
