import { describe, expect, it } from 'vitest';
import { editDistance, suggest } from '../../../src/util/suggest.js';

describe('suggest', () => {
  it.each([
    ['comand', ['command', 'cwd', 'url'], 'command'],
    ['comamnd', ['command', 'cwd'], 'command'],
    ['dependsOn', ['depends_on', 'env_file'], 'depends_on'],
    ['ENV-FILE', ['depends_on', 'env_file'], 'env_file'],
    ['usr', ['user', 'order'], 'user'],
    ['xyz', ['command', 'cwd'], undefined],
    ['shipping', ['order', 'user'], undefined],
  ] as const)('%s among %j -> %s', (name, candidates, expected) => {
    expect(suggest(name, candidates)).toBe(expected);
  });

  it('counts a transposition as one edit', () => {
    expect(editDistance('comamnd', 'command')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
