import { describe, expect, it } from 'vitest';
import { StaticStore, type SnapshotDraft } from '../../../src/core/store/index.js';
import { fitsIn, KEY, pause, renderTui } from './tui-rig.js';

const T = Date.UTC(2026, 0, 1, 12, 0, 0);
const draft: SnapshotDraft = {
  services: [{ name: 'order' }, { name: 'user', instances: [{}, {}] }],
  broker: {
    topics: [
      { name: 'orders', partitions: [{ partition: 0, logStartOffset: 0, highWatermark: 12, sizeBytes: 900 }, { partition: 1, logStartOffset: 0, highWatermark: 8, sizeBytes: 500 }], messagesPerSec: 3.5, bytesPerSec: 2048 },
      { name: 'audit', partitions: [{ partition: 0, logStartOffset: 0, highWatermark: 0, sizeBytes: 0 }], messagesPerSec: 0.2, bytesPerSec: 14.42972 },
    ],
    groups: [{ groupId: 'user-service', state: 'Stable', generation: 3, protocol: 'range', members: [], offsets: [], services: ['user'], lag: 4 }],
  },
  faults: [
    { id: 'slow-user', source: 'config', caller: '*', callee: 'user', path: '/api/**', methods: [], percent: 50, action: 'delay 200 ms', hits: 17 },
    { id: 'rule-2', source: 'runtime', caller: 'gateway', callee: 'order', path: '*', methods: [], percent: 100, action: 'status 503', hits: 2 },
  ],
};

describe('Topics view', () => {
  it('topics with partitions, end offsets and rates; groups with lag and the consuming service; the selected topic\'s last messages', async () => {
    const tui = await renderTui(new StaticStore(draft));
    tui.control.records = [{ offset: 11, timestamp: T, key: 'ada', value: '{"id":"o-1","userId":"ada"}', headers: [{ key: 'traceparent', value: '00-abc-def-01' }], compression: 'none' }];
    await tui.press('4');
    let s = await tui.until('p0 @11');
    expect(s).toMatch(/orders\s+2 0:12 1:8\s+3\.5\s+2\.0K/);
    expect(s).toMatch(/audit\s+1 0:0\s+0\.2\s+14B/); // a rate in bytes is rounded
    expect(s).toMatch(/user-service\s+Stable\s+0\s+4\s+user/);
    expect(s).toContain('key=ada traceparent=00-abc-def-01');
    expect(s).toContain('{"id":"o-1","userId":"ada"}');
    expect(tui.control.named('recentRecords').map((c) => c.slice(1, 3))).toEqual(expect.arrayContaining([['orders', 0], ['orders', 1]]));
    await tui.press('j');
    s = await tui.until('"userId": "ada"');
    expect(s).toContain('"id": "o-1",');
  });

  it('open transactions: a count per topic; the selected topic lists each (producer, partitions, age, timeout, group) and the last stable offset behind the end', async () => {
    const ledger = { name: 'ledger', partitions: [{ partition: 0, logStartOffset: 0, highWatermark: 12, lastStableOffset: 10, sizeBytes: 900 }, { partition: 1, logStartOffset: 0, highWatermark: 5, lastStableOffset: 5, sizeBytes: 300 }], messagesPerSec: 0, bytesPerSec: 0 };
    const store = new StaticStore({
      ...draft,
      broker: {
        ...draft.broker,
        topics: [ledger, ...draft.broker!.topics!],
        transactions: [
          { transactionalId: 'ledger-tx', producerId: 1764000000000001, epoch: 3, state: 'Ongoing', startedAt: T - 5_000, timeoutMs: 60_000, partitions: [{ topic: 'ledger', partition: 0, firstOffset: 10 }, { topic: 'orders', partition: 1, firstOffset: null }], groups: ['billing'] },
          // a client-sent id with an escape sequence must not reach the terminal as one
          { transactionalId: 'evil\u001b[2Jtx', producerId: 42, epoch: 0, state: 'Ongoing', startedAt: T - 1_000, timeoutMs: 10_000, partitions: [{ topic: 'ledger', partition: 1, firstOffset: null }], groups: [] },
        ],
      },
    });
    const tui = await renderTui(store, { columns: 120, rows: 30 });
    await tui.press('4');
    let s = await tui.until('2 open transactions');
    expect(s).toMatch(/ledger\s+2 0:12 1:5\s+0\s+0B\s+2 open/);
    expect(s).toMatch(/orders\s+2 0:12 1:8\s+3\.5\s+2\.0K\s+1 open/);
    expect(s).toMatch(/ledger-tx  p0@10 \(\+1 elsewhere\)  open 5s, aborted in 55s  offsets of billing  pid 1764000000000001 epoch 3/);
    expect(s).toMatch(/evil\\x1b\[2Jtx  p1  open 1s, aborted in 9s  pid 42 epoch 0/);
    expect(s).not.toContain('\u001b[2J');
    expect(s).toContain('last stable offset: p0 10 < end 12 (read_committed waits there)');
    // at 80 columns what matters stays (where, for how long), and nothing is wider
    tui.resize(80, 24);
    s = await tui.until(/ledger-tx  p0@10 \(\+1 elsewhere\)  open 5s, aborted in 55s  offsets of billing …/);
    expect(fitsIn(s, 80, 24).widest).toBeLessThanOrEqual(80);
    // audit has none: no transaction block
    await tui.press(KEY.down, KEY.down);
    s = await tui.until(' audit ');
    expect(s).not.toContain('open transaction');
    expect(s).not.toContain('last stable offset');
  });

  it('produces a message typed in the footer', async () => {
    const tui = await renderTui(new StaticStore(draft));
    await tui.press('4', KEY.down, 'n');
    await tui.until('produce to audit: key');
    await tui.press(...'k1', KEY.enter);
    await tui.until('value');
    await tui.press(...'{"a":1}', KEY.enter);
    await tui.until('produced to audit[0] @7');
    expect(tui.control.named('produce')).toEqual([['produce', { topic: 'audit', key: 'k1', value: '{"a":1}' }]]);
  });
});

describe('Faults view', () => {
  it('lists the rules with their hits; clears one, all; takes the broker down and up', async () => {
    const store = new StaticStore(draft);
    const tui = await renderTui(store);
    await tui.press('5');
    const s = await tui.until('slow-user');
    expect(s).toMatch(/slow-user\s+config\s+\* -> user\s+\/api\/\*\*\s+delay 200 ms\s+50\s+17/);
    expect(s).toContain('5 Faults ⚡2');
    await tui.press(KEY.down, 'x');
    expect(tui.control.named('clearFault')).toEqual([['clearFault', 'rule-2']]);
    await tui.press('X');
    expect(tui.control.named('clearFaults')).toHaveLength(1);
    await tui.press('b');
    expect(tui.control.named('brokerDown')).toHaveLength(1);
    store.set({ ...draft, broker: { ...draft.broker, state: 'down' } });
    await tui.until('down: every client is cut off');
    await tui.press('b');
    expect(tui.control.named('brokerUp')).toHaveLength(1);
  });

  it('f on a service adds a fault inline: delay, error, abort, cut; a refused one shows why', async () => {
    const tui = await renderTui(new StaticStore(draft));
    await tui.press('f');
    await tui.until('fault * -> order');
    await tui.press('d');
    await tui.until('delay (e.g. 500ms, 2s)');
    await tui.press(KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace, ...'1m30s', KEY.enter);
    await tui.press(KEY.down, 'f', 'e', KEY.enter, KEY.down, 'f', 'c');
    expect(tui.control.named('setFault')).toEqual([
      ['setFault', { caller: '*', callee: 'order', delay: '1m30s' }],
      ['setFault', { caller: '*', callee: 'user', status: 503 }],
      ['setFault', { caller: '*', callee: 'user', cut: true }],
    ]);
    tui.control.fail = { message: 'status must be 100..599', hint: 'e.g. 503' };
    await tui.press('f', 'e', KEY.backspace, KEY.backspace, KEY.backspace, '9', KEY.enter);
    await tui.until('failed: status must be 100..599 (e.g. 503)');
    await tui.press('5', 'f');
    await tui.until('fault on (caller -> callee');
    await tui.press(...'gateway order', KEY.enter);
    await tui.until('is not "caller -> callee"');
  });
});

describe('Header, help, the tick', () => {
  it('header: system, gateway, broker mode and address, ready/total, req/s, errors; an attached TUI shows the lost connection', async () => {
    const store = new StaticStore({ ...draft, header: { requestsPerSec: 41.5, errors: 3, errorRate: 0.02 } });
    const tui = await renderTui(store, { columns: 140, rows: 24 });
    let s = tui.screen();
    expect(s).toContain('shop');
    expect(s).toContain('gateway http://127.0.0.1:9000');
    expect(s).toContain('kafka embedded 127.0.0.1:9092');
    expect(s).toMatch(/3\/3 ready\s+42 req\/s\s+3 errors \(2\.0%\)/);
    expect(s).not.toContain('attached');
    store.set({ ...draft, header: { remote: { adminUrl: 'http://127.0.0.1:9009', connected: true, since: T, error: null } } });
    s = await tui.until('attached to http://127.0.0.1:9009');
    expect(s).toMatch(/3\/3 ready\s+0 req\/s\s+0 errors\s+attached to http:\/\/127\.0\.0\.1:9009/);
    store.set({ ...draft, ts: T + 12_000, header: { remote: { adminUrl: 'http://127.0.0.1:9009', connected: false, since: T, error: 'the devmode stopped or went away' } } });
    s = await tui.until('not answering');
    expect(s).toContain('✖ http://127.0.0.1:9009 not answering for 12s; retrying  last seen: 3/3 ready  (the devmode stopped or went away)');
    expect(s).not.toMatch(/\d+ req\/s/);
  });

  it("devmode up's own TUI (attached to its own admin API) reads as the system's: no \"attached to\"; a devmode that stops answering is said plainly", async () => {
    const store = new StaticStore({ ...draft, header: { requestsPerSec: 2.5, remote: { adminUrl: 'http://127.0.0.1:9009', connected: true, since: T, error: null } } });
    const tui = await renderTui(store, { columns: 140, rows: 24 }, { attached: false });
    let s = tui.screen();
    expect(s).toMatch(/3\/3 ready\s+2\.5 req\/s\s+0 errors/);
    expect(s).toContain('gateway http://127.0.0.1:9000');
    expect(s).not.toContain('attached');
    expect(s).not.toContain('9009');
    store.set({ ...draft, ts: T + 3000, header: { remote: { adminUrl: 'http://127.0.0.1:9009', connected: false, since: T, error: 'connect ECONNREFUSED 127.0.0.1:9009' } } });
    s = await tui.until('not answering');
    expect(s).toContain('✖ devmode not answering for 3s; retrying  last seen: 3/3 ready  (connect ECONNREFUSED 127.0.0.1:9009)');
    expect(s).not.toContain('attached');
  });

  it('? lists every key and fits 80x24; any key closes it', async () => {
    const tui = await renderTui(new StaticStore(draft));
    await tui.press('?');
    const s = await tui.until('any key closes this');
    for (const k of ['plain output', '$PAGER', 'restart', 'stop/start', 'filter', 'pause', 'capture', 'produce', 'clear all', 'broker down/up', '--max-rps N', 'every failed call']) expect(s).toContain(k);
    const f = fitsIn(s, 80, 24);
    expect(f.lines).toBe(24);
    expect(f.widest).toBeLessThanOrEqual(80);
    await tui.press('x');
    await tui.until('SERVICE');
    expect(tui.control.calls).toEqual([]);
  });

  it('draws on a bounded tick, not per change: 300 Store changes make a few frames', async () => {
    const store = new StaticStore(draft);
    const tui = await renderTui(store);
    const before = tui.frames().length;
    const started = Date.now();
    for (let n = 1; n <= 300; n++) {
      store.set({ ...draft, header: { requestsPerSec: n } });
      if (n % 20 === 0) await pause(2);
    }
    await pause(150);
    const seconds = (Date.now() - started) / 1000;
    const drawn = tui.frames().length - before;
    // ~10 frames a second (and the last state drawn); generous, only to tell a tick from drawing per change
    expect(drawn).toBeLessThan(Math.max(10, seconds * 30));
    expect(drawn).toBeLessThan(150);
    await tui.until('300 req/s');
  });
});
