#!/bin/sh
# The harness from a user's side: a fresh project outside this repository installs devmode
# from this checkout (npm install <path>), copies the sample shop, and runs a vitest file
# with devmode's globalSetup against it. Usage: scripts/fresh-project-check.sh [DIR]
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$(mktemp -d /tmp/devmode-fresh-XXXXXX)}
mkdir -p "$dir/test"
cd "$dir"
cp -r "$repo/sample-system" . && rm -rf sample-system/test
cp "$repo/devmode.yaml" .
echo '{ "name": "my-shop", "private": true, "type": "module", "scripts": { "test": "vitest run" } }' > package.json
npm install --no-audit --no-fund -D "$repo" vitest@5 kafkajs ws
cat > vitest.config.ts <<'TS'
import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { globalSetup: ['./devmode.setup.ts'], testTimeout: 30_000 } });
TS
cat > devmode.setup.ts <<'TS'
import { systemSetup } from 'devmode/vitest';
export default systemSetup({ file: 'devmode.yaml' });
TS
cat > test/orders.test.ts <<'TS'
import { expect, test } from 'vitest';
import type { Message } from 'devmode';
import { useSystem } from 'devmode/vitest';

const system = useSystem();

test('an order placed through the gateway reaches Kafka, keyed by its user', async () => {
  const res = await fetch(`${system.urls.gateway}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'ada', items: [{ sku: 'tea', qty: 2 }] }) });
  expect(res.status).toBe(201);
  const order = (await res.json()) as { id: string };
  const message: Message = await system.waitForMessage('orders', { json: { id: order.id } });
  expect(message.key).toBe('ada');
  await system.waitForCall({ from: 'gateway', to: 'order', method: 'POST', path: '/api/orders', status: 201 });
});

test('with user cut off, shipping answers 502', async () => {
  await using _cut = await system.fault({ callee: 'user', cut: true });
  const res = await fetch(`${system.urls.gateway}/api/shipments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId: 'any' }) });
  expect(res.status).toBe(502);
});
TS
npm test
