// user: keeps per-user order history (from the Kafka topic `orders`) and the latest shipment
// updates (streamed by shipping over a WebSocket). Runs as a cluster: every instance tells
// its peers about each change, so any instance answers for any user.
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { UserState } from './state.mjs';
import { replicate } from './peers.mjs';
import { startOrdersConsumer } from './orders-consumer.mjs';
import { replayOrders } from './orders-history.mjs';

const HOST = process.env.HOST ?? '127.0.0.1';
const PORT = Number(process.env.PORT ?? 3002);
const NAME = process.env.SERVICE_NAME ?? 'user';
const INSTANCE = process.env.SERVICE_INSTANCE ?? '0';

const state = new UserState();
let fromPeers = 0;

const consumer = startOrdersConsumer((order) => {
  if (state.addOrder(order)) replicate({ kind: 'order', order });
});

// Ready (for /health) once the history is rebuilt from the topic, so a reload swaps in an
// instance that already knows every order; without Kafka it serves what it has.
let historyRebuilt = false;
const replayStarted = Date.now();
replayOrders((order) => state.addOrder(order))
  .then((n) => console.log(`history rebuilt from ${n} order events in ${Date.now() - replayStarted} ms`))
  .catch((error) => console.error(`history not rebuilt (${error.message}); serving what arrives from now on`))
  .finally(() => (historyRebuilt = true));

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname;
  try {
    if (path === '/health') {
      if (!historyRebuilt) return send(res, 503, { status: 'rebuilding the order history from the orders topic' });
      return send(res, 200, { status: 'ok', service: NAME, instance: INSTANCE });
    }
    let m;
    if (req.method === 'GET' && (m = /^\/api\/users\/([^/]+)\/orders$/.exec(path))) {
      return send(res, 200, state.ordersOf(decodeURIComponent(m[1])));
    }
    if (req.method === 'GET' && (m = /^\/api\/users\/([^/]+)$/.exec(path))) {
      const userId = decodeURIComponent(m[1]);
      if (!state.knows(userId)) return send(res, 404, { error: `no orders or shipments for user ${userId} yet` });
      return send(res, 200, { userId, orders: state.ordersOf(userId).length, shipments: state.shipmentsOf(userId) });
    }
    if (req.method === 'GET' && (m = /^\/internal\/orders\/([^/]+)$/.exec(path))) {
      const orderId = decodeURIComponent(m[1]);
      const userId = state.ownerOf(orderId);
      return userId ? send(res, 200, { orderId, userId }) : send(res, 404, { error: `order ${orderId} not seen yet` });
    }
    if (req.method === 'GET' && path === '/internal/stats') {
      const { partitions, consumed } = consumer.status;
      return send(res, 200, { instance: INSTANCE, partitions, consumedFromKafka: consumed, receivedFromPeers: fromPeers });
    }
    if (req.method === 'POST' && path === '/internal/replicate') {
      const change = JSON.parse(await readBody(req));
      fromPeers++;
      // Applied here only: a replicated change is not passed on again.
      if (change.kind === 'order') state.addOrder(change.order);
      else if (change.kind === 'shipment') state.addShipmentUpdate(change.update);
      else return send(res, 400, { error: `unknown change kind ${change.kind}` });
      return send(res, 204);
    }
    send(res, 404, { error: `no route for ${req.method} ${path}` });
  } catch (error) {
    send(res, error instanceof SyntaxError ? 400 : 500, { error: error.message });
  }
});

// Shipping keeps a stream open here and sends shipment updates; each is answered with an ack.
const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  if (new URL(req.url ?? '/', 'http://x').pathname !== '/internal/shipments/stream') {
    socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('message', (data) => {
      let update;
      try {
        update = JSON.parse(data.toString());
      } catch {
        ws.send(JSON.stringify({ type: 'error', error: 'expected a JSON shipment update' }));
        return;
      }
      if (state.addShipmentUpdate(update)) replicate({ kind: 'shipment', update });
      ws.send(JSON.stringify({ type: 'ack', shipmentId: update.shipmentId, seq: update.seq, by: `${NAME}#${INSTANCE}` }));
    });
    ws.on('error', () => {});
  });
});

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function send(res, status, body) {
  if (body === undefined) return res.writeHead(status).end();
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

server.listen(PORT, HOST, () => console.log(`${NAME}#${INSTANCE} listening on http://${HOST}:${PORT}`));

async function shutdown(signal) {
  console.log(`${NAME}#${INSTANCE} got ${signal}, shutting down`);
  setTimeout(() => process.exit(0), 3000).unref();
  for (const ws of wss.clients) ws.close(1001, 'shutting down');
  server.close();
  server.closeIdleConnections();
  // Leave the group so the peer takes the partitions over at once; but a disconnect
  // during a rebalance waits for the rebalance, and a stopping instance should not.
  await Promise.race([consumer.stop(), new Promise((r) => setTimeout(r, 1000))]);
  process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
