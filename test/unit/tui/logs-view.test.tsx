import { describe, expect, it } from 'vitest';
import { StaticStore } from '../../../src/core/store/index.js';
import { plainLine, safeLine } from '../../../src/tui/text/sanitize.js';
import { KEY, renderTui } from './tui-rig.js';

const lines = Array.from({ length: 60 }, (_, i) => ({ service: i % 2 ? 'order' : 'user', text: `line ${i}` }));

describe('service output made safe', () => {
  it('keeps colours, strips cursor moves, clears, titles and other controls, collapses \\r progress, cuts long lines', () => {
    expect(safeLine('\u001b[31mred\u001b[39m ok')).toBe('\u001b[31mred\u001b[39m ok\u001b[0m');
    expect(plainLine('a\u001b[2J\u001b[Hb\u001b]0;title\u0007c\u0007d\u001b[?25l')).toBe('abcd');
    expect(plainLine('progress 10%\rprogress 50%\rprogress 100%\r')).toBe('progress 100%');
    expect(plainLine('tab\there')).toBe('tab  here');
    const huge = 'x'.repeat(100_000);
    const started = performance.now();
    for (let i = 0; i < 1000; i++) safeLine(huge);
    // a hang catcher, not a benchmark: cutting first keeps a huge line as cheap as a short one
    expect(performance.now() - started).toBeLessThan(5000);
    expect(plainLine(huge, 50)).toBe('x'.repeat(50) + '…');
  });
});

describe('Logs view', () => {
  it('follows the merged output, prefixed by instance; scrolls back and follows again', async () => {
    const store = new StaticStore({ services: [{ name: 'user' }, { name: 'order' }], logs: lines });
    const tui = await renderTui(store);
    await tui.press('2');
    let s = await tui.until('line 59');
    expect(s).toContain('following');
    expect(s).toMatch(/order\.0\s*│ line 59/);
    expect(s).not.toContain('line 30');
    await tui.press(KEY.pageUp);
    s = await tui.until('scrolled back (15 newer)');
    expect(s).not.toContain('line 59');
    expect(s).toContain('line 44');
    // new lines do not move a scrolled-back view
    store.set({ services: [{ name: 'user' }, { name: 'order' }], logs: [...lines, { service: 'user', text: 'line 60' }] });
    s = await tui.until('scrolled back (16 newer)');
    expect(s).toContain('line 44');
    await tui.press(KEY.end);
    await tui.until('line 60');
  });

  it('filters per service with ←→, and by text keeping context lines around each match', async () => {
    const store = new StaticStore({ services: [{ name: 'user' }, { name: 'order' }], logs: lines });
    const tui = await renderTui(store, { columns: 100, rows: 40 });
    await tui.press('2', KEY.right);
    let s = await tui.until(' user ');
    expect(s).not.toMatch(/order\.0\s*│/);
    await tui.press(KEY.left, '/', ...'line 3'.split(''), KEY.enter);
    s = await tui.until('filter "line 3": 11 matches');
    // "line 3" and line 30..39 match; line 1, 2 (before) and 4, 5 (after) are context; a gap before 28
    expect(s).toContain('line 1\n');
    expect(s).toContain('line 5\n');
    expect(s).not.toContain('line 6\n');
    expect(s).toContain('──');
    expect(s).toContain('line 41');
    expect(s).not.toContain('line 42');
    await tui.press(KEY.esc);
    await tui.until('line 59');
  });

  it('pretty-prints JSON lines on demand, and shows what is unsafe made safe', async () => {
    const store = new StaticStore({
      services: [{ name: 'order' }],
      logs: [
        { service: 'order', text: '{"level":"info","msg":"order placed","id":42}' },
        { service: 'order', text: 'evil\u001b[2J\u001b[Htitle\u001b]0;pwned\u0007 done' },
        { service: 'order', text: 'downloading 10%\rdownloading 100%' },
        { service: 'order', text: 'y'.repeat(100_000) },
      ],
    });
    const tui = await renderTui(store);
    await tui.press('2');
    let s = await tui.until('eviltitle done');
    expect(s).toContain('downloading 100%');
    expect(s).not.toContain('downloading 10%');
    expect(s).toContain('{"level":"info","msg":"order placed","id":42}');
    await tui.press('j');
    s = await tui.until('"msg": "order placed",');
    expect(s).toMatch(/│ {3}"id": 42/);
  });
});
