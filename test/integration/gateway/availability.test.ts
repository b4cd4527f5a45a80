import { describe, expect, it } from 'vitest';
import { ready, startBackend, startGateway, waitFor } from './helpers.js';

const name = async (res: Response) => ((await res.json()) as { name: string }).name;

describe('gateway availability', () => {
  it('balances round-robin over ready instances', async () => {
    const [a, b] = await Promise.all([startBackend('a'), startBackend('b')]);
    const rig = await startGateway([{ name: 'svc', routes: ['/**'] }]);
    ready(rig.registry, 'svc', 0, a);
    ready(rig.registry, 'svc', 1, b);
    const names = [];
    for (let i = 0; i < 6; i++) names.push(await name(await fetch(`${rig.url}/x`)));
    expect(names).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
  });

  it('answers 502 with the service and why when it is down', async () => {
    const rig = await startGateway([{ name: 'order', routes: ['/orders/**'] }]);
    rig.registry.upsertInstance({ service: 'order', instance: 0, host: '127.0.0.1', port: 1, state: 'down', why: 'crash loop: exited with code 1 five times' });
    const res = await fetch(`${rig.url}/orders/1`);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ error: "service 'order' is unavailable", service: 'order', reason: 'crash loop: exited with code 1 five times' });
    const exchange = rig.events.find((e) => e.type === 'http.exchange');
    expect(exchange).toMatchObject({ status: 502, callee: { service: 'order', instance: null } });
    expect(exchange && 'error' in exchange && exchange.error).toMatch(/unavailable/);
  });

  it('answers 502 naming the instance when its only instance refuses connections', async () => {
    const a = await startBackend('a');
    const rig = await startGateway([{ name: 'svc', routes: ['/**'] }]);
    ready(rig.registry, 'svc', 0, a);
    await a.close();
    const res = await fetch(`${rig.url}/x`);
    expect(res.status).toBe(502);
    expect(((await res.json()) as { reason: string }).reason).toMatch(/instance 0 .*ECONNREFUSED/);
  });

  it('answers 503 when a starting service is not ready within the wait timeout', async () => {
    const rig = await startGateway([{ name: 'slow', routes: ['/**'] }], { waitTimeoutMs: 200 });
    rig.registry.upsertInstance({ service: 'slow', instance: 0, host: '127.0.0.1', port: 1 });
    const started = Date.now();
    const res = await fetch(`${rig.url}/x`);
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(await res.json()).toMatchObject({ service: 'slow', error: "service 'slow' did not become ready within 200 ms" });
  });

  it('holds a request for a pending service and serves it once an instance is ready', async () => {
    const a = await startBackend('a');
    const rig = await startGateway([{ name: 'svc', routes: ['/**'] }]);
    rig.registry.upsertInstance({ service: 'svc', instance: 0, host: '127.0.0.1', port: a.port });
    const answer = fetch(`${rig.url}/x`);
    await new Promise((r) => setTimeout(r, 100)); // the request must really wait, not race the state change
    expect(a.hits).toBe(0);
    rig.registry.setState('svc', 0, 'ready');
    const res = await answer;
    expect(res.status).toBe(200);
    expect(await name(res)).toBe('a');
  });

  it('fails a waiting request with 502 as soon as the service goes down', async () => {
    const rig = await startGateway([{ name: 'svc', routes: ['/**'] }], { waitTimeoutMs: 30_000 });
    rig.registry.upsertInstance({ service: 'svc', instance: 0, host: '127.0.0.1', port: 1 });
    const answer = fetch(`${rig.url}/x`);
    await waitFor('the request to reach the gateway', () => true);
    setTimeout(() => rig.registry.setState('svc', 0, 'down', 'exited with code 2'), 50);
    const res = await answer;
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ reason: 'exited with code 2' });
  });

  it('retries a refused connection once on another ready instance', async () => {
    const [a, b] = await Promise.all([startBackend('a'), startBackend('b')]);
    const rig = await startGateway([{ name: 'svc', routes: ['/**'] }]);
    ready(rig.registry, 'svc', 0, a);
    ready(rig.registry, 'svc', 1, b);
    await a.close(); // still registered as ready: the supervisor has not noticed yet
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${rig.url}/x`, { method: i % 2 ? 'POST' : 'GET', body: i % 2 ? 'payload' : null });
      expect(res.status).toBe(200);
      expect(await name(res)).toBe('b');
    }
  });

  it('loses no request when an instance is swapped to a new process under steady traffic', async () => {
    const [old, next] = await Promise.all([startBackend('old'), startBackend('new')]);
    const rig = await startGateway([{ name: 'svc', routes: ['/**'] }]);
    ready(rig.registry, 'svc', 0, old);
    let running = true;
    const failures: string[] = [];
    let ok = 0;
    const loop = async () => {
      while (running) {
        try {
          const res = await fetch(`${rig.url}/x`, { method: 'POST', body: 'order' });
          if (res.status === 200) ok++;
          else failures.push(`status ${res.status}: ${await res.text()}`);
          await res.arrayBuffer().catch(() => {});
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const loops = Array.from({ length: 8 }, loop);
    await waitFor('traffic on the old instance', () => old.hits >= 50);
    rig.registry.swapInstance('svc', 0, { port: next.port });
    await old.close(); // graceful: in-flight requests finish, idle keep-alive sockets close
    await waitFor('traffic on the new instance', () => next.hits >= 50);
    running = false;
    await Promise.all(loops);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThanOrEqual(100);
  });

  it('stop is idempotent, safe during start, and ends waiting requests', async () => {
    const rig = await startGateway([{ name: 'svc', routes: ['/**'] }], { waitTimeoutMs: 30_000 });
    rig.registry.declareService('svc');
    const answer = fetch(`${rig.url}/x`).then(
      (r) => r.status,
      () => 'closed',
    );
    await new Promise((r) => setTimeout(r, 50));
    await Promise.all([rig.gateway.stop(), rig.gateway.stop()]);
    expect([503, 'closed']).toContain(await answer);
  });
});
