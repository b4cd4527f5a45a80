/**
 * Every state of the Services view reached from the events that the supervisor and the
 * watcher publish (folded by a live EventStore, as in devmode), each with its own symbol,
 * word and colour.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Bus } from '../../../src/core/bus.js';
import type { DevmodeEvent } from '../../../src/core/events/index.js';
import { EventStore } from '../../../src/core/store/index.js';
import { lookName, type LookName } from '../../../src/tui/text/state-style.js';
import { renderTui } from './tui-rig.js';

const stores: EventStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

const T = Date.UTC(2026, 0, 1, 12, 0, 0);
const ref = { service: 'api', instance: 0 };
const state = (s: Extract<DevmodeEvent, { type: 'instance.state' }>['state'], extra: Partial<Extract<DevmodeEvent, { type: 'instance.state' }>> = {}): DevmodeEvent => ({ type: 'instance.state', ref, state: s, port: 5000, ts: T, ...extra });
const SPAWNED = state('starting', { pid: 4242 });
const READY = state('ready', { pid: 4242, readyInMs: 80 });

/** Event sequences as devmode publishes them, and the state each one leaves the instance in. */
const SEQUENCES: [LookName, DevmodeEvent[]][] = [
  ['waiting', []],
  ['starting', [SPAWNED]],
  ['unhealthy', [SPAWNED, state('starting', { pid: 4242, detail: 'readiness: GET /health answered 503' })]],
  ['ready', [SPAWNED, READY]],
  ['crashed', [SPAWNED, READY, state('exited', { exit: { code: 1, signal: null }, detail: 'exited with code 1' }), state('backoff', { restartInMs: 400, detail: 'exited with code 1; restart 1 in 400 ms' })]],
  ['crashLoop', [SPAWNED, READY, state('exited', { exit: { code: 1, signal: null } }), state('crash-loop', { restartInMs: 8000, detail: 'exited with code 1; restart 6 in 8000 ms (crash loop)' })]],
  // a first build at start, before the instance exists
  ['building', [{ type: 'build.started', service: 'api', ts: T }]],
  // a saved file: the build runs while the running version keeps serving
  ['building', [SPAWNED, READY, { type: 'reload.started', service: 'api', trigger: 'src/a.ts', files: 1, ts: T }, { type: 'build.started', service: 'api', ts: T }]],
  // built: the new version starts
  ['reloading', [SPAWNED, READY, { type: 'reload.started', service: 'api', trigger: 'src/a.ts', files: 1, ts: T }, { type: 'build.started', service: 'api', ts: T }, { type: 'build.finished', service: 'api', ms: 900, ts: T }]],
  // no build step: straight to the swap
  ['reloading', [SPAWNED, READY, { type: 'reload.started', service: 'api', trigger: 'src/a.ts', files: 1, ts: T }]],
  ['ready', [SPAWNED, READY, { type: 'reload.started', service: 'api', trigger: 'src/a.ts', files: 1, ts: T }, { type: 'reload.finished', service: 'api', ms: 300, ts: T }]],
  // the build failed: the running version keeps serving, and the row says the change did not take
  ['buildFailed', [SPAWNED, READY, { type: 'reload.started', service: 'api', trigger: 'src/a.ts', files: 1, ts: T }, { type: 'build.started', service: 'api', ts: T }, { type: 'build.failed', service: 'api', output: 'src/a.ts(1,7): error TS2322', exitCode: 2, serving: true, ts: T }]],
  ['buildFailed', [{ type: 'build.started', service: 'api', ts: T }, { type: 'build.failed', service: 'api', output: 'error', exitCode: 1, serving: false, ts: T }]],
  ['stopping', [SPAWNED, READY, state('stopping')]],
  ['stopped', [SPAWNED, READY, state('stopping'), state('stopped', { exit: { code: 0, signal: 'SIGTERM' } })]],
  // stopped by the user after a failed build: stopped is what it is
  ['stopped', [SPAWNED, READY, { type: 'build.failed', service: 'api', output: 'e', exitCode: 1, serving: true, ts: T }, state('stopping'), state('stopped', { exit: { code: 0, signal: 'SIGTERM' } })]],
];

function storeAfter(events: DevmodeEvent[]): EventStore {
  const bus = new Bus();
  const store = new EventStore({ bus, name: 'shop', pollMs: 0, declared: [{ name: 'api', kind: 'managed', instances: 1 }], now: () => T });
  stores.push(store);
  for (const e of events) bus.publish(e);
  return store;
}

describe('Services view: each state from the events devmode publishes', () => {
  it.each(SEQUENCES.map(([look, events], i) => [i, look, events] as const))('#%i -> %s', (_i, look, events) => {
    const s = storeAfter(events).getSnapshot();
    const service = s.services[0]!;
    expect(lookName(service, service.instances[0]!)).toBe(look);
  });

  it('a reload by swap: the new process (another pid) is up since it took over, not since the old one started', () => {
    const bus = new Bus();
    const store = new EventStore({ bus, name: 'shop', pollMs: 0, declared: [{ name: 'api', kind: 'managed', instances: 1 }], now: () => T });
    stores.push(store);
    bus.publish({ ...SPAWNED, ts: T - 60_000 });
    bus.publish({ ...READY, ts: T - 59_000 });
    bus.publish(state('ready', { pid: 4243, readyInMs: 90, ts: T - 1000 }));
    const i = store.getSnapshot().services[0]!.instances[0]!;
    expect(i).toMatchObject({ pid: 4243, upSince: T - 1000, restarts: 0 });
  });

  it('a failing readiness check while starting is not counted as a restart', () => {
    const s = storeAfter([SPAWNED, state('starting', { pid: 4242, detail: 'readiness: GET /health answered 503' }), state('starting', { pid: 4242, detail: 'readiness: GET /health no answer within 1000 ms' }), READY]).getSnapshot();
    expect(s.services[0]!.instances[0]!.restarts).toBe(0);
  });

  it('on screen: building, then reloading, then ready, each with its own symbol, word and colour; a failed build in red', async () => {
    const bus = new Bus();
    const store = new EventStore({ bus, name: 'shop', pollMs: 0, declared: [{ name: 'api', kind: 'managed', instances: 1 }] });
    stores.push(store);
    const tui = await renderTui(store, { columns: 100, rows: 30 });
    // the colour the state's word is drawn in
    const colourOf = (word: string) => tui.controller.frame(100, 30).body.flat().find((seg) => seg.text.includes(word))?.color;
    bus.publish(SPAWNED);
    bus.publish(READY);
    await tui.until(/api\s+● ready/);
    bus.publish({ type: 'reload.started', service: 'api', trigger: 'src/a.ts', files: 1, ts: Date.now() });
    bus.publish({ type: 'build.started', service: 'api', ts: Date.now() });
    let s = await tui.until(/api\s+⚙ building/);
    expect(s).toContain('last reload: building now');
    expect(colourOf('⚙ building')).toBe('blue');
    bus.publish({ type: 'build.finished', service: 'api', ms: 900, ts: Date.now() });
    s = await tui.until(/api\s+⟳ reloading/);
    expect(s).toContain('last reload: reloading now');
    expect(colourOf('⟳ reloading')).toBe('cyan');
    bus.publish({ type: 'reload.finished', service: 'api', ms: 1200, ts: Date.now() });
    await tui.until(/api\s+● ready/);
    expect(colourOf('● ready')).toBe('green');
    bus.publish({ type: 'reload.started', service: 'api', trigger: 'src/b.ts', files: 1, ts: Date.now() });
    bus.publish({ type: 'build.started', service: 'api', ts: Date.now() });
    bus.publish({ type: 'build.failed', service: 'api', output: 'src/b.ts(1,7): error TS2322: nope', exitCode: 2, serving: true, ts: Date.now() });
    s = await tui.until(/api\s+⊘ build failed/);
    expect(s).toContain('build failed; the previous version keeps serving');
    expect(s).toContain('src/b.ts(1,7): error TS2322: nope');
    expect(colourOf('⊘ build failed')).toBe('red');
  });
});
