/**
 * Failures a user can see: a client the embedded broker cannot serve gets one line in
 * `devmode kafka`'s and `devmode up`'s output naming the client, the API and version, and
 * what to do; bounded when the client retries in a loop; escaped.
 */
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { devmode, FIXTURES, tempProject } from '../helpers/devmode-rig.js';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { kcat } from '../helpers/kcat.js';
import { RawClient } from '../integration/broker-wire/raw-client.js';
import { itWith } from '../helpers/tools.js';

const itKcat = itWith('kcat');

const WEB = path.join(FIXTURES, 'e2e/web.mjs');

function problemLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => /client .*\(127\.0\.0\.1:\d+/.test(l));
}

describe('client problems in the output', () => {
  it('devmode kafka: one escaped line per problem, with what to do, however often the client retries', async () => {
    const dm = devmode(['kafka', '--port', '0'], tempProject());
    const bootstrap = (await dm.waitFor(/kafka ready on (127\.0\.0\.1:\d+)/))[1]!;

    // a client configured for SASL (the Java client sends SaslHandshake): Kafka's answer, a
    // closed connection, makes clients hint at the wrong cause; devmode says what is wrong.
    const sasl = await RawClient.connect(bootstrap);
    onTestFinished(() => sasl.close());
    sasl.send(RawClient.frame(17, 1, 1, Buffer.from([0, 5, 0x50, 0x4c, 0x41, 0x49, 0x4e]), false, 'billing'));
    await sasl.closed;
    await dm.waitFor(/client "billing" \(127\.0\.0\.1:\d+\): SaslHandshake v1: the client wants to authenticate; connection closed\. .*security\.protocol=PLAINTEXT/);

    // a client id with terminal escapes, asking for a version the broker does not serve, 30 times
    for (let i = 0; i < 30; i++) {
      const c = await RawClient.connect(bootstrap);
      onTestFinished(() => c.close());
      c.send(RawClient.frame(3, 99, 1, Buffer.alloc(8), false, 'evil\u001b]0;owned\u0007\u001b[2J'));
      await c.closed;
    }
    await dm.waitFor(/Metadata v99 is not served/);
    await new Promise((r) => setTimeout(r, 300));
    const lines = problemLines(dm.stdout).filter((l) => l.includes('Metadata v99'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('client "evil\\x1b]0;owned\\x07\\x1b[2J" (127.0.0.1:');
    expect(lines[0]).toMatch(/this broker serves v0-12.*connection closed\. The client is newer than this broker/);
    expect(dm.stdout).not.toContain('\u001b');
    expect(problemLines(dm.stdout).filter((l) => l.includes('billing')).length).toBeLessThanOrEqual(1);

    dm.signal('SIGINT');
    expect((await dm.exited).code).toBe(0);
  });

  itKcat('devmode up: a refused produce is one line naming the client, the API and what to do', async () => {
    const dir = tempProject({
      'devmode.yaml': `name: problems-${process.pid}
services:
  web: { command: node ${WEB} }
locator: { port: 0 }
gateway: { port: 0 }
admin: { port: 0 }
kafka:
  mode: embedded
  port: 0
  topics: [{ name: state, config: { cleanup.policy: compact } }]
  topic_config: { message.timestamp.type: LogAppendTime }
`,
    });
    const dm = devmode(['up'], dir);
    await dm.ready();
    const bootstrap = dm.stdout.match(/embedded broker on (127\.0\.0\.1:\d+)/)![1]!;
    const big = 'x'.repeat(1_200_000);
    const p = await kcat(bootstrap, ['-P', '-t', 'big', '-X', 'client.id=uploader', '-X', 'message.max.bytes=2000000', '-X', 'message.send.max.retries=0'], `${big}\n`);
    expect(p.exitCode).not.toBe(0);
    const line = (await dm.waitFor(/kafka\s+\| client "uploader" .*/))[0];
    expect(line).toMatch(/produce to big refused: a batch is larger than the topic's max\.message\.bytes \(MESSAGE_TOO_LARGE\)\. Raise max\.message\.bytes/);

    // the topic configs of devmode.yaml reach the broker (in its worker thread)
    const keyless = await kcat(bootstrap, ['-P', '-t', 'state', '-X', 'client.id=keyless', '-X', 'message.send.max.retries=0'], 'no key\n');
    expect(keyless.exitCode).not.toBe(0);
    await dm.waitFor(/client "keyless" .*compacted topic needs a key/);
    const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    const described = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'state', configNames: ['cleanup.policy', 'message.timestamp.type'] }],
      includeSynonyms: false,
    });
    expect(described.resources[0]!.configEntries.map((e) => [e.configName, e.configValue, e.configSource])).toEqual([
      ['cleanup.policy', 'compact', 1],
      ['message.timestamp.type', 'LogAppendTime', 4],
    ]);
    dm.signal('SIGINT');
    await dm.exited;
  });
});
