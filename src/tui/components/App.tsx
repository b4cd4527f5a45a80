import { useEffect, useState } from 'react';
import { useApp, useInput, useWindowSize } from 'ink';
import type { TuiController } from '../state/controller.js';
import { Screen } from './Screen.js';

/** How often the screen is drawn again from the Store's snapshot (if anything changed). */
export const TICK_MS = 100;

/**
 * The root: draws the controller's frame on a bounded tick (never per event), and at once
 * after a key. Keeps no state of its own beyond the frame drawn.
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
    draw();
    const timer = setInterval(draw, TICK_MS);
    const off = controller.onChange(draw);
    return () => {
      clearInterval(timer);
      off();
    };
  }, [controller, columns, rows]);

  useInput((input, key) => controller.key({ ...key, input }));

  return <Screen frame={frame} />;
}
