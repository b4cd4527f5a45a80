import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { BrokerEvent } from '../../../src/core/events/index.js';
import { startTestBroker } from '../../helpers/broker.js';
import { killGroupQuietly, waitForGroupGone } from '../../helpers/processes.js';
import { kcat, describeKcat } from '../../helpers/kcat.js';
import { itWith } from '../../helpers/tools.js';
import { kafka, waitFor } from './helpers.js';

const itKcat = itWith('kcat');

const CHILD = fileURLToPath(new URL('./fixtures/producer-child.mjs', import.meta.url));
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

type Of<T extends BrokerEvent['type']> = Extract<BrokerEvent, { type: T }>;
function find<T extends BrokerEvent['type']>(events: BrokerEvent[], type: T, match: (e: Of<T>) => boolean): Of<T> | undefined {
  return events.find((e): e is Of<T> => e.type === type && match(e as Of<T>));
}

function pgidOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

describe('client attribution through /proc', () => {
  it('attributes a producing child process to its service instance by process group, with its traceparent', async () => {
    let leader = -1;
    const asked: { pid: number; pgid: number | undefined }[] = [];
    const { bootstrap, events } = await startTestBroker({
      topics: [{ name: 'orders', partitions: 1 }],
      pidToInstance: (pid, pgid) => {
        asked.push({ pid, pgid });
        return pgid === leader ? { service: 'order', instance: 1 } : undefined;
      },
    });
    // The service runs under a shell in its own process group, as the supervisor starts it:
    // the connection's owner is the node process, the instance is known by the group.
    const child = spawn('sh', ['-c', 'node "$0"; true', CHILD], {
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BOOTSTRAP: bootstrap, TOPIC: 'orders', CLIENT_ID: 'order-svc', TRACEPARENT },
    });
    leader = child.pid!;
    onTestFinished(async () => {
      killGroupQuietly(leader);
      await waitForGroupGone(leader);
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    await waitFor('the child to produce', () => out.includes('sent'), 20_000);

    const append = await waitFor('an attributed append', () => find(events, 'broker.append', (e) => e.topic === 'orders'));
    expect(append).toMatchObject({ clientId: 'order-svc', service: 'order', instance: 1, traceparents: [TRACEPARENT] });
    const attributed = await waitFor('the attribution event', () => find(events, 'broker.client.attributed', (e) => e.service === 'order'));
    expect(attributed.pid).not.toBe(leader); // the node process, not the shell
    expect(attributed.pid).not.toBe(process.pid);
    expect(pgidOf(attributed.pid!)).toBe(leader);
    expect(asked).toContainEqual({ pid: attributed.pid, pgid: leader });
  });

  itKcat('attributes a consumer (this process) and reports its group on throttled broker.fetch events; unknown processes stay unattributed', async () => {
    const { bootstrap, events, broker } = await startTestBroker({
      topics: [{ name: 'orders', partitions: 1 }],
      pidToInstance: (pid) => (pid === process.pid ? { service: 'user', instance: 0 } : undefined),
    });
    const k = kafka(bootstrap, 'user-svc');
    const consumer = k.consumer({ groupId: 'user-group', maxWaitTimeInMs: 200 });
    await consumer.connect();
    onTestFinished(() => consumer.disconnect());
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    const values: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
    const producer = k.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send({ topic: 'orders', messages: [{ value: 'a' }, { value: 'b' }] });
    await waitFor('the records', () => values.length === 2);

    const fetched = await waitFor('a fetch event with the records', () =>
      find(events, 'broker.fetch', (e) => e.topic === 'orders' && e.bytes > 0),
    );
    expect(fetched).toMatchObject({ clientId: 'user-svc', group: 'user-group', service: 'user', instance: 0, partition: 0 });
    const append = await waitFor('the append', () => find(events, 'broker.append', (e) => e.topic === 'orders'));
    expect(append).toMatchObject({ service: 'user', instance: 0 });
    expect(append.traceparents).toBeUndefined();
    expect(broker.connections().some((c) => c.owner?.service === 'user' && c.owner.pid === process.pid)).toBe(true);

    // at most one fetch event per connection and partition per second, though the consumer
    // polls every 200 ms
    const after = Date.now();
    const stamps = () => events.filter((e) => e.type === 'broker.fetch' && e.clientId === 'user-svc' && e.ts >= after).map((e) => e.ts);
    await waitFor('three more fetch events', () => stamps().length >= 3);
    const ts = stamps();
    for (let i = 1; i < ts.length; i++) expect(ts[i]! - ts[i - 1]!).toBeGreaterThanOrEqual(1000);

    // a process that is no service instance (kcat) stays unattributed
    const sent = await kcat(bootstrap, ['-P', '-t', 'other'], 'x\n');
    expect(sent.exitCode, describeKcat(sent)).toBe(0);
    const other = await waitFor('the kcat append', () => find(events, 'broker.append', (e) => e.topic === 'other'));
    expect(other.clientId).toBe('rdkafka');
    expect(other.service).toBeUndefined();
  });
});
