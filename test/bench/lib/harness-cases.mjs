// The 20 system tests of test/bench/harness.ts, over plain HTTP against the sample shop (what
// any language's test suite does under `devmode test`). `GATEWAY_URL` comes from the
// environment or the caller. Also runnable alone: `node harness-cases.mjs` (exits 1 on failure).

/** Polls `check` until it holds or 10 s pass. */
async function eventually(what, check) {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within 10 s`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function post(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => null) };
}

function expectEqual(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

async function placeOrder(gw, userId) {
  const r = await post(`${gw}/api/orders`, { userId, items: [{ sku: 'tea', qty: 1 }] });
  expectEqual(r.status, 201, 'POST /api/orders');
  return r.body;
}

function userHas(gw, order) {
  return eventually(`user lists ${order.id}`, async () => {
    const orders = await (await fetch(`${gw}/api/users/${order.userId}/orders`)).json();
    return orders.some((o) => o.id === order.id);
  });
}

/** Four kinds of test, five times each; `hooks.cut` sets a cut on user and returns its clearer. */
export function cases(gw, hooks) {
  const kinds = [
    async (i) => placeOrder(gw, `u${i}`),
    async (i) => userHas(gw, await placeOrder(gw, `v${i}`)),
    async (i) => {
      const order = await placeOrder(gw, `w${i}`);
      await userHas(gw, order);
      expectEqual((await post(`${gw}/api/shipments`, { orderId: order.id })).status, 201, 'POST /api/shipments');
    },
    async (i) => {
      const clear = await hooks.cut();
      try {
        expectEqual((await post(`${gw}/api/shipments`, { orderId: `none-${i}` })).status, 502, 'POST /api/shipments with user cut off');
      } finally {
        await clear();
      }
    },
  ];
  return Array.from({ length: 20 }, (_, i) => () => kinds[i % kinds.length](i));
}

// Alone (under `devmode test`): cut user through the admin API devmode test hands over.
if (import.meta.url === `file://${process.argv[1]}`) {
  const admin = process.env.DEVMODE_ADMIN_URL;
  const cut = async () => {
    const res = await fetch(`${admin}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'bench-cut', callee: 'user', cut: true }) });
    if (!res.ok) throw new Error(`POST /faults: ${res.status} ${await res.text()}`);
    return async () => void (await fetch(`${admin}/faults/bench-cut`, { method: 'DELETE' }));
  };
  try {
    for (const run of cases(process.env.GATEWAY_URL, { cut })) await run();
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
}
