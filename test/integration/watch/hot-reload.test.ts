import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ManagedServiceConfig, SystemConfig } from '../../../src/config/types.js';
import type { DevmodeEvent } from '../../../src/core/events/index.js';
import { HotReload } from '../../../src/watch/hot-reload.js';

function service(root: string, name: string, extra: Partial<ManagedServiceConfig>): ManagedServiceConfig {
  const cwd = path.join(root, name);
  return {
    kind: 'managed',
    name,
    routes: [],
    position: { file: path.join(root, 'devmode.yaml'), line: 1, col: 1 },
    command: 'node server.mjs',
    cwd,
    environment: {},
    dependsOn: [],
    dependsOnConditions: {},
    instances: 1,
    port: null,
    readiness: { kind: 'none' },
    restart: 'on-failure',
    stopGraceMs: 5000,
    watch: [cwd],
    ignore: [],
    build: null,
    reload: 'swap',
    ...extra,
  };
}

async function until(check: () => boolean, what: () => string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('HotReload', () => {
  it('watches each reloadable service, builds, reloads; a failed build reports and keeps the old version', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'devmode-hot-'));
    onTestFinished(() => rm(root, { recursive: true, force: true }));
    for (const name of ['api', 'web', 'legacy']) {
      await mkdir(path.join(root, name));
      await writeFile(path.join(root, name, 'server.mjs'), 'v1');
    }
    // api's build fails while its source contains "broken"
    const api = service(root, 'api', { build: 'if grep -q broken server.mjs; then echo "server.mjs: syntax error" >&2; exit 3; fi; mkdir -p dist && cp server.mjs dist/out.txt' });
    const config: SystemConfig = {
      name: 'hot',
      file: path.join(root, 'devmode.yaml'),
      root,
      services: [api, service(root, 'web', {}), service(root, 'legacy', { reload: 'none' })],
      locator: { host: '127.0.0.1', port: 0 },
      gateway: { host: '127.0.0.1', port: 0, waitTimeoutMs: 1000, requestTimeoutMs: 60_000 },
      admin: { host: '127.0.0.1', port: 0 },
      kafka: {
        mode: 'embedded', host: '127.0.0.1', port: 0, brokers: [], image: '', dataDir: null,
        autoCreateTopics: true, defaultPartitions: 1, topics: [], retentionBytes: -1, retentionMs: -1,
      },
      faults: [],
    };
    const events: DevmodeEvent[] = [];
    const reloads: string[] = [];
    const hot = new HotReload({
      config,
      publish: (e) => events.push(e),
      reload: async (name, trigger) => {
        reloads.push(`${name} ${trigger}`);
      },
    });
    onTestFinished(() => hot.stop());
    await hot.start();
    const seen = () => JSON.stringify({ reloads, events });

    await writeFile(path.join(root, 'web', 'server.mjs'), 'v2');
    await writeFile(path.join(root, 'legacy', 'server.mjs'), 'v2');
    await writeFile(path.join(root, 'api', 'server.mjs'), 'v2');
    await until(() => reloads.length === 2, seen);
    await hot.whenIdle();
    expect(reloads.sort()).toEqual(['api api/server.mjs', 'web web/server.mjs']);
    expect(await readFile(path.join(root, 'api', 'dist', 'out.txt'), 'utf8')).toBe('v2');
    // the build's output (under dist/, always ignored) does not start another reload
    await new Promise((r) => setTimeout(r, 200));
    expect(reloads).toHaveLength(2);

    events.length = 0;
    await writeFile(path.join(root, 'api', 'server.mjs'), 'broken');
    await until(() => events.some((e) => e.type === 'build.failed'), seen);
    await hot.whenIdle();
    expect(events.find((e) => e.type === 'build.failed')).toMatchObject({ service: 'api', exitCode: 3, output: expect.stringContaining('syntax error') });
    expect(reloads).toHaveLength(2);
    expect(events.map((e) => e.type)).toEqual(['reload.started', 'build.started', 'build.failed']);

    await hot.stop();
    await hot.stop();
  });
});
