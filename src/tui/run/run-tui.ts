/**
 * Runs the TUI on a terminal until the user quits or `signal` aborts, on the alternate
 * screen (Ink restores the screen and the terminal modes on every way out: q, Ctrl-C,
 * SIGTERM through `signal`, a crash through Ink's exit hook).
 */
import { createElement } from 'react';
import { render, type Instance } from 'ink';
import type { SystemControl } from '../../core/contracts.js';
import type { Store } from '../../core/store/index.js';
import { App } from '../components/App.js';
import { TuiController } from '../state/controller.js';
import { openInPager } from './pager.js';
import { plainStream } from './plain-stream.js';

export interface RunTuiOptions {
  store: Store;
  control: SystemControl;
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
  /** colours on the screen and in the plain-output mode (false with NO_COLOR) */
  color: boolean;
  /** false for `devmode up`'s own TUI (attached to its own admin API): the header does not say "attached to" */
  attached: boolean;
  signal: AbortSignal;
}

/** Resolves when the TUI has left the terminal: 'quit' (the user) or 'signal'. */
export async function runTui(o: RunTuiOptions): Promise<'quit' | 'signal'> {
  let ink: Instance | undefined;
  const prefixWidth = () => Math.max(7, ...o.store.getSnapshot().services.flatMap((s) => s.instances.map((i) => i.key.length)));
  const controller = new TuiController({
    store: o.store,
    control: o.control,
    color: o.color,
    attached: o.attached,
    pager: (text) => openInPager(text, o.env),
    // Ink writes only the lines that changed: after another program wrote on the terminal,
    // clear it and have the whole frame written again
    redraw: () => {
      if (!ink) return;
      ink.clear();
      o.stdout.write('\u001b[2J\u001b[H');
      ink.rerender(createElement(App, { controller }));
    },
    plainStream: () => plainStream({ store: o.store, stdout: o.stdout, stdin: o.stdin, style: { enabled: o.color }, prefixWidth: prefixWidth(), backlog: o.stdout.rows ?? 24 }),
  });
  const app = (ink = render(createElement(App, { controller }), {
    stdout: o.stdout,
    stdin: o.stdin,
    alternateScreen: true,
    exitOnCtrlC: false,
    interactive: true,
    maxFps: 30,
    // only the lines that changed are written: less to send through the terminal
    incrementalRendering: true,
    patchConsole: true,
  }));
  let bySignal = false;
  const onAbort = () => {
    bySignal = true;
    app.unmount();
  };
  if (o.signal.aborted) onAbort();
  else o.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await app.waitUntilExit();
    return bySignal ? 'signal' : 'quit';
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    controller.close();
    app.cleanup();
  }
}
