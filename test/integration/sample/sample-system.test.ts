import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { deferred } from '../../../src/util/deferred.js';
import { startKafka, type TestKafka } from './kafka.js';
import { SampleInstance, call, freePort, until } from './services.js';

/**
 * The sample shop, each service started directly (node server.mjs + the environment
 * contract), with a real Kafka:
 *
 *   order ──(topic orders, key userId)──> user#0 ┐ one consumer group,
 *                                          user#1 ┘ partitions shared; peers replicate
 *   shipping ──ask: GET /internal/orders/:id──> user
 *   shipping ──ws /internal/shipments/stream (updates / acks)──> user
 */
describe('sample system', () => {
  let kafka: TestKafka;
  let order: SampleInstance;
  let users: SampleInstance[];
  let shipping: SampleInstance;
  const all = () => [order, ...(users ?? []), shipping].filter(Boolean);
  const logs = () => all().map((i) => `--- ${i.url}\n${i.output}`).join('\n');

  beforeAll(async () => {
    kafka = await startKafka();
    const [orderPort, user0, user1, shippingPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const userUrls = [user0, user1].map((p) => `http://127.0.0.1:${p}`);
    const common = {
      KAFKA_BROKERS: kafka.bootstrap,
      SERVICE_ORDER_URL: `http://127.0.0.1:${orderPort}`,
      SERVICE_USER_URL: userUrls[0]!,
      SERVICE_SHIPPING_URL: `http://127.0.0.1:${shippingPort}`,
      SERVICE_LOCATOR_URL: 'http://127.0.0.1:9',
      GATEWAY_URL: 'http://127.0.0.1:9',
      PACK_DELAY_MS: '100',
    };
    const started = Date.now();
    order = new SampleInstance('order', 0, orderPort!, { ...common, CLUSTER_PEERS: '' });
    users = [user0!, user1!].map((port, i) => new SampleInstance('user', i, port, { ...common, CLUSTER_PEERS: userUrls.filter((_, j) => j !== i).join(',') }));
    shipping = new SampleInstance('shipping', 0, shippingPort!, { ...common, CLUSTER_PEERS: '' });
    await Promise.all(all().map((i) => i.ready()));
    // Generous: only here to catch a service that waits on Kafka for long before answering
    // /health (user answers once it has read the orders topic's history: a round trip or two).
    expect(Date.now() - started, 'all four instances answer /health').toBeLessThan(15_000);
  });

  afterAll(async () => {
    const codes = await Promise.all(all().map((i) => i.stop()));
    await kafka?.stop();
    // a SIGTERM is a clean shutdown, not a crash
    expect(codes.map((c) => c.exitCode)).toEqual(codes.map(() => 0));
  });

  it('order validates its input', async () => {
    expect((await call(`${order.url}/api/orders`, { method: 'POST', body: '{nope' })).status).toBe(400);
    const bad = await call(`${order.url}/api/orders`, { method: 'POST', body: JSON.stringify({ userId: 'u', items: [{ sku: 'x', qty: 0 }] }) });
    expect(bad).toMatchObject({ status: 400, body: { error: expect.stringContaining('qty') } });
    expect((await call(`${order.url}/api/orders/nope`)).status).toBe(404);
  });

  it('orders flow through Kafka to both user instances (one group, shared partitions, peers replicate)', async () => {
    // both instances in the group, each with its share of the partitions
    await until(async () => {
      const stats = await Promise.all(users.map((u) => call(`${u.url}/internal/stats`)));
      return stats.every((s) => s.body.partitions.length > 0) && new Set(stats.flatMap((s) => s.body.partitions)).size >= 2;
    }, () => `both user instances to join the group (${kafka.kind})\n${logs()}`, 20_000);

    const userIds = ['ada', 'brian', 'carla', 'dmitri', 'emma', 'farid', 'grace', 'hugo'];
    const placed: { id: string; userId: string }[] = [];
    for (const userId of [...userIds, 'ada', 'ada']) {
      const res = await call(`${order.url}/api/orders`, {
        method: 'POST',
        headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
        body: JSON.stringify({ userId, items: [{ sku: 'tea', qty: 2 }] }),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ id: expect.any(String), userId, items: [{ sku: 'tea', qty: 2 }], createdAt: expect.any(String) });
      placed.push(res.body);
    }
    expect((await call(`${order.url}/api/orders/${placed[0]!.id}`)).body).toMatchObject({ userId: 'ada' });

    // every instance answers for every user, whichever consumed the event
    for (const u of users) {
      await until(async () => {
        for (const userId of userIds) {
          const want = placed.filter((p) => p.userId === userId).map((p) => p.id).sort();
          const got = (await call(`${u.url}/api/users/${userId}/orders`)).body.map((o: { id: string }) => o.id).sort();
          if (JSON.stringify(got) !== JSON.stringify(want)) return false;
        }
        return true;
      }, () => `${u.url} to know every order\n${logs()}`);
    }
    const stats = await Promise.all(users.map((u) => call(`${u.url}/internal/stats`)));
    const consumed = stats.map((s) => s.body.consumedFromKafka as number);
    // the partitions were shared, and each event was consumed once in the group
    expect(consumed.every((c) => c > 0), JSON.stringify(stats.map((s) => s.body))).toBe(true);
    expect(consumed.reduce((a, b) => a + b)).toBe(placed.length);
    expect(stats.every((s) => s.body.receivedFromPeers > 0)).toBe(true);
    expect((await call(`${users[1]!.url}/api/users/ada`)).body).toMatchObject({ userId: 'ada', orders: 3 });
  });

  it('order events carry the key, the JSON order and the caller\'s traceparent header', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const placed = await call(`${order.url}/api/orders`, { method: 'POST', headers: { traceparent }, body: JSON.stringify({ userId: 'kim', items: [{ sku: 'pen', qty: 3 }] }) });
    expect(placed.status).toBe(201);
    const client = new Kafka({ clientId: 'sample-test', brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING });
    const consumer = client.consumer({ groupId: `observer-${Date.now()}`, maxWaitTimeInMs: 100 });
    onTestFinished(() => consumer.disconnect());
    const found = deferred<{ key: string; value: any; traceparent: string | undefined }>();
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const value = JSON.parse(message.value!.toString());
        if (value.id === placed.body.id) found.resolve({ key: message.key!.toString(), value, traceparent: message.headers?.traceparent?.toString() });
      },
    });
    const timeout = setTimeout(() => found.reject(new Error('the order event was not seen in 10 s')), 10_000);
    const record = await found.promise.finally(() => clearTimeout(timeout));
    expect(record).toEqual({ key: 'kim', value: placed.body, traceparent });
  });

  it('shipping asks user, streams updates over the WebSocket, and user shows them on every instance', async () => {
    const placed = await call(`${order.url}/api/orders`, { method: 'POST', body: JSON.stringify({ userId: 'iris', items: [{ sku: 'kettle', qty: 1 }] }) });
    expect(placed.status).toBe(201);
    const orderId = placed.body.id as string;

    expect((await call(`${shipping.url}/api/shipments`, { method: 'POST', body: JSON.stringify({ orderId: 'unknown-order' }) })).status).toBe(404);
    // user learns the order through Kafka: until then, shipping answers 404
    let created: { status: number; body: any } = { status: 0, body: undefined };
    await until(async () => {
      created = await call(`${shipping.url}/api/shipments`, { method: 'POST', body: JSON.stringify({ orderId }) });
      return created.status !== 404;
    }, () => `user to know order ${orderId}\n${logs()}`);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ orderId, userId: 'iris', status: 'created', id: expect.any(String) });
    const shipmentId = created.body.id as string;
    expect((await call(`${shipping.url}/api/shipments`, { method: 'POST', body: JSON.stringify({ orderId }) })).status).toBe(409);

    for (const u of users) {
      await until(async () => {
        const res = await call(`${u.url}/api/users/iris`);
        return res.status === 200 && res.body.shipments.some((s: { shipmentId: string; status: string }) => s.shipmentId === shipmentId && s.status === 'packed');
      }, () => `${u.url} to show shipment ${shipmentId} packed\n${logs()}`);
    }
    expect((await call(`${shipping.url}/api/shipments/${shipmentId}`)).body).toMatchObject({ status: 'packed' });
  });

  it('the ask fails with 502 when user is down', async () => {
    const placed = await call(`${order.url}/api/orders`, { method: 'POST', body: JSON.stringify({ userId: 'jon', items: [{ sku: 'mug', qty: 1 }] }) });
    await Promise.all(users.map((u) => u.stop()));
    const res = await call(`${shipping.url}/api/shipments`, { method: 'POST', body: JSON.stringify({ orderId: placed.body.id }) });
    expect(res).toMatchObject({ status: 502, body: { error: expect.stringContaining('unreachable') } });
    expect((await call(`${shipping.url}/health`)).status).toBe(200);
  });
});
