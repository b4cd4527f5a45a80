/**
 * Nothing untrusted drives the developer's terminal: a Kafka client id, a consumer group's
 * name, a request path and a service's output carrying escape sequences (clear the screen,
 * set the window title) are printed escaped by `devmode up`, `devmode status` and
 * `devmode events`. Real clients: a raw Kafka frame, kafkajs, fetch.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { devmode, FREE_PORTS, runDevmode, tempProject } from '../helpers/devmode-rig.js';
import { waitFor } from '../helpers/processes.js';

const EVIL = '\u001b[2J\u001b]0;PWNED\u0007';
const SHOWN = '\\x1b[2J\\x1b]0;PWNED\\x07';
/** Any control character but newline (and the colours devmode adds itself, off here by NO_COLOR). */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** A Kafka request with an unknown API key, from `clientId`: the broker reports it and closes. */
function rawRequest(host: string, port: number, clientId: string): Promise<void> {
  const id = Buffer.from(clientId);
  const body = Buffer.alloc(2 + 2 + 4 + 2 + id.length);
  body.writeInt16BE(999, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(1, 4);
  body.writeInt16BE(id.length, 8);
  id.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return new Promise((resolve, reject) => {
    const socket = connect(port, host, () => socket.end(Buffer.concat([size, body])));
    socket.on('error', reject);
    socket.on('close', () => resolve());
    socket.resume();
  });
}

describe('untrusted text on the terminal', () => {
  it('is printed escaped: client ids, group names, paths and service output', async () => {
    const dir = tempProject({
      'devmode.yaml': `
name: inject-${process.pid}
services:
  web:
    command: node -e "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT); console.log('\\\\x1b[32mgreen\\\\x1b[39m \\\\x1b[2J\\\\x1b]0;PWNED\\\\x07 from web')"
    routes: [/web/**]
${FREE_PORTS}`,
    });
    const dm = devmode(['up'], dir);
    const gateway = await dm.ready();
    const [, host, port] = (await dm.waitFor(/broker on ([\d.]+):(\d+)/))!;
    await dm.waitFor(/web\.0 +\| .*from web/);

    await rawRequest(host!, Number(port), EVIL);
    await dm.waitFor(/kafka +\| client .*PWNED/);

    const kafka = new Kafka({ clientId: EVIL, brokers: [`${host}:${port}`], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `shop${EVIL}` });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders' });
    await consumer.run({ eachMessage: async () => {} });
    try {
      await dm.waitFor(/group shop.*generation/, 30_000);
      await fetch(`${gateway}/web/${encodeURIComponent(EVIL)}`);

      expect(dm.stdout).toContain(`\\x1b[2J\\x1b]0;PWNED\\x07 from web`);
      expect(dm.stdout).toContain(`client "${SHOWN}"`);
      expect(dm.stdout).toContain(`group shop${SHOWN}`);
      expect(dm.output).not.toMatch(CONTROL);

      // the Store polls the broker's groups about once a second
      let status = await runDevmode(['status'], dir);
      await waitFor(async () => (status = await runDevmode(['status'], dir)).stdout.includes(`shop${SHOWN}`), 'the group in devmode status', 10_000, 250);
      expect(status.stdout).not.toMatch(CONTROL);

      const events = devmode(['events', '--since', '10m'], dir);
      await events.waitFor(/PWNED\\x07 from web/);
      await waitFor(() => events.stdout.includes(`group shop${SHOWN}`), 'the group in devmode events', 10_000);
      expect(events.stdout).not.toMatch(CONTROL);
    } finally {
      await consumer.disconnect();
    }
  }, 90_000);
});
