/**
 * Data directory details: a lock held by a zombie (dead, not reaped) is taken over; a log
 * start offset moved by DeleteRecords and a group's protocol type survive a restart.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { EmbeddedLogStore } from '../../../src/broker/log/log-store.js';
import { lockDataDir } from '../../../src/broker/log/data-dir-lock.js';
import { encodeBatch } from '../../helpers/record-batch.js';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'devmode-datadir-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function procState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

describe('data directory', () => {
  it.runIf(process.platform === 'linux')('takes over a lock whose owner is a zombie', async () => {
    const dir = tempDir();
    // The outer shell execs sleep at once, which never reaps children; the inner shell then
    // writes its pid as the lock and kills itself: a zombie owning the lock, as when devmode was killed and
    // its parent has not waited for it yet.
    const parent = spawn('sh', ['-c', `sh -c 'sleep 0.3; echo $$ > "${dir}/.lock"; kill -9 $$' & exec sleep 30`], { stdio: 'ignore' });
    onTestFinished(() => {
      parent.kill('SIGKILL');
    });
    let owner = 0;
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      owner = Number.parseInt(readFileSync(join(dir, '.lock'), { encoding: 'utf8', flag: 'a+' }), 10);
      if (owner > 0 && procState(owner) === 'Z') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(procState(owner)).toBe('Z');
    const unlock = lockDataDir(dir);
    expect(readFileSync(join(dir, '.lock'), 'utf8')).toBe(String(process.pid));
    unlock();
  });

  it('refuses a lock whose owner is alive', () => {
    const dir = tempDir();
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    onTestFinished(() => {
      child.kill('SIGKILL');
    });
    writeFileSync(join(dir, '.lock'), String(child.pid));
    expect(() => lockDataDir(dir)).toThrow(/in use by another process/);
  });

  it('keeps the log start offset DeleteRecords set and the protocol type of a group', async () => {
    const dir = tempDir();
    let store = new EmbeddedLogStore({ dataDir: dir });
    await store.open();
    store.createTopic('t', 1);
    for (let i = 0; i < 5; i++) store.partition('t', 0)!.append(encodeBatch([{ value: `v${i}` }]), Date.now());
    expect(store.deleteRecords('t', 0, 3n)).toBe(3n);
    expect(() => store.deleteRecords('t', 0, 6n)).toThrow(/outside/);
    store.commitOffset('g', 't', 0, { offset: 1n, leaderEpoch: -1, metadata: null, commitTimestamp: 0 });
    store.setGroupProtocolType('g', 'consumer');
    await store.close();
    store = new EmbeddedLogStore({ dataDir: dir });
    await store.open();
    onTestFinished(() => store.close());
    expect(store.partition('t', 0)!.logStartOffset).toBe(3n);
    expect(store.partition('t', 0)!.read(2n, 1 << 20, true)).toEqual([]);
    expect(store.partition('t', 0)!.read(3n, 1 << 20, true)).toHaveLength(2);
    expect(store.groupProtocolType('g')).toBe('consumer');
  });
});
