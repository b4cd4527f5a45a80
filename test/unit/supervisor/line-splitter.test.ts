import { expect, test } from 'vitest';
import { LineSplitter } from '../../../src/supervisor/line-splitter.js';

function split(chunks: (string | Buffer)[], max?: number): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((l) => lines.push(l), max);
  for (const c of chunks) splitter.push(c);
  splitter.flush();
  return lines;
}

test('splits across chunks, drops \\r, keeps empty lines, flushes the partial last line', () => {
  expect(split(['a\r\nb', 'c\n\nd'])).toEqual(['a', 'bc', '', 'd']);
});

test('keeps a multi-byte character split between chunks whole', () => {
  const bytes = Buffer.from('héllo\n');
  expect(split([bytes.subarray(0, 2), bytes.subarray(2)])).toEqual(['héllo']);
});

test('cuts lines longer than the limit, within a chunk and across chunks', () => {
  expect(split(['abcdefg\n'], 3)).toEqual(['abc', 'def', 'g']);
  expect(split(['ab', 'cd', 'ef', 'g'], 3)).toEqual(['abc', 'def', 'g']);
});
