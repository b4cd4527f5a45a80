import { describe, expect, it } from 'vitest';
import { StaticStore } from '../../../src/core/store/index.js';
import { shouldColor } from '../../../src/term/colors.js';
import { formatEvent } from '../../../src/term/format-event.js';
import { ALL_LOOKS } from '../../../src/tui/text/state-style.js';

// Ink's colours (chalk) are off when stdout is not a terminal, as in a test: force them on,
// before chalk is loaded, so that "no colour" is NO_COLOR's doing and this test can fail.
process.env.FORCE_COLOR = '1';
const { KEY, renderTui } = await import('./tui-rig.js');

// Foreground or background colour codes (SGR 30-37, 38;..., 39 reset, 40-49, 90-97, 100-107); bold, dim and inverse are not colours.
// eslint-disable-next-line no-control-regex
const COLOUR = /\u001b\[(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m/;

const store = new StaticStore({
  services: [
    { name: 'api', instances: [{ state: 'ready' }] },
    { name: 'crash', instances: [{ state: 'backoff', restartInMs: 2000 }] },
    { name: 'broken', activity: 'build-failed', instances: [{ state: 'exited' }] },
  ],
  logs: [{ service: 'api', text: '\u001b[31mred words\u001b[39m from the service' }],
});

describe('NO_COLOR (https://no-color.org)', () => {
  it('with colours, states and a service\'s own output are coloured', async () => {
    const tui = await renderTui(store, { columns: 100, rows: 30 }, { color: true });
    const s = tui.screen();
    expect(s).toContain('\u001b[32m● ready'); // devmode's own green
    expect(s).toContain('\u001b[31mred words'); // the service's own red
  });

  it('without colours, no colour reaches the screen, and states stay apart by symbol and word; the selection by inverse video', async () => {
    const tui = await renderTui(store, { columns: 100, rows: 30 }, { color: false });
    let s = tui.screen();
    expect(s).not.toMatch(COLOUR);
    expect(s).toContain('● ready');
    expect(s).toContain('✖ crashed');
    expect(s).toContain('build failed');
    expect(s).toContain('\u001b[7m'); // the selected row
    await tui.press('2');
    s = await tui.until('red words from the service');
    expect(s).not.toMatch(COLOUR);
    await tui.press('3', '4', '5', '?');
    expect(tui.screen()).not.toMatch(COLOUR);
    await tui.press(KEY.esc);
  });

  it('the line printer (--plain, and the TUI\'s plain output) prints no colour either: not devmode\'s, not a service\'s, not in a build\'s output', () => {
    const style = { enabled: shouldColor({ isTTY: true }, { NO_COLOR: '1' }) };
    expect(style.enabled).toBe(false);
    const lines = [
      formatEvent({ type: 'log', ref: { service: 'api', instance: 0 }, stream: 'stdout', line: '\u001b[31mred\u001b[39m words', ts: 0 }, style, 7),
      formatEvent({ type: 'instance.state', ref: { service: 'api', instance: 0 }, state: 'exited', exit: { code: 1, signal: null }, ts: 0 }, style, 7),
      formatEvent({ type: 'build.failed', service: 'api', output: '\u001b[31merror\u001b[39m TS2322\nsecond line', exitCode: 2, serving: true, ts: 0 }, style, 7),
      formatEvent({ type: 'reload.failed', service: 'api', reason: 'it printed \u001b[1;31mthis\u001b[0m', ts: 0 }, style, 7),
    ].join('\n');
    expect(lines).not.toContain('\u001b');
    expect(lines).toContain('api.0   | red words');
    expect(lines).toContain('api     |   error TS2322');
    // with colours, the same lines are coloured (so the check above can fail)
    expect(formatEvent({ type: 'build.failed', service: 'api', output: '\u001b[31merror\u001b[39m', exitCode: 2, serving: true, ts: 0 }, { enabled: true }, 7)).toContain('\u001b[31merror');
  });

  it('every state has its own symbol and word', () => {
    expect(new Set(ALL_LOOKS.map((l) => l.word)).size).toBe(ALL_LOOKS.length);
    expect(new Set(ALL_LOOKS.map((l) => l.symbol)).size).toBe(ALL_LOOKS.length);
  });
});
