import { describe, expect, it } from 'vitest';
import type { EventOf } from '../../../src/core/events/index.js';
import { ready, startBackend, startGateway } from '../gateway/helpers.js';
import { connect, waitFor } from './helpers.js';

describe('WebSocket accounting at the gateway', () => {
  it('puts frame counts, messages and the close code into ws.closed', async () => {
    const a = await startBackend('a');
    const rig = await startGateway([{ name: 'a', routes: ['/**'] }]);
    ready(rig.registry, 'a', 0, a);
    const { ws, got } = await connect(`${rig.url.replace('http', 'ws')}/chat`);
    for (let i = 0; i < 10; i++) ws.send(`m${i}`);
    ws.send(Buffer.from([1, 2, 3]));
    await waitFor('the echoes', () => got.length === 11);
    ws.close(4001, 'bye');
    const closed = await waitFor('ws.closed', () => rig.events.find((e): e is EventOf<'ws.closed'> => e.type === 'ws.closed'));
    expect(closed).toMatchObject({ framesIn: 11, framesOut: 11, messagesIn: 11, messagesOut: 11, code: 4001 });
    // the echoes carry 'a:/chat:' before each text
    expect(closed.bytesOut - closed.bytesIn).toBe(10 * ('a:/chat:'.length - 4) - 4 - 4);
  });
});
