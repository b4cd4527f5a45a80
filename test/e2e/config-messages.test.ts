/**
 * Config mistakes through the real CLI: one message with the place and a hint, exit 2;
 * and Ctrl-C while a large file is parsed ends devmode at once (nothing has started).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { devmode, FIXTURES, runDevmode, tempProject } from '../helpers/devmode-rig.js';

describe('config messages', () => {
  it('devmode check names the place of bytes that are not UTF-8, with a hint, exit 2', async () => {
    const dir = tempProject();
    const r = await runDevmode(['check', '-f', path.join(FIXTURES, 'config/broken/32-non-utf8.yaml')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/32-non-utf8\.yaml:5:20.*not valid UTF-8: byte 0xE9/);
    expect(r.stderr).toMatch(/save the file as UTF-8/);
    expect(r.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('devmode up says to quote a value with a colon in it, exit 2', async () => {
    const dir = tempProject();
    const r = await runDevmode(['up', '-f', path.join(FIXTURES, 'config/broken/30-colon-in-command.yaml')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/30-colon-in-command\.yaml:3:14/);
    expect(r.stderr).toContain('quote the value: command: "echo time: now"');
  });

  it('Ctrl-C while a large config is parsed ends devmode at once', async () => {
    const lines = ['services:'];
    for (let i = 0; i < 45_000; i++) lines.push(`  s${i}: {command: x}`);
    const dir = tempProject({ 'devmode.yaml': `${lines.join('\n')}\n` });
    const dm = devmode(['check'], dir);
    // parsing takes a second or more; the signal comes in the middle of it
    await new Promise((r) => setTimeout(r, 600));
    const sentAt = performance.now();
    dm.signal('SIGINT');
    const result = await dm.exited;
    expect(result.signal ?? result.code).toBe('SIGINT');
    expect(performance.now() - sentAt).toBeLessThan(5_000);
  });
});
