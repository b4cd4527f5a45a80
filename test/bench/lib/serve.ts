/**
 * Child-process entry for the gateway bench, so the load generator, the proxy and the
 * backend each have their own event loop (as nginx and a real backend would):
 *   backend            a node:http server answering 200 "hello world"
 *   gateway PORT       the devmode Gateway in front of 127.0.0.1:PORT
 *   undici PORT        a bare server forwarding through an undici Pool (comparison only)
 *   proxy PORT         a bare server forwarding through HttpProxy (no routes, no events)
 *   nodehttp PORT      the same with HttpProxy's node:http client for every request (its former implementation)
 * Prints `{"port": N}` on stdout once listening; stops on SIGTERM.
 */
import http from 'node:http';
import { Gateway } from '../../../src/gateway/gateway.js';
import { UndiciForwarder } from './undici-forward.js';

const [mode, upstreamPort] = process.argv.slice(2);
const body = Buffer.from('hello world');
let stop: () => Promise<void>;

if (mode === 'backend') {
  const server = http.createServer({ keepAliveTimeout: 30_000 }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  console.log(JSON.stringify({ port: (server.address() as { port: number }).port }));
  stop = async () => void server.closeAllConnections();
} else if (mode === 'gateway') {
  const port = Number(upstreamPort);
  const gateway = new Gateway({
    host: '127.0.0.1',
    port: 0,
    waitTimeoutMs: 1000,
    services: [{ name: 'backend', routes: [{ path: '/**', methods: [], stripPrefix: null }] }],
    resolver: {
      ready: () => [{ service: 'backend', instance: 0, host: '127.0.0.1', port, url: `http://127.0.0.1:${port}` }],
      pending: () => false,
      waitReady: async () => [],
      whyDown: () => undefined,
    },
    publish: () => {},
  });
  await gateway.start();
  console.log(JSON.stringify({ port: gateway.port }));
  stop = () => gateway.stop();
} else if (mode === 'undici') {
  const forwarder = new UndiciForwarder(`http://127.0.0.1:${upstreamPort}`);
  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => forwarder.forward(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  console.log(JSON.stringify({ port: (server.address() as { port: number }).port }));
  stop = async () => {
    server.closeAllConnections();
    await forwarder.close();
  };
} else if (mode === 'nodehttp' || mode === 'proxy') {
  const { HttpProxy } = await import('../../../src/net/proxy/http-proxy.js');
  const proxy = new HttpProxy(mode === 'nodehttp' ? { client: 'node:http' } : {});
  const target = { host: '127.0.0.1', port: Number(upstreamPort) };
  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => void proxy.forward(req, res, target));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  console.log(JSON.stringify({ port: (server.address() as { port: number }).port }));
  stop = async () => {
    server.closeAllConnections();
    await proxy.close();
  };
} else {
  console.error(`usage: serve.ts backend | gateway PORT | undici PORT | proxy PORT | nodehttp PORT (got ${mode})`);
  process.exit(2);
}
process.once('SIGTERM', () => void stop().finally(() => process.exit(0)));
