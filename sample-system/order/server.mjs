// order: takes orders over HTTP and publishes one event per order to the Kafka topic `orders`.
// Plain Node: node:http and kafkajs. Configuration comes from the environment (see ../README.md).
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, logLevel } from 'kafkajs';

const HOST = process.env.HOST ?? '127.0.0.1';
const PORT = Number(process.env.PORT ?? 3001);
const NAME = process.env.SERVICE_NAME ?? 'order';
const INSTANCE = process.env.SERVICE_INSTANCE ?? '0';
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').filter(Boolean);
const TOPIC = 'orders';

const orders = new Map();

const kafka = new Kafka({
  clientId: `${NAME}-${INSTANCE}`,
  brokers: BROKERS,
  logLevel: logLevel.ERROR,
  connectionTimeout: 1000,
  requestTimeout: 5000,
  retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 3 },
});
const producer = kafka.producer({
  allowAutoTopicCreation: false,
  createPartitioner: Partitioners.DefaultPartitioner,
});
// Connect in the background: /health answers at once, and an order placed before the
// connection is up waits for it (kafkajs would otherwise refuse to send).
let connected = connectProducer();

async function connectProducer() {
  for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
    try {
      await producer.connect();
      return;
    } catch (error) {
      console.error(`kafka not reachable at ${BROKERS.join(',')} (${error.message}); retrying in ${delay} ms`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  try {
    if (url.pathname === '/health') return send(res, 200, { status: 'ok', service: NAME, instance: INSTANCE });
    if (url.pathname === '/api/orders' && req.method === 'POST') return await placeOrder(req, res);
    if (url.pathname === '/api/orders' && req.method === 'GET') return send(res, 200, [...orders.values()]);
    const match = /^\/api\/orders\/([^/]+)$/.exec(url.pathname);
    if (match && req.method === 'GET') {
      const order = orders.get(decodeURIComponent(match[1]));
      return order ? send(res, 200, order) : send(res, 404, { error: `no order with id ${match[1]}` });
    }
    send(res, 404, { error: `no route for ${req.method} ${url.pathname}` });
  } catch (error) {
    console.error(error);
    send(res, 500, { error: 'internal error', detail: error.message });
  }
});

async function placeOrder(req, res) {
  let body;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    return send(res, 400, { error: 'the body must be JSON: {"userId": "...", "items": [{"sku": "...", "qty": 1}]}' });
  }
  const problem = validate(body);
  if (problem) return send(res, 400, { error: problem });
  const order = {
    id: randomUUID(),
    userId: body.userId,
    items: body.items.map((i) => ({ sku: i.sku, qty: i.qty })),
    createdAt: new Date().toISOString(),
  };
  const headers = {};
  // Carry the caller's trace into the message, so the call and the event can be linked.
  if (typeof req.headers.traceparent === 'string') headers.traceparent = req.headers.traceparent;
  try {
    await withTimeout(connected, 5000, 'kafka connection');
    await producer.send({
      topic: TOPIC,
      acks: -1,
      messages: [{ key: order.userId, value: JSON.stringify(order), headers }],
    });
  } catch (error) {
    return send(res, 503, { error: 'could not publish the order event; try again', detail: error.message });
  }
  orders.set(order.id, order);
  send(res, 201, order);
}

function validate(body) {
  if (typeof body !== 'object' || body === null) return 'the body must be a JSON object';
  if (typeof body.userId !== 'string' || body.userId.trim() === '') return '`userId` must be a non-empty string';
  if (!Array.isArray(body.items) || body.items.length === 0) return '`items` must be a non-empty array';
  for (const [i, item] of body.items.entries()) {
    if (typeof item?.sku !== 'string' || item.sku === '') return `items[${i}].sku must be a non-empty string`;
    if (!Number.isInteger(item.qty) || item.qty < 1) return `items[${i}].qty must be a positive integer`;
  }
  return undefined;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      data += chunk;
      if (data.length > 1_000_000) reject(new Error('body too large'));
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

server.listen(PORT, HOST, () => console.log(`${NAME}#${INSTANCE} listening on http://${HOST}:${PORT}`));

async function shutdown(signal) {
  console.log(`${NAME}#${INSTANCE} got ${signal}, shutting down`);
  setTimeout(() => process.exit(0), 3000).unref();
  server.close();
  server.closeIdleConnections();
  await producer.disconnect().catch(() => {});
  process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
