import { describe, expect, it } from 'vitest';
import type { DevmodeEvent } from '../../../src/core/events/index.js';
import type { BuildResult } from '../../../src/watch/build-runner.js';
import { ReloadQueue, type Builder } from '../../../src/watch/reload-queue.js';
import { deferred, type Deferred } from '../../../src/util/deferred.js';

/** A build the test finishes by hand; run() cancels the previous run as BuildRunner does. */
class HandBuilder implements Builder {
  runs: Deferred<BuildResult>[] = [];
  cancels = 0;
  run(): Promise<BuildResult> {
    const current = this.runs.at(-1);
    if (current && !current.settled) {
      this.cancels++;
      current.resolve({ ok: false, cancelled: true, output: '', exitCode: null, ms: 1 });
    }
    const d = deferred<BuildResult>();
    this.runs.push(d);
    return d.promise;
  }
  async cancel(): Promise<void> {
    const current = this.runs.at(-1);
    if (current && !current.settled) {
      this.cancels++;
      current.resolve({ ok: false, cancelled: true, output: '', exitCode: null, ms: 1 });
    }
  }
  finish(result: BuildResult = { ok: true, ms: 5 }): void {
    this.runs.at(-1)!.resolve(result);
  }
}

const flush = () => new Promise<void>((r) => setImmediate(r));

function setup(builders: Record<string, HandBuilder> = {}) {
  const events: DevmodeEvent[] = [];
  const reloads: { service: string; trigger: string; done: Deferred<void> }[] = [];
  let clock = 1000;
  const queue = new ReloadQueue({
    publish: (e) => events.push(e),
    reload: (service, trigger) => {
      const done = deferred();
      reloads.push({ service, trigger, done });
      return done.promise;
    },
    builder: (s) => builders[s],
    now: () => clock,
  });
  return { queue, events, reloads, tick: (ms: number) => (clock += ms), types: () => events.map((e) => e.type) };
}

const change = (trigger: string, files = 1, firstAt = 1000) => ({ trigger, files, firstAt });

describe('ReloadQueue', () => {
  it('without a build: publishes reload.started, reloads once, then reload.finished with ms since the first change', async () => {
    const t = setup();
    t.queue.change('order', change('sample-system/order/server.mjs', 3));
    expect(t.events[0]).toMatchObject({ type: 'reload.started', service: 'order', trigger: 'sample-system/order/server.mjs', files: 3 });
    await flush();
    expect(t.reloads).toHaveLength(1);
    expect(t.queue.state('order')).toBe('reloading');
    t.tick(250);
    t.reloads[0]!.done.resolve();
    await t.queue.whenIdle();
    expect(t.events.at(-1)).toMatchObject({ type: 'reload.finished', service: 'order', ms: 250 });
  });

  it('a change during the build cancels it and builds again; only the new build leads to one reload', async () => {
    const b = new HandBuilder();
    const t = setup({ order: b });
    t.queue.change('order', change('a.ts'));
    expect(t.queue.state('order')).toBe('building');
    t.queue.change('order', change('b.ts', 2));
    expect(b.runs).toHaveLength(2);
    expect(b.cancels).toBe(1);
    await flush();
    expect(t.reloads).toHaveLength(0);
    b.finish();
    await flush();
    expect(t.reloads.map((r) => r.trigger)).toEqual(['a.ts']);
    t.reloads[0]!.done.resolve();
    await t.queue.whenIdle();
    // views tell building from reloading: each build (the restarted one too) is announced, and its success
    expect(t.types()).toEqual(['reload.started', 'build.started', 'build.started', 'build.finished', 'reload.finished']);
  });

  it('changes during a reload queue exactly one more job, which builds and reloads after it', async () => {
    const b = new HandBuilder();
    const t = setup({ user: b });
    t.queue.change('user', change('one.ts'));
    b.finish();
    await flush();
    expect(t.reloads).toHaveLength(1);
    t.queue.change('user', change('two.ts'));
    t.queue.change('user', change('three.ts'));
    t.queue.change('user', change('four.ts'));
    expect(b.runs).toHaveLength(1);
    t.reloads[0]!.done.resolve();
    await flush();
    expect(b.runs).toHaveLength(2);
    expect(t.events.filter((e) => e.type === 'reload.started').map((e) => (e as { trigger: string }).trigger)).toEqual(['one.ts', 'two.ts']);
    expect(t.events.at(-2)).toMatchObject({ type: 'reload.started', files: 3 });
    expect(t.events.at(-1)).toMatchObject({ type: 'build.started', service: 'user' });
    b.finish();
    await flush();
    expect(t.reloads).toHaveLength(2);
    t.reloads[1]!.done.resolve();
    await t.queue.whenIdle();
    expect(t.reloads).toHaveLength(2);
  });

  it('a failed build publishes build.failed with the output and keeps the running version (no reload)', async () => {
    const b = new HandBuilder();
    const t = setup({ order: b });
    t.queue.change('order', change('bad.ts'));
    b.finish({ ok: false, cancelled: false, output: "bad.ts(1,7): error TS2322: Type 'string'", exitCode: 2, ms: 40 });
    await t.queue.whenIdle();
    expect(t.reloads).toHaveLength(0);
    expect(t.events.at(-1)).toMatchObject({ type: 'build.failed', service: 'order', exitCode: 2, output: expect.stringContaining('TS2322') });
    // the next save starts afresh
    t.queue.change('order', change('bad.ts'));
    expect(t.queue.state('order')).toBe('building');
  });

  it('a reload that rejects publishes reload.failed with the reason', async () => {
    const t = setup();
    t.queue.change('order', change('x.mjs'));
    await flush();
    t.reloads[0]!.done.reject(new Error('new version of order did not become ready within 30s'));
    await t.queue.whenIdle();
    expect(t.events.at(-1)).toMatchObject({ type: 'reload.failed', reason: expect.stringContaining('did not become ready') });
  });

  it('services are independent: one building does not hold another reloading', async () => {
    const b = new HandBuilder();
    const t = setup({ order: b });
    t.queue.change('order', change('o.ts'));
    t.queue.change('user', change('u.mjs'));
    await flush();
    expect(t.reloads.map((r) => r.service)).toEqual(['user']);
    expect(t.queue.state('order')).toBe('building');
  });

  it('stop cancels builds, drops queued jobs, waits for a reload under way, and ignores later changes', async () => {
    const b = new HandBuilder();
    const t = setup({ order: b });
    t.queue.change('order', change('o.ts'));
    t.queue.change('user', change('u.mjs'));
    await flush();
    t.queue.change('user', change('u2.mjs'));
    let stopped = false;
    const stopping = t.queue.stop().then(() => (stopped = true));
    await flush();
    expect(b.cancels).toBe(1);
    expect(stopped).toBe(false);
    t.reloads[0]!.done.resolve();
    await stopping;
    t.queue.change('order', change('late.ts'));
    await flush();
    expect(t.reloads).toHaveLength(1);
    expect(b.runs).toHaveLength(1);
  });
});
