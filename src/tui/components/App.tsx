import { useEffect, useState } from 'react';
import { useApp, useInput, useWindowSize } from 'ink';
import type { TuiController } from '../state/controller.js';
import { FramePacer } from '../state/frame-pacer.js';
import { Screen } from './Screen.js';

/**
 * The root: draws the controller's frame on a bounded tick (never per event; about 10 a
 * second, fewer when the process is busy: see FramePacer), and at once after a key. Keeps
 * no state of its own beyond the frame drawn.
 */
export function App({ controller, size }: { controller: TuiController; size?: { columns: number; rows: number } }) {
  const terminal = useWindowSize();
  // a fixed size for component tests; the terminal's (following resizes) otherwise
  const { columns, rows } = size ?? terminal;
  const { exit, suspendTerminal } = useApp();
  const [frame, setFrame] = useState(() => controller.frame(columns, rows));

  useEffect(() => {
    controller.attach({ exit: () => exit(), suspend: (work) => suspendTerminal(work) });
  }, [controller]);

  useEffect(() => {
    const draw = () => setFrame(controller.frame(columns, rows));
    const pace = new FramePacer();
    let timer: NodeJS.Timeout;
    const tick = () => {
      draw();
      timer = setTimeout(tick, pace.next());
    };
    tick();
    const off = controller.onChange(draw);
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [controller, columns, rows]);

  useInput((input, key) => controller.key({ ...key, input }));

  return <Screen frame={frame} />;
}
