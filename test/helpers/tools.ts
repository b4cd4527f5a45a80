/**
 * Programs besides devmode that some tests drive, and how a test says it needs one: see
 * test/setup/tools.ts, which installs them or records why they are missing.
 */
import { inject, it } from 'vitest';

/** Each program: the command the tests run and Debian's package that brings it. */
export const TOOLS = {
  kcat: { command: 'kcat', apt: 'kcat' },
} as const;

export type ToolName = keyof typeof TOOLS;

/** Why `tool` is missing, or undefined when it is here. */
export function missingTool(tool: ToolName): string | undefined {
  return inject('missingTools')[tool];
}

/**
 * `it` for a test that drives `tool`: skipped, with the reason in its name, when the
 * program is missing (never in CI, where the setup fails instead). `.each` works too.
 */
export function itWith(tool: ToolName): typeof it {
  const reason = missingTool(tool);
  if (reason === undefined) return it;
  const note = (name: string) => `${name} [skipped: ${reason}]`;
  const skipped = (name: string, fn?: unknown, options?: unknown) => it.skip(note(name), fn as never, options as never);
  skipped.each = (table: unknown) => (name: string, fn?: unknown, options?: unknown) => it.skip.each(table as never[])(note(name), fn as never, options as never);
  return skipped as unknown as typeof it;
}
