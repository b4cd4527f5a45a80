/**
 * `devmode kafka` (just the broker, for people who only want a Docker-free Kafka),
 * persistence across devmode restarts with a data directory, and `devmode clean`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { devmode, FIXTURES, runDevmode, tempProject } from '../helpers/devmode-rig.js';
import { describeKcat, kcat } from '../helpers/kcat.js';
import { itWith } from '../helpers/tools.js';
import { waitForPortFree } from '../helpers/processes.js';

const itKcat = itWith('kcat');

const WEB = path.join(FIXTURES, 'e2e/web.mjs');

async function standalone(dir: string, extra: string[] = []) {
  const dm = devmode(['kafka', '--port', '0', ...extra], dir);
  const bootstrap = (await dm.waitFor(/kafka ready on (127\.0\.0\.1:\d+)/))[1]!;
  return { dm, bootstrap };
}

describe('devmode kafka', () => {
  itKcat('runs a broker that kcat produces to and consumes from, and stops cleanly', async () => {
    const dir = tempProject();
    const { dm, bootstrap } = await standalone(dir);
    const lines = Array.from({ length: 50 }, (_, i) => `k${i}:v${i}`).join('\n') + '\n';
    const produced = await kcat(bootstrap, ['-P', '-t', 'greetings', '-K:'], lines);
    expect(produced.exitCode, describeKcat(produced)).toBe(0);
    const consumed = await kcat(bootstrap, ['-C', '-t', 'greetings', '-o', 'beginning', '-e', '-f', '%k:%s\n']);
    expect(consumed.stdout).toBe(lines);
    expect(dm.stdout).toMatch(/topic greetings created/);
    dm.signal('SIGINT');
    expect((await dm.exited).code).toBe(0);
    await waitForPortFree(Number(bootstrap.split(':')[1]));
  });

  itKcat('keeps topics and messages in --data-dir across restarts', async () => {
    const dir = tempProject();
    const data = path.join(dir, 'kafka-data');
    const first = await standalone(dir, ['--data-dir', data]);
    expect(first.dm.stdout).toMatch(/data in .*kafka-data/);
    const lines = Array.from({ length: 200 }, (_, i) => `m${i}`).join('\n') + '\n';
    expect((await kcat(first.bootstrap, ['-P', '-t', 'kept', '-X', 'acks=all'], lines)).exitCode).toBe(0);
    first.dm.signal('SIGTERM');
    await first.dm.exited;

    const second = await standalone(dir, ['--data-dir', data]);
    const consumed = await kcat(second.bootstrap, ['-C', '-t', 'kept', '-o', 'beginning', '-e']);
    expect(consumed.stdout).toBe(lines);
    second.dm.signal('SIGINT');
    await second.dm.exited;
  });

  itKcat('devmode up with kafka.persist keeps messages across runs; devmode clean wipes them', async () => {
    const dir = tempProject({
      'devmode.yaml': `name: persist-${process.pid}
services:
  web: { command: node ${WEB} }
locator: { port: 0 }
gateway: { port: 0 }
admin: { port: 0 }
kafka:
  mode: embedded
  port: 0
  persist: true
  topics: [{ name: events, partitions: 1 }]
`,
    });
    const run = async () => {
      const dm = devmode(['up'], dir);
      await dm.ready();
      const bootstrap = dm.stdout.match(/embedded broker on (127\.0\.0\.1:\d+)/)![1]!;
      return { dm, bootstrap };
    };
    const a = await run();
    expect((await kcat(a.bootstrap, ['-P', '-t', 'events', '-X', 'acks=all'], 'one\ntwo\n')).exitCode).toBe(0);
    a.dm.signal('SIGINT');
    await a.dm.exited;
    expect(existsSync(path.join(dir, '.devmode/kafka'))).toBe(true);

    const b = await run();
    expect((await kcat(b.bootstrap, ['-C', '-t', 'events', '-o', 'beginning', '-e'])).stdout).toBe('one\ntwo\n');
    b.dm.signal('SIGINT');
    await b.dm.exited;

    const cleaned = await runDevmode(['clean'], dir);
    expect(cleaned.code).toBe(0);
    expect(cleaned.stdout).toMatch(/removed \.devmode\/kafka/);
    expect(existsSync(path.join(dir, '.devmode/kafka'))).toBe(false);
  });
});
