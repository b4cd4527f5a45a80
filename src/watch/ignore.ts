import path from 'node:path';
import picomatch from 'picomatch';

/** Directory names that are never watched: dependencies, VCS data, build output, devmode's own data. */
export const ALWAYS_IGNORED_DIRS: readonly string[] = ['node_modules', '.git', 'dist', 'build', '.devmode'];

/**
 * Builds chokidar's `ignored` predicate for one service (chokidar 4 has no globs).
 *
 * Paths are judged relative to the watched root that contains them, so a service that
 * itself lives under a folder named `build` is still watched; only names below the root
 * count. `globs` (the config's `ignore`) are matched with picomatch against that relative
 * path, and a glob without a slash also matches a base name anywhere (`*.log`), as in
 * .gitignore.
 */
export function createIgnore(roots: readonly string[], globs: readonly string[]): (file: string) => boolean {
  const absRoots = roots.map((r) => path.resolve(r));
  const matchers = globs.map((glob) => picomatch(glob, { dot: true, basename: !glob.includes('/') }));
  const always = new Set(ALWAYS_IGNORED_DIRS);
  return (file) => {
    const abs = path.resolve(file);
    const root = containingRoot(absRoots, abs);
    // chokidar asks about parents of a watched root too; never ignore those.
    if (root === undefined) return false;
    const rel = path.relative(root, abs);
    if (rel === '') return false;
    const posix = rel.split(path.sep).join('/');
    if (posix.split('/').some((segment) => always.has(segment))) return true;
    return matchers.some((match) => match(posix));
  };
}

/** The longest root that contains `abs` (watch paths may nest). */
function containingRoot(roots: readonly string[], abs: string): string | undefined {
  let best: string | undefined;
  for (const root of roots) {
    if (abs === root || abs.startsWith(root.endsWith(path.sep) ? root : root + path.sep)) {
      if (best === undefined || root.length > best.length) best = root;
    }
  }
  return best;
}
