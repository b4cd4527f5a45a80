import { describe, expect, it, onTestFinished } from 'vitest';
import type { DevmodeEvent, EventOf } from '../../../src/core/events/index.js';
import { Registry } from '../../../src/locator/registry.js';
import { BodyCapture } from '../../../src/mesh/capture/index.js';
import { MeshEdge } from '../../../src/mesh/edge.js';
import { HttpProxy } from '../../../src/net/proxy/index.js';
import { connect, startWsServer, waitFor } from './helpers.js';

/** An echoing ws backend (it greets each client first) behind the edge shipping.0 -> user. */
async function startRig() {
  const backend = await startWsServer((ws) => {
    ws.send('hello from user');
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  const registry = new Registry();
  registry.upsertInstance({ service: 'user', instance: 0, host: '127.0.0.1', port: backend.port, state: 'ready' });
  const events: DevmodeEvent[] = [];
  const capture = new BodyCapture();
  const proxy = new HttpProxy();
  const edge = new MeshEdge({ caller: { service: 'shipping', instance: 0 }, callee: 'user', resolver: registry, publish: (e) => events.push(e), proxy, waitTimeoutMs: 2000, capture });
  await edge.start();
  onTestFinished(async () => {
    await edge.stop();
    proxy.close();
  });
  const of = <T extends DevmodeEvent['type']>(type: T) => events.filter((e): e is EventOf<T> => e.type === type);
  return { backend, capture, events, of, url: edge.url.replace('http', 'ws') };
}

describe('frames on demand through a MeshEdge', () => {
  it('publishes unmasked frame previews both ways when capture is on, after ws.opened', async () => {
    const rig = await startRig();
    rig.capture.enable({ caller: 'shipping', callee: 'user' });
    const { ws, got: echoes } = await connect(`${rig.url}/stream`);
    await waitFor('the greeting', () => echoes.length === 1);
    ws.send('order 42 shipped');
    ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    ws.send('x'.repeat(1000));
    await waitFor('the echoes', () => echoes.length === 4);
    ws.close(4001, 'done');
    const [closed] = await waitFor('ws.closed', () => rig.of('ws.closed').length === 1 && rig.of('ws.closed'));

    const frames = rig.of('ws.frame');
    // Each direction in order (how the two interleave depends on timing).
    const brief = (direction: string) => frames.filter((f) => f.direction === direction).map((f) => [f.opcode, f.encoding, f.preview.slice(0, 20), f.size, f.truncated]);
    const sent = [
      ['text', 'utf8', 'order 42 shipped', 16, false],
      ['binary', 'hex', 'deadbeef', 4, false],
      ['text', 'utf8', 'x'.repeat(20), 1000, true],
      ['close', 'utf8', 'done', 6, false],
    ];
    expect(brief('in')).toEqual(sent);
    expect(brief('out')).toEqual([['text', 'utf8', 'hello from user', 15, false], ...sent]);
    const long = frames.find((f) => f.size === 1000)!;
    expect(long.preview).toBe('x'.repeat(256));
    const close = frames.find((f) => f.direction === 'in' && f.opcode === 'close');
    expect(close).toMatchObject({ code: 4001, caller: { service: 'shipping', instance: 0 }, callee: { service: 'user', instance: 0 }, dropped: 0 });
    const opened = rig.events.findIndex((e) => e.type === 'ws.opened');
    expect(opened).toBeGreaterThanOrEqual(0);
    expect(rig.events.findIndex((e) => e.type === 'ws.frame')).toBeGreaterThan(opened);
    expect(frames.every((f) => f.id === closed!.id)).toBe(true);
    expect(closed).toMatchObject({ framesIn: 3, framesOut: 4, messagesIn: 3, messagesOut: 4, code: 4001 });
    expect(closed!.framesDropped).toBeUndefined();
  });

  it('publishes no frames while capture is off, and starts when it is switched on mid-stream', async () => {
    const rig = await startRig();
    const { ws, got: echoes } = await connect(`${rig.url}/stream`);
    ws.send('before');
    await waitFor('the first echo', () => echoes.length === 2);
    expect(rig.of('ws.frame')).toEqual([]);
    rig.capture.enable({ callee: 'user' });
    ws.send('after');
    await waitFor('the second echo', () => echoes.length === 3);
    rig.capture.disable();
    ws.send('off again');
    await waitFor('the third echo', () => echoes.length === 4);
    ws.close(1000);
    const [closed] = await waitFor('ws.closed', () => rig.of('ws.closed').length === 1 && rig.of('ws.closed'));
    expect(rig.of('ws.frame').map((f) => `${f.direction}:${f.preview}`)).toEqual(['in:after', 'out:after']);
    expect(closed).toMatchObject({ framesIn: 3, framesOut: 4, code: 1000 });
  });

  it('publishes at most maxPerSecond frames and counts the rest', async () => {
    const rig = await startRig();
    rig.capture.enable();
    const { ws, got } = await connect(`${rig.url}/stream`);
    for (let i = 0; i < 100; i++) ws.send(`m${i}`);
    await waitFor('the echoes', () => got.length === 101);
    ws.close(1000);
    const [closed] = await waitFor('ws.closed', () => rig.of('ws.closed').length === 1 && rig.of('ws.closed'));
    const frames = rig.of('ws.frame');
    const seconds = Math.max(1, Math.ceil((closed!.ts - rig.of('ws.opened')[0]!.ts) / 1000) + 1);
    expect(frames.length).toBeLessThanOrEqual(20 * seconds);
    // every frame (101 + 100 data, 2 close) was either published or counted as dropped
    expect(frames.length + (closed!.framesDropped ?? 0)).toBe(203);
    expect(frames.reduce((n, f) => n + f.dropped, 0)).toBeLessThanOrEqual(closed!.framesDropped ?? 0);
  });
});
