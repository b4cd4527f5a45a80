/**
 * Does a service's command exist? Only the program is checked (argv[0], or the first
 * plain word of a shell string); anything shell-like is left for the shell to judge.
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** Words the shell handles itself: a command starting with one is not checked. */
const SHELL_WORDS = new Set([
  '.', ':', '[', '[[', '!', '{', '(', 'alias', 'bg', 'break', 'builtin', 'case', 'cd', 'command', 'continue', 'declare',
  'echo', 'eval', 'exec', 'exit', 'export', 'false', 'fg', 'for', 'function', 'getopts', 'hash', 'if', 'jobs', 'kill',
  'let', 'local', 'printf', 'pwd', 'read', 'readonly', 'return', 'select', 'set', 'shift', 'source', 'test', 'time',
  'times', 'trap', 'true', 'type', 'typeset', 'ulimit', 'umask', 'unalias', 'unset', 'until', 'wait', 'while',
]);

/** Characters that make a word shell syntax rather than a program name. */
const SHELL_SYNTAX = /[$`'"\\(){}|&;<>*?[\]~!#]/;

/**
 * The program a command runs, or undefined when it cannot be told without running a
 * shell (`cd x && ...`, `$BIN`, `(sub)shell`). `FOO=1 node x` checks `node`.
 */
export function programOf(command: string | readonly string[]): string | undefined {
  if (typeof command !== 'string') return command[0];
  const words = command.trim().split(/\s+/);
  let index = 0;
  while (index < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[index] ?? '')) index++;
  const word = words[index];
  if (word === undefined || word === '' || SHELL_WORDS.has(word) || SHELL_SYNTAX.test(word)) return undefined;
  return word;
}

/** What {@link findProgram} found. */
export type ProgramLookup = { readonly kind: 'found'; readonly file: string } | { readonly kind: 'missing' } | { readonly kind: 'not-executable'; readonly file: string };

/**
 * Resolves a program as execa with `preferLocal` would: a name with a slash relative to
 * cwd; otherwise node_modules/.bin from cwd upward, then PATH.
 */
export function findProgram(program: string, cwd: string, pathEnv: string): ProgramLookup {
  if (program.includes('/')) {
    const file = path.resolve(cwd, program);
    if (!isFile(file)) return { kind: 'missing' };
    return isExecutable(file) ? { kind: 'found', file } : { kind: 'not-executable', file };
  }
  const dirs: string[] = [];
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    dirs.push(path.join(dir, 'node_modules', '.bin'));
    if (path.dirname(dir) === dir) break;
  }
  dirs.push(...pathEnv.split(path.delimiter).filter((d) => d !== ''));
  for (const dir of dirs) {
    const file = path.resolve(dir, program);
    if (isFile(file) && isExecutable(file)) return { kind: 'found', file };
  }
  return { kind: 'missing' };
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether `dir` is an existing directory. */
export function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Whether `file` exists (any kind). */
export function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}
