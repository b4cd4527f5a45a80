import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ServiceWatcher, type FileChange } from '../../../src/watch/service-watcher.js';

/** Polls `check` until it passes or `timeoutMs` ends (then fails with what was seen). */
async function until(check: () => boolean, what: () => string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const mode of ['native', 'polling'] as const) {
  describe(`ServiceWatcher (${mode})`, () => {
    const poll = mode === 'polling' ? 25 : false;

    async function setup(ignore: string[] = []) {
      const root = await mkdtemp(path.join(os.tmpdir(), 'devmode-watch-'));
      const svc = path.join(root, 'svc');
      for (const dir of ['src', 'node_modules/pkg', '.git', 'dist', 'logs']) await mkdir(path.join(svc, dir), { recursive: true });
      await writeFile(path.join(svc, 'server.mjs'), 'v1');
      await writeFile(path.join(svc, 'node_modules/pkg/index.js'), 'v1');
      const changes: FileChange[] = [];
      const watcher = new ServiceWatcher({ paths: [svc], root, ignore, poll, quietMs: 60, maxWaitMs: 400, onChange: (c) => changes.push(c) });
      onTestFinished(async () => {
        await watcher.stop();
        await rm(root, { recursive: true, force: true });
      });
      await watcher.start();
      const seen = () => JSON.stringify(changes);
      return { root, svc, changes, watcher, seen };
    }

    it('one change is one event naming the file relative to the config root', async () => {
      const t = await setup();
      const before = Date.now();
      await writeFile(path.join(t.svc, 'server.mjs'), 'v2');
      await until(() => t.changes.length === 1, t.seen);
      expect(t.changes[0]).toMatchObject({ trigger: 'svc/server.mjs', files: 1 });
      expect(t.changes[0]!.firstAt).toBeGreaterThanOrEqual(before - 5);
      // and nothing else trails it
      await new Promise((r) => setTimeout(r, 200));
      expect(t.changes).toHaveLength(1);
    });

    it('a burst of 20 writes to several files is one event', async () => {
      const t = await setup();
      for (let i = 0; i < 20; i++) await writeFile(path.join(t.svc, 'src', `f${i % 5}.mjs`), `v${i}`);
      await until(() => t.changes.length >= 1, t.seen);
      await new Promise((r) => setTimeout(r, 250));
      expect(t.changes).toHaveLength(1);
      // Native events name the first file written; one polling pass sees several at once, in any order.
      expect(t.changes[0]!.trigger).toMatch(/^svc\/src\/f[0-4]\.mjs$/);
      expect(t.changes[0]!.files).toBe(5);
    });

    it('ignored paths never fire, and a change after them is still seen alone', async () => {
      const t = await setup(['**/*.log']);
      await writeFile(path.join(t.svc, 'node_modules/pkg/index.js'), 'v2');
      await writeFile(path.join(t.svc, 'node_modules/pkg/new.js'), 'v1');
      await writeFile(path.join(t.svc, '.git/HEAD'), 'ref');
      await writeFile(path.join(t.svc, 'dist/out.js'), 'x');
      await writeFile(path.join(t.svc, 'logs/app.log'), 'line');
      await mkdir(path.join(t.svc, 'build'));
      await writeFile(path.join(t.svc, 'build/x.js'), 'x');
      // a sentinel write after them: once it is reported, the ignored ones had their chance
      await new Promise((r) => setTimeout(r, 150));
      await writeFile(path.join(t.svc, 'sentinel.mjs'), 'x');
      await until(() => t.changes.length >= 1, t.seen);
      await new Promise((r) => setTimeout(r, 150));
      expect(t.changes).toEqual([expect.objectContaining({ trigger: 'svc/sentinel.mjs', files: 1 })]);
    });

    it('stop during start resolves start and reports nothing', async () => {
      const root = await mkdtemp(path.join(os.tmpdir(), 'devmode-watch-'));
      onTestFinished(() => rm(root, { recursive: true, force: true }));
      const changes: FileChange[] = [];
      const watcher = new ServiceWatcher({ paths: [root], root, poll, onChange: (c) => changes.push(c) });
      const starting = watcher.start();
      await watcher.stop();
      await starting;
      await watcher.stop();
      await writeFile(path.join(root, 'x'), 'x');
      await new Promise((r) => setTimeout(r, 150));
      expect(changes).toEqual([]);
    });
  });
}
