/**
 * The controller hands out the same frame object while nothing on screen changes, however
 * often the Store's version moves (React then skips the render), and a new one as soon as
 * something shown does.
 */
import { afterEach, expect, it } from 'vitest';
import { Bus } from '../../../src/core/bus.js';
import { EventStore } from '../../../src/core/store/index.js';
import { TuiController } from '../../../src/tui/state/controller.js';
import { RecordingControl } from './tui-rig.js';

const T = Date.UTC(2026, 0, 1, 12, 0, 0);
const closing: { close(): void }[] = [];
afterEach(() => {
  for (const c of closing.splice(0)) c.close();
});

it('reuses the frame while the screen stays the same, and draws anew when it changes', () => {
  const bus = new Bus();
  const store = new EventStore({ bus, name: 'shop', pollMs: 0, declared: [{ name: 'api', kind: 'managed', instances: 1 }], now: () => T });
  const controller = new TuiController({ store, control: new RecordingControl(), now: () => T });
  closing.push(store, controller);
  const ref = { service: 'api', instance: 0 };
  bus.publish({ type: 'instance.state', ref, state: 'starting', pid: 10, port: 5000, ts: T });
  const first = controller.frame(80, 24);
  // a call (the Services view shows no tap): a new Store version, the same screen
  bus.publish({ type: 'http.exchange', id: 'gw-1', caller: { service: 'gateway', instance: null }, callee: { service: 'api', instance: 0 }, method: 'GET', path: '/x', status: 200, durationMs: 1, requestBytes: 0, responseBytes: 2, ts: T });
  expect(store.getSnapshot().version).toBeGreaterThan(0);
  const second = controller.frame(80, 24);
  expect(second).toBe(first);
  expect(controller.frame(80, 24)).toBe(first);
  // the state it shows changes: a new frame
  bus.publish({ type: 'instance.state', ref, state: 'ready', pid: 10, port: 5000, readyInMs: 50, ts: T });
  const third = controller.frame(80, 24);
  expect(third).not.toBe(first);
  expect(JSON.stringify(third.body)).toContain('ready');
});
