/**
 * The TUI of `devmode up` in a real terminal (a pty read through a headless xterm), on a
 * small system whose service has a slow build step: the Services view says building, then
 * ready; a saved file builds and reloads; a build that fails shows its output while the
 * running version keeps serving. With NO_COLOR no cell is coloured, and the states still
 * read apart. The header reads as the system's own (not "attached to"); Ctrl-L redraws
 * what another program wrote over the screen; q leaves nothing behind.
 */
import { writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, FREE_PORTS, tempProject } from '../helpers/devmode-rig.js';
import { devmodeInPty } from '../helpers/pty-terminal.js';

const WEB = path.join(FIXTURES, 'e2e/web.mjs');

// A build that takes a while, and fails (with a compiler-like message) while web/broken exists.
const BUILD = `
const { existsSync } = require('node:fs');
setTimeout(() => {
  if (existsSync('broken')) {
    console.error('src/app.ts(3,7): error TS2322: this build is broken on purpose');
    process.exit(2);
  }
}, 1500);
`;

describe('the TUI of devmode up, in a terminal', () => {
  it('building, ready, building again on a save, build failed with its output; no colour with NO_COLOR; Ctrl-L; q', async () => {
    const dir = tempProject({
      'web/version.txt': 'v1\n',
      'web/build.cjs': BUILD,
      'devmode.yaml': `
name: states-${process.pid}
services:
  web:
    command: node ${WEB}
    cwd: web
    build: node build.cjs
    readiness: { http: /health }
    routes: [{ path: /web/**, strip_prefix: /web }]
${FREE_PORTS}`,
    });
    const t = devmodeInPty(['up'], dir, { cols: 100, rows: 30 }, { NO_COLOR: '1' });

    // the first build, before the service has ever run
    await t.until(/web\s+⚙ building/, 30_000);
    let s = await t.until(/web\s+● ready/, 30_000);
    expect(s).toMatch(/1\/1 ready\s+\S+ req\/s\s+\d+ errors?/);
    expect(s).not.toContain('attached');
    // NO_COLOR: not one coloured cell, and the selected row still in inverse video
    expect(t.colours().coloured).toBe(0);
    expect(t.colours().inverse).toBeGreaterThan(0);

    // a save: the build runs again while the running version serves, then the swap
    writeFileSync(path.join(dir, 'web/version.txt'), 'v2\n');
    await t.until(/web\s+⚙ building/, 20_000);
    s = await t.until(/web\s+● ready/, 30_000);
    expect(s).toMatch(/last reload: reloaded in \d+ ms \(web\/version\.txt/);

    // a save that breaks the build: its output, and the previous version keeps serving
    writeFileSync(path.join(dir, 'web/broken'), '');
    writeFileSync(path.join(dir, 'web/version.txt'), 'v3\n');
    await t.until(/web\s+⚙ building/, 20_000);
    s = await t.until(/web\s+⊘ build failed/, 30_000);
    expect(s).toContain('build failed; the previous version keeps serving');
    expect(s).toContain('error TS2322: this build is broken on purpose');
    expect(t.colours().coloured).toBe(0);

    // fixed: built and reloaded
    rmSync(path.join(dir, 'web/broken'));
    writeFileSync(path.join(dir, 'web/version.txt'), 'v4\n');
    await t.until(/web\s+● ready/, 30_000);

    // another program wrote over the screen: Ctrl-L draws it all again
    t.term.write('\u001b[12;1HGARBAGE FROM ANOTHER PROGRAM');
    await t.until('GARBAGE');
    await t.press('\u000c');
    await t.until(() => !t.screen().includes('GARBAGE') && /web\s+● ready/.test(t.screen()));

    await t.press('q');
    const exit = await t.exited;
    expect(exit.exitCode, t.raw.slice(-2000)).toBe(0);
    expect(t.alternate).toBe(false);
  });
});
