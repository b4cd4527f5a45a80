// shipping: creates shipments for known orders. It asks user over HTTP whether the order
// exists (the ask pattern: it fails when user is down), then streams the shipment's status
// updates to user over a WebSocket.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { UserStream } from './user-stream.mjs';

const HOST = process.env.HOST ?? '127.0.0.1';
const PORT = Number(process.env.PORT ?? 3003);
const NAME = process.env.SERVICE_NAME ?? 'shipping';
const INSTANCE = process.env.SERVICE_INSTANCE ?? '0';
const USER_URL = (process.env.SERVICE_USER_URL ?? 'http://127.0.0.1:3002').replace(/\/$/, '');
const PACK_DELAY_MS = Number(process.env.PACK_DELAY_MS ?? 300);

const shipments = new Map(); // id -> shipment
const byOrder = new Map(); // orderId -> shipment id
const stream = new UserStream(USER_URL);

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  try {
    if (url.pathname === '/health') return send(res, 200, { status: 'ok', service: NAME, instance: INSTANCE });
    if (url.pathname === '/api/shipments' && req.method === 'POST') return await createShipment(req, res);
    if (url.pathname === '/api/shipments' && req.method === 'GET') return send(res, 200, [...shipments.values()]);
    const m = /^\/api\/shipments\/([^/]+)$/.exec(url.pathname);
    if (m && req.method === 'GET') {
      const shipment = shipments.get(decodeURIComponent(m[1]));
      return shipment ? send(res, 200, shipment) : send(res, 404, { error: `no shipment with id ${m[1]}` });
    }
    send(res, 404, { error: `no route for ${req.method} ${url.pathname}` });
  } catch (error) {
    console.error(error);
    send(res, 500, { error: 'internal error', detail: error.message });
  }
});

async function createShipment(req, res) {
  let body;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    return send(res, 400, { error: 'the body must be JSON: {"orderId": "..."}' });
  }
  if (typeof body?.orderId !== 'string' || body.orderId === '') return send(res, 400, { error: '`orderId` must be a non-empty string' });
  const orderId = body.orderId;
  if (byOrder.has(orderId)) return send(res, 409, { error: `order ${orderId} already has shipment ${byOrder.get(orderId)}` });

  // Ask user who placed the order.
  let answer;
  try {
    answer = await fetch(`${USER_URL}/internal/orders/${encodeURIComponent(orderId)}`, {
      signal: AbortSignal.timeout(3000),
      headers: typeof req.headers.traceparent === 'string' ? { traceparent: req.headers.traceparent } : {},
    });
  } catch (error) {
    return send(res, 502, { error: 'the user service is unreachable, so the order cannot be checked', detail: error.cause?.code ?? error.message });
  }
  if (answer.status === 404) {
    await answer.body?.cancel();
    return send(res, 404, { error: `user does not know order ${orderId} (yet): orders reach user through Kafka, try again shortly` });
  }
  if (!answer.ok) {
    const detail = await answer.text();
    return send(res, 502, { error: `the user service answered ${answer.status}`, detail });
  }
  const { userId } = await answer.json();
  if (byOrder.has(orderId)) return send(res, 409, { error: `order ${orderId} already has shipment ${byOrder.get(orderId)}` });

  const shipment = { id: randomUUID(), orderId, userId, status: 'created', createdAt: new Date().toISOString() };
  shipments.set(shipment.id, shipment);
  byOrder.set(orderId, shipment.id);
  update(shipment, 'created', 1);
  setTimeout(() => update(shipment, 'packed', 2), PACK_DELAY_MS).unref();
  send(res, 201, shipment);
}

function update(shipment, status, seq) {
  shipment.status = status;
  stream.send({ shipmentId: shipment.id, orderId: shipment.orderId, userId: shipment.userId, status, seq, at: new Date().toISOString() });
}

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
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

server.listen(PORT, HOST, () => console.log(`${NAME}#${INSTANCE} listening on http://${HOST}:${PORT}`));

function shutdown(signal) {
  console.log(`${NAME}#${INSTANCE} got ${signal}, shutting down`);
  setTimeout(() => process.exit(0), 3000).unref();
  stream.close();
  server.close(() => process.exit(0));
  server.closeIdleConnections();
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
