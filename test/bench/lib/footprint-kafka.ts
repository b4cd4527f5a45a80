/**
 * kcat against the broker of a running devmode: a file of N lines of 100 bytes produced to
 * a topic (`kcat -P -l`), and read back from the beginning and counted (`kcat -C -e | wc -l`,
 * so the bench's own event loop never sees the 100 MB). Each kcat leads its own process
 * group, tracked by the Reaper.
 */
import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { GroupProcess, type Reaper } from './startup-procs.js';

export const MESSAGE_BYTES = 100;

/** Writes `count` lines of MESSAGE_BYTES bytes (newline not counted) to `file`. */
export async function writeMessages(file: string, count: number): Promise<void> {
  const line = Buffer.from('x'.repeat(MESSAGE_BYTES - 8));
  const body = Buffer.allocUnsafe(count * (MESSAGE_BYTES + 1));
  for (let i = 0; i < count; i++) {
    const at = i * (MESSAGE_BYTES + 1);
    body.write(i.toString(16).padStart(8, '0'), at, 'latin1');
    line.copy(body, at + 8);
    body[at + MESSAGE_BYTES] = 0x0a;
  }
  await writeFile(file, body);
}

export interface KcatRun {
  ms: number;
  /** consume: lines counted; produce: NaN */
  count: number;
  /** kcat's stderr (its errors), last lines */
  errors: string[];
}

async function run(reaper: Reaper, args: string[], timeoutMs: number): Promise<KcatRun> {
  const errors: string[] = [];
  let count = NaN;
  const started = performance.now();
  const p = reaper.track(
    new GroupProcess({
      command: args[0]!,
      args: args.slice(1),
      onLine: (line) => {
        if (line.stream === 'stderr') errors.push(line.text);
        else if (/^\s*\d+\s*$/.test(line.text)) count = Number(line.text);
      },
    }),
  );
  const timer = setTimeout(() => void p.stop({ signal: 'SIGKILL' }), timeoutMs);
  await p.exited;
  clearTimeout(timer);
  return { ms: performance.now() - started, count, errors: errors.slice(-10) };
}

/** `kcat -P -b BROKERS -t TOPIC -l FILE` (librdkafka's defaults: linger 5 ms, acks all). */
export function kcatProduce(reaper: Reaper, brokers: string, topic: string, file: string, timeoutMs = 120_000): Promise<KcatRun> {
  return run(reaper, ['kcat', '-P', '-b', brokers, '-t', topic, '-l', file], timeoutMs);
}

/** Reads TOPIC from the beginning to its end and counts the messages. */
export function kcatConsumeCount(reaper: Reaper, brokers: string, topic: string, timeoutMs = 120_000): Promise<KcatRun> {
  // Only broker addresses (host:port, commas) go into the shell line.
  if (!/^[\w.:,-]+$/.test(brokers) || !/^[\w.-]+$/.test(topic)) throw new Error(`unexpected broker list or topic: ${brokers} ${topic}`);
  return run(reaper, ['sh', '-c', `kcat -C -b ${brokers} -t ${topic} -o beginning -e -q | wc -l`], timeoutMs);
}
