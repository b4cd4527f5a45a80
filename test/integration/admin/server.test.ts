import http from 'node:http';
import net from 'node:net';
import { describe, expect, onTestFinished, test } from 'vitest';
import type { SystemSnapshot } from '../../../src/core/contracts.js';
import type { DevmodeEvent } from '../../../src/core/events/index.js';
import { startAdmin } from './fixture.js';
import { openStream } from './stream-reader.js';

const log = (service: string, line: string): DevmodeEvent => ({ type: 'log', ref: { service, instance: 0 }, stream: 'stdout', line, ts: Date.now() });
const exchange = (caller: string, callee: string, path: string): DevmodeEvent => ({
  type: 'http.exchange', id: `x-${path}`, caller: { service: caller, instance: 0 }, callee: { service: callee, instance: 0 },
  method: 'GET', path, status: 200, durationMs: 1.5, requestBytes: 0, responseBytes: 2, ts: Date.now(),
});

async function send(method: string, url: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { method, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
  return { status: res.status, json: await res.json() };
}

describe('GET /state', () => {
  test('serves the snapshot: services with instance states, edges, empty broker views', async () => {
    const admin = await startAdmin();
    const { status, json } = await send('GET', `${admin.url}/state`);
    expect(status).toBe(200);
    const s = json as SystemSnapshot;
    expect(s.name).toBe('shop');
    expect(s.gatewayUrl).toBe('http://127.0.0.1:9000');
    expect(s.services.map((x) => [x.name, x.kind])).toEqual([['order', 'managed'], ['user', 'managed'], ['legacy', 'unmanaged']]);
    expect(s.services[0]!.instances).toEqual([{ instance: 0, state: 'ready', pid: 42000, port: 41000, url: 'http://127.0.0.1:41000', why: null }]);
    expect(s.services[1]!.instances.map((i) => i.state)).toEqual(['ready', 'starting']);
    expect(s.services[2]!.instances[0]).toMatchObject({ state: 'ready', url: 'http://127.0.0.1:1' });
    expect(s.edges[0]).toMatchObject({ caller: 'gateway', callee: 'order', p99: 12.25 });
    expect(s).toMatchObject({ routes: [], topics: [], groups: [], faults: [], topology: { observed: [], undeclared: [], unused: [] } });
  });
});

describe('GET /events', () => {
  test('streams JSON lines as events are published, filtered by type prefix and service', async () => {
    const admin = await startAdmin();
    const all = await openStream(`${admin.url}/events`);
    expect(all.res.headers['content-type']).toContain('application/x-ndjson');
    const logsOfUser = await openStream(`${admin.url}/events?type=log&service=user`);
    const traffic = await openStream(`${admin.url}/events?type=http.,ws.&service=order`);
    admin.bus.publish(log('order', 'order says hi'));
    admin.bus.publish(log('user', 'user says hi'));
    admin.bus.publish(exchange('gateway', 'order', '/a'));
    admin.bus.publish(exchange('shipping', 'user', '/b'));
    admin.bus.publish({ type: 'ws.opened', id: 'w1', caller: { service: 'shipping', instance: 0 }, callee: { service: 'order', instance: 0 }, path: '/ws', ts: Date.now() });
    admin.bus.publish({ type: 'ws.closed', id: 'w2', framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, code: 1000, ts: Date.now() });
    admin.bus.publish({ type: 'ws.closed', id: 'w1', framesIn: 1, framesOut: 2, bytesIn: 3, bytesOut: 4, code: 1000, ts: Date.now() });
    admin.bus.publish({ type: 'system.stopping', reason: 'end', ts: Date.now() });

    await all.until((t) => t.includes('system.stopping'));
    expect(all.lines().map((l) => (JSON.parse(l) as DevmodeEvent).type)).toEqual(['log', 'log', 'http.exchange', 'http.exchange', 'ws.opened', 'ws.closed', 'ws.closed', 'system.stopping']);
    await traffic.until((t) => t.includes('"w1"') && t.includes('ws.closed'));
    expect(traffic.lines().map((l) => JSON.parse(l) as DevmodeEvent).map((e) => e.type + ':' + ('path' in e ? e.path : 'id' in e ? e.id : ''))).toEqual(['http.exchange:/a', 'ws.opened:/ws', 'ws.closed:w1']);
    await logsOfUser.until((t) => t.includes('user says hi'));
    expect(logsOfUser.lines()).toHaveLength(1);
  });

  test('speaks server-sent events with ids, and replays what a reconnecting client missed', async () => {
    const admin = await startAdmin();
    const sse = await openStream(`${admin.url}/events?type=log`, { accept: 'text/event-stream' });
    expect(sse.res.headers['content-type']).toContain('text/event-stream');
    admin.bus.publish(log('order', 'one'));
    admin.bus.publish(log('order', 'two'));
    await sse.until((t) => t.includes('"two"'));
    const frames = sse.text.split('\n\n').filter((f) => f.startsWith('id:'));
    expect(frames).toHaveLength(2);
    const [idLine, dataLine] = frames[0]!.split('\n');
    expect(idLine).toMatch(/^id: \d+$/);
    expect(JSON.parse(dataLine!.replace(/^data: /, ''))).toMatchObject({ type: 'log', line: 'one' });
    sse.close();

    admin.bus.publish(log('order', 'three (missed)'));
    const again = await openStream(`${admin.url}/events?type=log`, { accept: 'text/event-stream', 'last-event-id': idLine!.slice(4) });
    await again.until((t) => t.includes('three'));
    expect(again.text).toContain('"two"');
    expect(again.text).not.toContain('"one"');
  });

  test('?since= replays recent history before going live; a bad since is a 400', async () => {
    const admin = await startAdmin();
    admin.bus.publish(log('order', 'earlier'));
    const s = await openStream(`${admin.url}/events?since=1m&type=log`);
    await s.until((t) => t.includes('earlier'));
    admin.bus.publish(log('order', 'later'));
    await s.until((t) => t.includes('later'));
    expect(s.lines()).toHaveLength(2);
    const bad = await send('GET', `${admin.url}/events?since=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.json.hint).toContain('since=30s');
  });

  test('a client that does not read loses events past the buffer limit, counted by a marker line', async () => {
    const admin = await startAdmin({ streamBufferBytes: 64 * 1024 });
    // A raw socket that stops reading once the response head came (devmode has subscribed it by then).
    const socket = net.connect(admin.server.port, '127.0.0.1');
    onTestFinished(() => {
      socket.destroy();
    });
    socket.setEncoding('utf8');
    let head = '';
    const headSeen = new Promise<void>((resolve) => {
      const onData = (c: string) => {
        head += c;
        if (!head.includes('\r\n\r\n')) return;
        socket.off('data', onData);
        socket.pause();
        resolve();
      };
      socket.on('data', onData);
    });
    socket.write('GET /events?type=log HTTP/1.1\r\nhost: x\r\n\r\n');
    await headSeen;
    const filler = 'x'.repeat(2000);
    const total = 20_000; // 40 MB: far more than kernel buffers plus the 64 KiB limit
    for (let i = 0; i < total; i++) admin.bus.publish(log('order', `${i} ${filler}`));
    let text = head;
    socket.on('data', (c: string) => (text += c));
    socket.resume();
    await waitUntil(() => text.includes('admin.dropped'));
    admin.bus.publish({ type: 'system.stopping', reason: 'end', ts: Date.now() });
    admin.bus.publish(log('order', 'after'));
    await waitUntil(() => text.includes('"after"'));
    const body = text.slice(text.indexOf('\r\n\r\n') + 4);
    // chunked encoding: keep only the JSON lines
    const lines = body.split(/\r?\n/).filter((l) => l.startsWith('{'));
    const delivered = lines.filter((l) => l.includes('"type":"log"')).length - 1;
    const dropped = lines.filter((l) => l.includes('admin.dropped')).reduce((n, l) => n + (JSON.parse(l) as { count: number }).count, 0);
    expect(dropped).toBeGreaterThan(total / 2);
    expect(delivered + dropped).toBe(total);
  });
});

describe('faults', () => {
  test('POST adds (201), GET lists, DELETE one (404 when unknown) and all', async () => {
    const admin = await startAdmin();
    const created = await send('POST', `${admin.url}/faults`, { caller: 'gateway', callee: 'user', status: 503, percent: 50 });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: 'rule-1', callee: 'user', percent: 50, action: 'status 503' });
    expect((await send('POST', `${admin.url}/faults`, { id: 'slow', callee: 'order', delay: '200ms', jitter: 50 })).status).toBe(201);
    expect((await send('GET', `${admin.url}/faults`)).json.map((f: { id: string }) => f.id)).toEqual(['rule-1', 'slow']);
    expect((await send('GET', `${admin.url}/state`)).json.faults).toHaveLength(2);
    expect((await send('GET', `${admin.url}/faults/slow`)).json.action).toBe('delay 200 ms + 0..50 ms');
    expect((await send('DELETE', `${admin.url}/faults/rule-1`)).status).toBe(200);
    const missing = await send('DELETE', `${admin.url}/faults/rule-1`);
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: 'no fault rule with id "rule-1"', hint: 'rules in force: slow' });
    expect((await send('DELETE', `${admin.url}/faults`)).json).toEqual({ cleared: true, faults: [] });
  });

  test.each([
    ['malformed JSON', '{"callee": "user",', /not valid JSON/],
    ['no action', { callee: 'user' }, /no action/],
    ['two actions', { callee: 'user', status: 500, abort: true }, /2 actions \(status, abort\)/],
    ['percent out of range', { callee: 'user', cut: true, percent: 150 }, /percent must be a number from 0 to 100/],
    ['misspelt key', { calee: 'user', cut: true }, /unknown key "calee"/],
    ['bad status', { status: 42 }, /status must be an HTTP status code/],
    ['unknown service (the system says)', { callee: 'nobody', cut: true }, /callee 'nobody' of the fault rule is not a service/],
  ])('%s is a 400 with {error, hint}', async (_name, body, message) => {
    const admin = await startAdmin();
    const res = await send('POST', `${admin.url}/faults`, body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(message);
    expect(admin.faults.list()).toEqual([]);
  });

  test('a misspelt key gets a suggestion', async () => {
    const admin = await startAdmin();
    const res = await send('POST', `${admin.url}/faults`, { calee: 'user', cut: true });
    expect(res.json.hint).toBe('did you mean "callee"?');
  });
});

describe('restart and unknown paths', () => {
  test('POST /services/:name/restart: 202 for a managed service, 404 for an unknown one, 409 for an unmanaged one', async () => {
    const admin = await startAdmin();
    const ok = await send('POST', `${admin.url}/services/order/restart`);
    expect(ok).toEqual({ status: 202, json: { service: 'order', restarting: true } });
    expect((await send('POST', `${admin.url}/services/user/restart?wait=true`)).json).toEqual({ service: 'user', restarted: true });
    const unknown = await send('POST', `${admin.url}/services/ordr/restart`);
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ error: 'there is no service named "ordr"', hint: 'did you mean "order"?' });
    expect((await send('POST', `${admin.url}/services/legacy/restart`)).status).toBe(409);
    expect(admin.commands).toEqual(['restart order', 'restart user']);
  });

  test('any other path is a 404 listing the endpoints; a wrong method is a 405', async () => {
    const admin = await startAdmin();
    const res = await send('GET', `${admin.url}/nope`);
    expect(res.status).toBe(404);
    expect(res.json.error).toBe('no endpoint GET /nope');
    expect(res.json.endpoints.some((e: string) => e.startsWith('GET    /state'))).toBe(true);
    expect((await send('DELETE', `${admin.url}/state`)).status).toBe(405);
  });

  test('stop() ends open event streams and is idempotent', async () => {
    const admin = await startAdmin();
    const s = await openStream(`${admin.url}/events`);
    const ended = new Promise((r) => s.res.once('end', r));
    await Promise.all([admin.server.stop(), admin.server.stop()]);
    await ended;
    await expect(new Promise((_, reject) => http.get(`${admin.url}/state`, { agent: false }).on('error', reject))).rejects.toThrow(/ECONNREFUSED/);
  });
});

async function waitUntil(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the read model and the new commands', () => {
  test('GET /snapshot is the Store snapshot, with logs unless ?logs=0, only the figures with ?figures=1', async () => {
    const admin = await startAdmin();
    admin.bus.publish(log('order', 'listening'));
    const full = (await send('GET', `${admin.url}/snapshot`)).json;
    expect(full.version).toBe(admin.store.getSnapshot().version);
    expect(full.seq).toBe(admin.store.lastSeq);
    expect(full.logs.byInstance['order.0'].items.map((l: { text: string }) => l.text)).toEqual(['listening']);
    expect(full.header).toMatchObject({ name: 'shop', gatewayUrl: 'http://127.0.0.1:9000', ready: 2, total: 3 });
    const lean = (await send('GET', `${admin.url}/snapshot?logs=0`)).json;
    expect(lean.logs).toEqual({ byInstance: {}, merged: { items: [], dropped: 0, total: 0 } });
    expect(lean.services).toEqual(full.services);
    admin.bus.publish({ type: 'system.notice', level: 'info', source: 'test', message: 'noted', ts: Date.now() });
    const figures = (await send('GET', `${admin.url}/snapshot?figures=1`)).json;
    expect((await send('GET', `${admin.url}/snapshot`)).json.events.items.length).toBeGreaterThan(0);
    expect(figures.events.items).toEqual([]);
    expect(figures.tap.items).toEqual([]);
    expect(figures.logs.merged.items).toEqual([]);
    expect(figures.header).toEqual(expect.objectContaining({ name: 'shop', ready: 2, total: 3 }));
  });

  test('stop and start a service; broker down and up as a fault rule; produce without a broker is a 503', async () => {
    const admin = await startAdmin();
    expect(await send('POST', `${admin.url}/services/order/stop`)).toEqual({ status: 200, json: { service: 'order', stopped: true } });
    expect((await send('POST', `${admin.url}/services/order/start?wait=true`)).json).toEqual({ service: 'order', started: true });
    expect((await send('POST', `${admin.url}/services/legacy/stop`)).status).toBe(409);
    expect(admin.commands).toEqual(['stop order', 'start order']);
    const down = await send('POST', `${admin.url}/broker/down`);
    expect(down).toMatchObject({ status: 201, json: { id: 'broker-down', action: 'broker down' } });
    expect(admin.faults.down).toBe(true);
    expect((await send('POST', `${admin.url}/broker/up`)).status).toBe(200);
    expect(admin.faults.down).toBe(false);
    const produced = await send('POST', `${admin.url}/topics/orders/messages`, { key: '1', value: 'x' });
    expect(produced.status).toBe(503);
    expect((await send('POST', `${admin.url}/topics/orders/messages`, { vlaue: 'x' })).json.error).toBe('unknown key "vlaue" in the message');
    expect((await send('GET', `${admin.url}/topics/orders/records?limit=0`)).status).toBe(400);
    expect((await send('GET', `${admin.url}/topics/orders/records`)).json).toEqual([]);
  });

  test('a fault duration in the config grammar is accepted (1m30s) and shown as the mesh applies it', async () => {
    const admin = await startAdmin();
    const res = await send('POST', `${admin.url}/faults`, { callee: 'user', delay: '1m30s' });
    expect(res.status).toBe(201);
    expect(res.json.action).toBe('delay 90000 ms');
  });
});
