/**
 * Topic configs honoured by the embedded broker: stored and validated at creation (Kafka's
 * error code and words), answered by DescribeConfigs with their source, kept in the data
 * directory, and acted on (max.message.bytes, LogAppendTime, retention with segment.ms).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { startBroker, startTestBroker } from '../../helpers/broker.js';
import { describeKcat, kcat } from '../../helpers/kcat.js';
import { admin as platformaticAdmin } from '../broker-platformatic/clients.js';
import { itWith } from '../../helpers/tools.js';

const itKcat = itWith('kcat');

function kafka(bootstrap: string): Kafka {
  return new Kafka({ clientId: 'configs-test', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
}

async function kafkajsAdmin(bootstrap: string) {
  const admin = kafka(bootstrap).admin();
  await admin.connect();
  onTestFinished(() => admin.disconnect());
  return admin;
}

async function describeTopic(admin: Awaited<ReturnType<typeof kafkajsAdmin>>, topic: string, names: string[]) {
  const r = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: names }], includeSynonyms: false });
  return Object.fromEntries(r.resources[0]!.configEntries.map((e) => [e.configName, { value: e.configValue, source: e.configSource, isDefault: e.isDefault }]));
}

describe('topic configs', () => {
  it('kafkajs: configs given at creation are stored, described with their source, and bad ones refused in Kafka words', async () => {
    const { bootstrap } = await startTestBroker();
    const admin = await kafkajsAdmin(bootstrap);
    await admin.createTopics({
      topics: [
        {
          topic: 'state',
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'retention.ms', value: '1000' },
            { name: 'max.message.bytes', value: '10485760' },
          ],
        },
      ],
    });
    const described = await describeTopic(admin, 'state', ['cleanup.policy', 'retention.ms', 'max.message.bytes', 'segment.bytes']);
    expect(described).toEqual({
      'cleanup.policy': { value: 'compact', source: 1, isDefault: false },
      'retention.ms': { value: '1000', source: 1, isDefault: false },
      'max.message.bytes': { value: '10485760', source: 1, isDefault: false },
      'segment.bytes': { value: String(1024 * 1024), source: 5, isDefault: true },
    });
    const refusal = async (entry: { name: string; value: string }): Promise<string> => {
      const error = (await admin.createTopics({ topics: [{ topic: 'bad', configEntries: [entry] }] }).catch((e: unknown) => e)) as {
        errors?: { type?: string; message?: string }[];
      };
      return JSON.stringify(error.errors?.map((e) => [e.type, e.message]));
    };
    // kafkajs shows its own text for the code; @platformatic/kafka shows the broker's message
    expect(await refusal({ name: 'retention.ms', value: 'soon' })).toMatch(/^\[\["INVALID_CONFIG"/);
    expect(await refusal({ name: 'cleanup.polcy', value: 'compact' })).toMatch(/^\[\["INVALID_CONFIG"/);
    const pk = platformaticAdmin(bootstrap);
    const messageOf = async (name: string, value: string): Promise<unknown> => {
      type Refused = { response?: { topics?: { errorCode: number; errorMessage: string }[] } };
      // @platformatic/kafka 2 wraps the broker's answer in a MultipleErrors
      const e = (await pk.createTopics({ topics: ['bad'], partitions: 1, replicas: 1, configs: [{ name, value }] }).catch((e: unknown) => e)) as Refused & { errors?: Refused[] };
      return (e.response ?? e.errors?.[0]?.response)?.topics?.map((t) => [t.errorCode, t.errorMessage]);
    };
    expect(await messageOf('retention.ms', 'soon')).toEqual([[40, 'Invalid value soon for configuration retention.ms: Not a number of type LONG']]);
    expect(await messageOf('cleanup.polcy', 'compact')).toEqual([[40, 'Unknown topic config name: cleanup.polcy']]);
    expect(await messageOf('min.cleanable.dirty.ratio', '2')).toEqual([[40, 'Invalid value 2 for configuration min.cleanable.dirty.ratio: Value must be no more than 1.0']]);
    expect(await admin.listTopics()).toEqual(['state']);
  });

  itKcat('kcat: max.message.bytes lets a large message into one topic and keeps it out of another', async () => {
    const { bootstrap } = await startTestBroker();
    const admin = await kafkajsAdmin(bootstrap);
    await admin.createTopics({ topics: [{ topic: 'big', configEntries: [{ name: 'max.message.bytes', value: '4000000' }] }, { topic: 'small' }] });
    const large = `${'x'.repeat(2_000_000)}\n`;
    const opts = ['-X', 'message.max.bytes=3000000', '-X', 'message.send.max.retries=0'];
    const ok = await kcat(bootstrap, ['-P', '-t', 'big', ...opts], large);
    expect(ok.exitCode, describeKcat(ok)).toBe(0);
    const refused = await kcat(bootstrap, ['-P', '-t', 'small', ...opts], large);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(/too large|MSG_SIZE_TOO_LARGE/i);
    const back = await kcat(bootstrap, ['-C', '-t', 'big', '-o', 'beginning', '-e', '-f', '%S\n']);
    expect(back.stdout).toBe('2000000\n');
  });

  itKcat('message.timestamp.type=LogAppendTime stamps records with the broker time', async () => {
    const { bootstrap } = await startTestBroker();
    const admin = await kafkajsAdmin(bootstrap);
    await admin.createTopics({ topics: [{ topic: 'stamped', configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }, { topic: 'created' }] });
    const producer = kafka(bootstrap).producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const before = Date.now();
    const [answer] = await producer.send({ topic: 'stamped', messages: [{ value: 'a', timestamp: '1000' }] });
    expect(Number(answer!.logAppendTime)).toBeGreaterThanOrEqual(before);
    await producer.send({ topic: 'created', messages: [{ value: 'b', timestamp: '1000' }] });
    const stamped = await kcat(bootstrap, ['-C', '-t', 'stamped', '-o', 'beginning', '-e', '-f', '%T\n']);
    expect(Number(stamped.stdout.trim())).toBeGreaterThanOrEqual(before);
    const created = await kcat(bootstrap, ['-C', '-t', 'created', '-o', 'beginning', '-e', '-f', '%T\n']);
    expect(created.stdout).toBe('1000\n');
  });

  itKcat('retention.ms with segment.ms drops old records of that topic only', async () => {
    const { bootstrap, broker } = await startTestBroker();
    const admin = await kafkajsAdmin(bootstrap);
    await admin.createTopics({
      topics: [{ topic: 'short', configEntries: [{ name: 'retention.ms', value: '200' }, { name: 'segment.ms', value: '100' }] }, { topic: 'long' }],
    });
    for (const t of ['short', 'long']) expect((await kcat(bootstrap, ['-P', '-t', t], 'old-1\nold-2\n')).exitCode).toBe(0);
    await new Promise((r) => setTimeout(r, 1200));
    for (const t of ['short', 'long']) expect((await kcat(bootstrap, ['-P', '-t', t], 'new\n')).exitCode).toBe(0);
    const short = await kcat(bootstrap, ['-C', '-t', 'short', '-o', 'beginning', '-e', '-f', '%o:%s\n']);
    expect(short.stdout).toBe('2:new\n');
    const long = await kcat(bootstrap, ['-C', '-t', 'long', '-o', 'beginning', '-e', '-f', '%o:%s\n']);
    expect(long.stdout).toBe('0:old-1\n1:old-2\n2:new\n');
    expect(broker.store.partition('short', 0)!.logStartOffset).toBe(2n);
  });

  itKcat('@platformatic/kafka: configs survive a restart on the data directory; broker defaults show as such', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devmode-configs-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const topicDefaults = { 'max.message.bytes': '2000', 'compression.type': 'gzip' };
    let started = await startBroker({ dataDir: dir, topicDefaults });
    try {
      const admin = platformaticAdmin(started.bootstrap);
      await admin.createTopics({ topics: ['kept'], partitions: 2, replicas: 1, configs: [{ name: 'cleanup.policy', value: 'compact,delete' }, { name: 'delete.retention.ms', value: '5000' }] });
      await admin.close();
    } finally {
      await started.broker.stop();
    }
    started = await startBroker({ dataDir: dir, topicDefaults });
    onTestFinished(() => started.broker.stop());
    const admin = platformaticAdmin(started.bootstrap);
    const [result] = await admin.describeConfigs({
      resources: [{ resourceType: 2, resourceName: 'kept', configurationKeys: ['cleanup.policy', 'delete.retention.ms', 'max.message.bytes', 'compression.type'] }],
    });
    const got = Object.fromEntries(result!.configs.map((c) => [c.name, [c.value, c.configSource]]));
    expect(got).toEqual({
      'cleanup.policy': ['compact,delete', 1],
      'delete.retention.ms': ['5000', 1],
      'max.message.bytes': ['2000', 4],
      'compression.type': ['gzip', 4],
    });
    expect(started.broker.store.topic('kept')?.partitions).toBe(2);
    // the broker default is acted on: a 5 kB record is refused
    const big = await kcat(started.bootstrap, ['-P', '-t', 'kept', '-K:', '-X', 'message.send.max.retries=0'], `k:${'y'.repeat(5000)}\n`);
    expect(big.exitCode).not.toBe(0);
  });
});
