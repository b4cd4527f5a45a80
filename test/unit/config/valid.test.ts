/** A valid full config round-trips into the expected SystemConfig; a minimal one gets every default. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../src/config/load.js';
import type { SystemConfig } from '../../../src/config/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, '../../fixtures/config/valid');
const IGNORED = ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/build/**', '**/.devmode/**'];

function expectDeepFrozen(value: unknown, where = 'config'): void {
  if (value === null || typeof value !== 'object' || value instanceof RegExp) return;
  expect(Object.isFrozen(value), `${where} is frozen`).toBe(true);
  for (const [key, item] of Object.entries(value)) expectDeepFrozen(item, `${where}.${key}`);
}

describe('valid config', () => {
  it('loads the full example into the expected SystemConfig', async () => {
    const file = path.join(dir, 'devmode.yaml');
    const result = await loadConfig(file);
    if (!result.ok) throw new Error(JSON.stringify(result.error, null, 2));
    const config = result.value;
    const expected: SystemConfig = {
      name: 'shop',
      file,
      root: dir,
      services: [
        {
          kind: 'managed',
          name: 'order',
          routes: [
            { path: '/api/orders', methods: [], stripPrefix: null },
            { path: '/api/orders/**', methods: ['GET', 'POST'], stripPrefix: '/api' },
          ],
          position: { file, line: 6, col: 3 },
          command: 'node server.mjs',
          cwd: path.join(dir, 'order'),
          environment: { FROM_FILE: '1', SHARED: 'env', LOCAL: 'yes', LOG_LEVEL: 'info', DEBUG: 'true', RETRIES: '3', EMPTY: '' },
          dependsOn: ['user', 'legacy'],
          dependsOnConditions: { user: 'started', legacy: 'ready' },
          instances: 2,
          port: 8080,
          readiness: { kind: 'http', path: '/health', timeoutMs: 90_000, intervalMs: 250 },
          restart: 'on-failure',
          stopGraceMs: 2000,
          watch: [path.join(dir, 'order'), path.join(dir, 'user/server.mjs')],
          ignore: [...IGNORED, '**/*.log'],
          build: 'npm run build',
          reload: 'restart',
        },
        {
          kind: 'managed',
          name: 'user',
          routes: [],
          position: { file, line: 35, col: 3 },
          command: ['node', 'server.mjs'],
          cwd: path.join(dir, 'user'),
          environment: { A: '1', B: 'x=y' },
          dependsOn: [],
          dependsOnConditions: {},
          instances: 1,
          port: null,
          readiness: { kind: 'log', pattern: /listening on \d+/, timeoutMs: 30_000 },
          restart: 'always',
          stopGraceMs: 5000,
          watch: [path.join(dir, 'user')],
          ignore: IGNORED,
          build: null,
          reload: 'swap',
        },
        {
          kind: 'managed',
          name: 'worker',
          routes: [],
          position: { file, line: 41, col: 3 },
          command: 'node order/server.mjs',
          cwd: dir,
          environment: {},
          dependsOn: [],
          dependsOnConditions: {},
          instances: 1,
          port: null,
          readiness: { kind: 'none' },
          restart: 'always',
          stopGraceMs: 5000,
          watch: [dir],
          ignore: IGNORED,
          build: null,
          reload: 'swap',
        },
        {
          kind: 'unmanaged',
          name: 'legacy',
          url: 'http://127.0.0.1:7000',
          routes: [{ path: '/legacy/**', methods: [], stripPrefix: null }],
          position: { file, line: 45, col: 3 },
        },
      ],
      locator: { host: '127.0.0.1', port: 0 },
      gateway: { host: '0.0.0.0', port: 9100, waitTimeoutMs: 3000, requestTimeoutMs: 60_000 },
      admin: { host: '127.0.0.1', port: null },
      kafka: {
        mode: 'embedded',
        host: '127.0.0.1',
        port: 0,
        brokers: [],
        image: 'confluentinc/cp-kafka:7.9.1',
        dataDir: path.join(dir, '.data/kafka'),
        autoCreateTopics: false,
        defaultPartitions: 3,
        topics: [
          { name: 'orders', partitions: 3 },
          { name: 'users', partitions: 2 },
        ],
        retentionBytes: 1024 ** 3,
        retentionMs: 2 * 3_600_000,
      },
      faults: [
        {
          id: 'fault-1',
          caller: 'gateway',
          callee: 'order',
          path: '/api/orders/**',
          methods: ['POST'],
          percent: 50,
          action: { kind: 'delay', ms: 100, jitterMs: 20 },
        },
        { id: 'user-down', caller: '*', callee: 'user', path: '*', methods: [], percent: 100, action: { kind: 'status', status: 503, body: 'down' } },
        { id: 'fault-3', caller: '*', callee: 'legacy', path: '*', methods: [], percent: 100, action: { kind: 'cut' } },
      ],
    };
    expect(config).toEqual(expected);
    expectDeepFrozen(config);
    expect(() => (config.services as ServiceList).push(expected.services[3] as ServiceList[number])).toThrow(TypeError);
  });

  it('fills every default for a minimal file', () => {
    const file = path.join(dir, 'minimal.yaml');
    const result = parseConfig(readFileSync(file, 'utf8'), file);
    if (!result.ok) throw new Error(JSON.stringify(result.error, null, 2));
    const config = result.value;
    expect(config.name).toBe('valid');
    expect(config.services).toEqual([
      {
        kind: 'managed',
        name: 'api',
        routes: [],
        position: { file, line: 2, col: 3 },
        command: 'node -e "0"',
        cwd: dir,
        environment: {},
        dependsOn: [],
        dependsOnConditions: {},
        instances: 1,
        port: null,
        readiness: { kind: 'tcp', timeoutMs: 30_000, intervalMs: 100 },
        restart: 'on-failure',
        stopGraceMs: 5000,
        watch: [dir],
        ignore: IGNORED,
        build: null,
        reload: 'swap',
      },
    ]);
    expect(config.locator).toEqual({ host: '127.0.0.1', port: null });
    expect(config.gateway).toEqual({ host: '127.0.0.1', port: null, waitTimeoutMs: 10_000, requestTimeoutMs: 60_000 });
    expect(config.admin).toEqual({ host: '127.0.0.1', port: null });
    expect(config.kafka).toEqual({
      mode: 'auto',
      host: '127.0.0.1',
      port: null,
      brokers: [],
      image: 'confluentinc/cp-kafka:7.9.1',
      dataDir: null,
      autoCreateTopics: true,
      defaultPartitions: 1,
      topics: [],
      retentionBytes: 256 * 1024 * 1024,
      retentionMs: 24 * 3_600_000,
    });
    expect(config.faults).toEqual([]);
    expectDeepFrozen(config);
  });

  it('resolves relative paths against the file, not the process cwd', () => {
    const file = path.relative(process.cwd(), path.join(dir, 'minimal.yaml'));
    const result = parseConfig(readFileSync(file, 'utf8'), file);
    expect(result.ok && result.value.root).toBe(dir);
    expect(result.ok && result.value.file).toBe(path.join(dir, 'minimal.yaml'));
  });

  it('reports a missing file as one diagnostic', async () => {
    const result = await loadConfig(path.join(dir, 'nope.yaml'));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.map((d) => d.message)).toEqual([`${path.join(dir, 'nope.yaml')} does not exist`]);
  });
});

type ServiceList = SystemConfig['services'][number][];

describe('docs/config.md', () => {
  it('has an example that loads (file checks off: it names paths of its own)', () => {
    const doc = readFileSync(path.resolve(here, '../../../docs/config.md'), 'utf8');
    const example = /## Example\s+```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const result = parseConfig(example ?? '', path.resolve(here, '../../../devmode.yaml'), { checkFiles: false });
    if (!result.ok) throw new Error(JSON.stringify(result.error, null, 2));
    expect(result.value.services.map((s) => s.name)).toEqual(['order', 'user', 'legacy']);
  });
});
