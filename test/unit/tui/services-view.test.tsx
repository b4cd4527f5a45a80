import { describe, expect, it } from 'vitest';
import { StaticStore } from '../../../src/core/store/index.js';
import { fitsIn, KEY, renderTui } from './tui-rig.js';

const ALL_STATES = new StaticStore({
  services: [
    { name: 'api', instances: [{ state: 'ready', restarts: 2 }] },
    { name: 'boot', instances: [{ state: 'starting' }] },
    { name: 'probe', instances: [{ state: 'starting', why: 'readiness: GET /health answered 500' }] },
    { name: 'dep', instances: [{ state: 'waiting' }] },
    { name: 'crash', instances: [{ state: 'backoff', restartInMs: 2000, lastExit: { code: 1, signal: null, ts: Date.UTC(2026, 0, 1, 11, 59, 50), requested: false } }] },
    { name: 'loop', instances: [{ state: 'crash-loop', why: 'exited with code 1 five times' }] },
    { name: 'halt', instances: [{ state: 'stopped', lastExit: { code: 0, signal: 'SIGTERM', ts: Date.UTC(2026, 0, 1, 11, 59, 0), requested: true } }] },
    { name: 'bye', instances: [{ state: 'stopping' }] },
    { name: 'hot', activity: 'reloading', lastReload: { trigger: 'src/a.ts', files: 1, startedAt: Date.UTC(2026, 0, 1, 11, 59, 59), outcome: 'running', ms: null, reason: null, buildOutput: null }, instances: [{ state: 'starting' }] },
    { name: 'comp', activity: 'building', instances: [{ state: 'waiting' }] },
    {
      name: 'broken',
      activity: 'build-failed',
      lastReload: { trigger: 'src/b.ts', files: 2, startedAt: Date.UTC(2026, 0, 1, 11, 59, 30), outcome: 'build-failed', ms: null, reason: 'build exited with code 2', buildOutput: 'src/b.ts(3,7): error TS2322: Type string is not number\nsrc/b.ts(9,1): error TS1005: ; expected\n' },
      instances: [{ state: 'exited', lastExit: { code: 1, signal: null, ts: Date.UTC(2026, 0, 1, 11, 59, 31), requested: false } }],
    },
    { name: 'legacy', kind: 'unmanaged', url: 'http://127.0.0.1:7000', instances: [{ state: 'ready', pid: null }] },
  ],
});

describe('Services view', () => {
  it('shows every state in words and symbols, with pid, port, uptime, restarts, cpu and memory (wide terminal)', async () => {
    const tui = await renderTui(ALL_STATES, { columns: 160, rows: 40 });
    const s = tui.screen();
    for (const look of ['● ready', '◐ starting', '▲ unhealthy', '○ waiting', '✖ crashed', '↻ crash loop', '■ stopped', '◌ stopping', '⟳ reloading', '⚙ building', '⊘ build failed']) expect(s).toContain(look);
    expect(s).toMatch(/api\s+● ready\s+40000\s+5000\s+30s\s+2\s+-\s+1\.5%\s+48M/);
    expect(s).toContain('readiness: GET /health answered 500');
    expect(s).toContain('unmanaged http://127.0.0.1:7000');
  });

  it('fits 80x24 exactly and follows a resize', async () => {
    const tui = await renderTui(ALL_STATES);
    let f = fitsIn(tui.screen(), 80, 24);
    expect(f.lines).toBe(24);
    expect(f.widest).toBeLessThanOrEqual(80);
    tui.resize(100, 30);
    await tui.until(/./);
    await new Promise((r) => setTimeout(r, 150));
    f = fitsIn(tui.screen(), 100, 30);
    expect(f.lines).toBe(30);
  });

  it('shows a failed build in full under the selected service, and acts on the selection with keys', async () => {
    const tui = await renderTui(ALL_STATES, { columns: 120, rows: 40 });
    for (let i = 0; i < 10; i++) await tui.press(KEY.down);
    const s = await tui.until('error TS1005');
    expect(s).toContain('build failed; the previous version keeps serving');
    expect(s).toContain('src/b.ts(3,7): error TS2322: Type string is not number');
    await tui.press('r');
    expect(tui.control.named('restart')).toEqual([['restart', 'broken']]);
    await tui.until('restart broken: done');
    await tui.press(KEY.up, KEY.up, KEY.up, KEY.up, 'x');
    expect(tui.control.named('start')).toEqual([['start', 'halt']]);
    await tui.press(KEY.down, 'x');
    expect(tui.control.named('stop')).toEqual([['stop', 'bye']]);
  });

  it('l opens the selected service\'s logs, t its traffic', async () => {
    const tui = await renderTui(ALL_STATES);
    await tui.press(KEY.down, 'l');
    await tui.until(' boot ');
    expect(tui.controller.ui.view).toBe('logs');
    expect(tui.controller.ui.logs.service).toBe('boot');
    await tui.press('1', 't');
    await tui.until('service:boot');
    expect(tui.controller.ui.view).toBe('traffic');
  });

  it('a command that fails shows its message and hint', async () => {
    const tui = await renderTui(ALL_STATES);
    tui.control.fail = { message: "service 'api' is unmanaged", hint: 'restart it yourself' };
    await tui.press('r');
    await tui.until("restart api failed: service 'api' is unmanaged (restart it yourself)");
  });
});

describe('keys that arrive together', () => {
  it('"1f" read at once (a busy machine) is two keys, not one', async () => {
    const tui = await renderTui(ALL_STATES);
    await tui.press('2');
    await tui.until(' all services ');
    await tui.press('1f');
    await tui.until('fault * -> api');
  });
});
