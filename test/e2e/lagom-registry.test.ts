/**
 * Lagom's own service registry format, through the running system's locator and gateway:
 * a service registers as Lagom's ServiceRegistryService (`uris`, or `uri` before Lagom 1.5,
 * ACL methods as `{"name": "GET"}`), is looked up as Lagom's `GET /services/:id?portName`
 * answers (text/plain URI), listed as Lagom's RegisteredService (`name`, `url`, `portName`),
 * and reached through the gateway by its ACLs. The registering service is a real HTTP
 * server in this process.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from '../../src/harness/index.js';
import { FIXTURES, removeDir, tempDir } from '../helpers/devmode-rig.js';

let h: Harness;
let dir: string;
let legacy: http.Server;
let legacyUrl: string;

beforeAll(async () => {
  legacy = http.createServer((req, res) => res.end(`legacy saw ${req.method} ${req.url}`));
  await new Promise<void>((resolve) => legacy.listen(0, '127.0.0.1', resolve));
  legacyUrl = `http://127.0.0.1:${(legacy.address() as AddressInfo).port}`;
  dir = tempDir({
    'devmode.yaml': `
name: lagom-${process.pid}
services:
  web:
    command: node ${path.join(FIXTURES, 'e2e/web.mjs')}
    routes: [/web/**]
locator: { port: 0 }
gateway: { port: 0 }
admin: { port: 0 }
kafka: { mode: embedded, port: 0 }
`,
  });
  h = await Harness.start({ file: path.join(dir, 'devmode.yaml') });
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await new Promise((resolve) => legacy?.close(resolve));
  if (dir) removeDir(dir);
});

const put = (name: string, body: unknown) =>
  fetch(`${h.locatorUrl}/services/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe("Lagom's service registry format", () => {
  it('registers a ServiceRegistryService (uris, method as {name}) and routes its ACLs through the gateway', async () => {
    const res = await put('legacy', { uris: [legacyUrl], acls: [{ method: { name: 'GET' }, pathRegex: '/legacy/.*' }] });
    expect(res.status, await res.clone().text()).toBe(200);

    const viaGateway = await fetch(`${h.gatewayUrl}/legacy/items?x=1`);
    expect(await viaGateway.text()).toBe('legacy saw GET /legacy/items?x=1');
    expect((await fetch(`${h.gatewayUrl}/legacy/items`, { method: 'POST' })).status).toBe(405);
  });

  it('accepts the pre-1.5 form (uri) and an ACL with a method only', async () => {
    const res = await put('old', { uri: legacyUrl, acls: [{ method: { name: 'POST' }, pathRegex: '/old/.*' }, { method: { name: 'DELETE' } }] });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await (await fetch(`${h.gatewayUrl}/old/x`, { method: 'POST' })).text()).toBe('legacy saw POST /old/x');
  });

  it('answers lookups as Lagom does: text/plain URI, by port name, 404 for another port name', async () => {
    const plain = await fetch(`${h.locatorUrl}/services/legacy`);
    expect(plain.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await plain.text()).toBe(legacyUrl);
    const byPort = await fetch(`${h.locatorUrl}/services/legacy?portName=http`);
    expect(await byPort.text()).toBe(legacyUrl);
    expect((await fetch(`${h.locatorUrl}/services/legacy?portName=https`)).status).toBe(404);
  });

  it("lists services as Lagom's RegisteredService: name, url, portName", async () => {
    const list = (await (await fetch(`${h.locatorUrl}/services`)).json()) as { name: string; url: string | null; portName?: string | null }[];
    expect(list).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'legacy', url: legacyUrl, portName: 'http' })]));
    const kafka = list.find((s) => s.name === 'kafka_native');
    expect(kafka).toMatchObject({ portName: 'tcp' });
  });

  it('refuses a body with no URI, saying which keys it takes', async () => {
    const res = await put('broken', { acls: [] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/"uris"/);
  });
});
