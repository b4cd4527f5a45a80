import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIgnore } from '../../../src/watch/ignore.js';

describe('createIgnore', () => {
  const root = path.resolve('/srv/app/build/svc');
  const ignored = createIgnore([root], ['**/*.log', 'tmp', 'generated/**']);
  const at = (rel: string) => path.join(root, rel);

  it('always ignores dependency, VCS, output and devmode directories below the root', () => {
    for (const rel of ['node_modules', 'node_modules/x/index.js', '.git/HEAD', 'dist/a.js', 'src/build/x', '.devmode/kafka']) {
      expect(ignored(at(rel)), rel).toBe(true);
    }
  });

  it('keeps ordinary files, the root itself and its parents (even one named build)', () => {
    for (const file of [at('server.mjs'), at('src/lib/x.ts'), at('distant.js'), root, path.dirname(root), '/srv']) {
      expect(ignored(file), file).toBe(false);
    }
  });

  it('applies config globs relative to the root; a glob without a slash matches any base name', () => {
    expect(ignored(at('out.log'))).toBe(true);
    expect(ignored(at('a/b/out.log'))).toBe(true);
    expect(ignored(at('src/tmp'))).toBe(true);
    expect(ignored(at('generated/x.js'))).toBe(true);
    expect(ignored(at('src/generated/x.js'))).toBe(false);
    expect(ignored(at('out.logs'))).toBe(false);
  });

  it('judges a path by the innermost watched root', () => {
    const multi = createIgnore([root, path.join(root, 'lib')], []);
    expect(multi(path.join(root, 'lib', 'dist', 'x.js'))).toBe(true);
    expect(multi('/elsewhere/dist/x.js')).toBe(false);
  });
});
