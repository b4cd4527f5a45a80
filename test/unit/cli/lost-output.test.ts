/**
 * A terminal that hangs up while the TUI sets raw mode throws EIO from inside Ink (not a
 * stream 'error'): devmode takes it as the terminal closing, not as an internal error.
 */
import { EventEmitter } from 'node:events';
import { expect, it } from 'vitest';
import { LostOutput } from '../../../src/cli/lost-output.js';

it('takes setRawMode EIO as the terminal closing, once, and leaves other errors alone', () => {
  const reasons: string[] = [];
  const output = new LostOutput([new EventEmitter() as NodeJS.WriteStream], (reason) => reasons.push(reason));
  const eio = Object.assign(new Error('setRawMode EIO'), { code: 'EIO', syscall: 'setRawMode' });
  expect(output.takes(new Error('a bug'))).toBe(false);
  expect(output.takes(Object.assign(new Error('read EIO'), { code: 'EIO', syscall: 'read' }))).toBe(false);
  expect(output.takes(eio)).toBe(true);
  expect(output.takes(eio)).toBe(true);
  expect(reasons).toEqual(['terminal closed']);
  expect(output.lost).toBe(true);
});
