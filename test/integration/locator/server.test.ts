import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from '../../../src/locator/registry.js';
import { LocatorServer } from '../../../src/locator/server.js';

const servers: LocatorServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function start(): Promise<{ registry: Registry; url: string }> {
  const registry = new Registry();
  const server = new LocatorServer({ registry, host: '127.0.0.1', port: 0 });
  servers.push(server);
  await server.start();
  return { registry, url: server.url };
}

describe('LocatorServer', () => {
  it('registers with PUT, looks up as text/plain, lists, and unregisters with DELETE', async () => {
    const { url } = await start();
    const put = await fetch(`${url}/services/hello`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'hello', url: 'http://127.0.0.1:8123', acls: [{ method: 'GET', pathRegex: '/hello/.*' }] }),
    });
    expect(put.status).toBe(200);

    const lookup = await fetch(`${url}/services/hello`);
    expect(lookup.status).toBe(200);
    expect(lookup.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await lookup.text()).toBe('http://127.0.0.1:8123');

    const list = (await (await fetch(`${url}/services`)).json()) as { name: string; url: string; acls: unknown[]; instances: { state: string }[] }[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ name: 'hello', url: 'http://127.0.0.1:8123', acls: [{ method: 'GET', pathRegex: '/hello/.*' }] });
    expect(list[0]?.instances[0]?.state).toBe('ready');

    const instances = (await (await fetch(`${url}/services/hello/instances`)).json()) as { port: number }[];
    expect(instances.map((i) => i.port)).toEqual([8123]);

    expect((await fetch(`${url}/services/hello`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${url}/services/hello`)).status).toBe(404);
  });

  it('answers a miss with 404 and a JSON body listing the services', async () => {
    const { registry, url } = await start();
    registry.addUnmanaged('legacy', 'http://127.0.0.1:7000');
    const res = await fetch(`${url}/services/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "service 'nope' is not registered", services: ['legacy'] });
  });

  it('returns ready instances of a managed service round-robin, and 404 when none is ready', async () => {
    const { registry, url } = await start();
    registry.upsertInstance({ service: 'order', instance: 0, host: '127.0.0.1', port: 5000, state: 'ready' });
    registry.upsertInstance({ service: 'order', instance: 1, host: '127.0.0.1', port: 5001, state: 'ready' });
    const got = [];
    for (let i = 0; i < 4; i++) got.push(await (await fetch(`${url}/services/order`)).text());
    expect(got).toEqual(['http://127.0.0.1:5000', 'http://127.0.0.1:5001', 'http://127.0.0.1:5000', 'http://127.0.0.1:5001']);
    registry.setState('order', 0, 'down', 'exited with code 1');
    registry.setState('order', 1, 'down', 'exited with code 1');
    const res = await fetch(`${url}/services/order`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toMatch(/no ready instance.*exited with code 1/);
    // managed services cannot be removed through the API
    expect((await fetch(`${url}/services/order`, { method: 'DELETE' })).status).toBe(400);
  });

  it('rejects malformed registrations with 400 and a JSON message, harming nothing', async () => {
    const { registry, url } = await start();
    const put = (body: string) => fetch(`${url}/services/x`, { method: 'PUT', body });
    const cases: [string, RegExp][] = [
      ['not json', /must be JSON/],
      ['[]', /JSON object/],
      ['{"name":"x"}', /"uris" \(or "uri", or "url"\) is required/],
      ['{"name":"y","url":"http://127.0.0.1:1"}', /path names 'x'/],
      ['{"url":"nope"}', /not an absolute URI/],
      ['{"url":"http://127.0.0.1:1","acls":[{"pathRegex":"("}]}', /not a valid regular expression/],
    ];
    for (const [body, message] of cases) {
      const res = await put(body);
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as { error: string }).error, body).toMatch(message);
    }
    expect(registry.list()).toEqual([]);
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${url}/services`, { method: 'POST' })).status).toBe(405);
  });

  it('stop is idempotent and safe during start', async () => {
    const server = new LocatorServer({ registry: new Registry(), host: '127.0.0.1', port: 0 });
    const starting = server.start();
    const stopping = server.stop();
    await Promise.allSettled([starting]);
    await stopping;
    await server.stop();
  });
});
