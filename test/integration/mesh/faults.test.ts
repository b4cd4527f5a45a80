import { describe, expect, it } from 'vitest';
import { exchanges, request, startMesh, waitFor } from './helpers.js';

describe('mesh faults seen from a real client', () => {
  it('forwards normally without rules and records caller, callee and status', async () => {
    const rig = await startMesh();
    const res = await request(`${rig.toUser.url}/users/1`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ name: 'user', url: '/users/1' });
    const [e] = await waitFor('the exchange event', () => exchanges(rig.events).length > 0 && exchanges(rig.events));
    expect(e).toMatchObject({ caller: { service: 'shipping', instance: 0 }, callee: { service: 'user', instance: 0 }, method: 'GET', path: '/users/1', status: 200 });
    expect(e).not.toHaveProperty('fault');
  });

  it('delays by at least the configured time, then forwards', async () => {
    const rig = await startMesh();
    rig.faults.set({ id: 'slow', caller: 'shipping', callee: 'user', delay: '150ms' });
    const started = performance.now();
    const res = await request(`${rig.toUser.url}/slow`);
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(145); // timers may fire a hair early against performance.now
    expect(rig.user.hits).toBe(1);
    const fast = performance.now();
    await request(`${rig.toOrder.url}/fast`);
    expect(performance.now() - fast).toBeLessThan(145); // the rule is for user only
    const e = await waitFor('the delayed exchange', () => exchanges(rig.events).find((x) => x.path === '/slow'));
    expect(e).toMatchObject({ status: 200, fault: 'slow: delay 150 ms', callee: { service: 'user', instance: 0 } });
    expect(e.durationMs).toBeGreaterThanOrEqual(145);
  });

  it('answers with the status and a body naming the fault, without calling the callee', async () => {
    const rig = await startMesh();
    rig.faults.set({ id: 'err', callee: 'user', status: 503, methods: ['POST'] });
    const res = await request(`${rig.toUser.url}/orders`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(503);
    expect(res.headers['x-devmode-fault']).toBe('err');
    expect(JSON.parse(res.body)).toMatchObject({ fault: 'err', service: 'user' });
    expect(rig.user.hits).toBe(0);
    expect((await request(`${rig.toUser.url}/orders`)).status).toBe(200); // GET is not matched
    const e = await waitFor('the fault exchange', () => exchanges(rig.events).find((x) => x.status === 503));
    expect(e).toMatchObject({ caller: { service: 'shipping' }, callee: { service: 'user', instance: null }, fault: 'err: status 503' });
    expect(e.error).toMatch(/fault 'err'/);
    expect(rig.faults.list()[0]?.hits).toBe(1);
  });

  it('aborts: the client sees the connection hang up with no response', async () => {
    const rig = await startMesh();
    rig.faults.set({ id: 'boom', callee: 'user', abort: true });
    await expect(request(`${rig.toUser.url}/x`)).rejects.toMatchObject({ message: 'socket hang up' });
    expect(rig.user.hits).toBe(0);
    const e = await waitFor('the aborted exchange', () => exchanges(rig.events).find((x) => x.fault));
    expect(e).toMatchObject({ status: 0, fault: 'boom: abort' });
  });

  it('drops: the client times out, and the exchange is recorded when it gives up', async () => {
    const rig = await startMesh();
    rig.faults.set({ id: 'hole', callee: 'user', drop: true });
    const started = performance.now();
    await expect(request(`${rig.toUser.url}/x`, { timeoutMs: 300 })).rejects.toMatchObject({ code: 'CLIENT_TIMEOUT' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    const e = await waitFor('the dropped exchange', () => exchanges(rig.events).find((x) => x.fault));
    expect(e).toMatchObject({ status: 0, fault: 'hole: drop' });
    expect(e.error).toMatch(/dropped/);
    expect(rig.user.hits).toBe(0);
  });

  it('releases a dropped call when the edge stops', async () => {
    const rig = await startMesh();
    rig.faults.set({ id: 'hole', callee: 'user', drop: true });
    const pending = request(`${rig.toUser.url}/x`);
    await waitFor('the call to be held', () => rig.faults.list()[0]?.hits === 1);
    await rig.toUser.stop();
    await expect(pending).rejects.toThrow();
  });

  it('cuts a service off (connection refused) and restores it on the same URL', async () => {
    const rig = await startMesh();
    const url = rig.toUser.url;
    expect((await request(`${url}/before`)).status).toBe(200);
    rig.faults.set({ id: 'cut-user', callee: 'user', cut: true });
    await waitFor('the edge to close', () => rig.toUser.suspended);
    await expect(request(`${url}/during`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect((await request(`${rig.toOrder.url}/other`)).status).toBe(200); // only user is cut off
    expect(rig.faults.decide('gateway', 'user', 'GET', '/x')).toMatchObject({ kind: 'cut' });
    expect(rig.faults.clear('cut-user')).toBe(true);
    const back = await waitFor('the edge to listen again', async () => request(`${url}/after`).catch(() => undefined));
    expect(back.status).toBe(200);
    expect(rig.toUser.url).toBe(url);
    expect(rig.user.hits).toBe(2);
  });

  it('resets open keep-alive connections when cut', async () => {
    const rig = await startMesh();
    const http = await import('node:http');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        http.get(`${rig.toUser.url}${path}`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        }).on('error', reject);
      });
    expect(await get('/1')).toBe(200);
    rig.faults.set({ id: 'cut', callee: 'user', cut: true });
    await waitFor('the edge to close', () => rig.toUser.suspended);
    await expect(get('/2')).rejects.toThrow();
    agent.destroy();
  });

  it('starts cut when a configured cut rule is in force', async () => {
    const rig = await startMesh(1, [{ id: 'cut', caller: 'shipping', callee: 'order', path: '*', methods: [], percent: 100, action: { kind: 'cut' } }]);
    expect(rig.toOrder.suspended).toBe(true); // start() resolves with the cut in force
    expect(rig.toUser.suspended).toBe(false);
    await expect(request(`${rig.toOrder.url}/x`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('applies faults to WebSocket upgrades too', async () => {
    const rig = await startMesh();
    rig.faults.set({ id: 'no-ws', callee: 'user', path: '/ws', status: 503 });
    const { WebSocket } = await import('ws');
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${rig.toUser.url.replace('http', 'ws')}/ws`);
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('open', () => reject(new Error('upgrade went through')));
      ws.on('error', () => {});
    });
    expect(status).toBe(503);
    const e = await waitFor('the refused upgrade', () => exchanges(rig.events).find((x) => x.fault));
    expect(e).toMatchObject({ status: 503, path: '/ws', fault: 'no-ws: status 503' });
  });

  it('applies a percentage the same way twice with the same seed', async () => {
    const run = async () => {
      const rig = await startMesh(99);
      rig.faults.set({ id: 'flaky', callee: 'user', status: 500, percent: 40 });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await request(`${rig.toUser.url}/${i}`)).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });
});
